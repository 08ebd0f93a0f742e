-- Demo data for scripts/run: dispositions, three campaigns linked to the
-- simulator's queues, call groups and numbers. Run it again and nothing is
-- duplicated; the demo numbers are reset to pending so each run dials again.
-- Numbers follow the simulator's rule: the last digit picks the outcome
-- (0-3 answer, 4 answer and press 1, 5 busy, 6 no answer, 7 congestion,
-- 8 answering machine, 9 unallocated).

--
-- scripts/run sets @pd_demo_real_pbx = 1 before this file when it runs against
-- a real Asterisk (--ami-host … --seed-demo): the demo campaigns are then
-- created paused (and paused if they exist), so nothing dials until an admin
-- enables one, and the simulator's dial context is not put in the settings.
SET @pd_demo_real_pbx = COALESCE(@pd_demo_real_pbx, 0);

UPDATE dialer_settings SET value = 'sim-customers' WHERE name = 'dial_context' AND @pd_demo_real_pbx = 0;
UPDATE dialer_settings SET value = '20' WHERE name = 'dial_timeout' AND @pd_demo_real_pbx = 0;

INSERT IGNORE INTO dialer_dispositions (name, description) VALUES
  ('Sale', 'the customer bought'),
  ('Callback', 'call again later'),
  ('Not interested', ''),
  ('Wrong number', ''),
  ('Support request', 'inbound: a question answered');
-- Choosing it asks the agent for a time agreed with the customer.
UPDATE dialer_dispositions SET is_callback = 1 WHERE name = 'Callback';

INSERT IGNORE INTO dialer_campaigns
  (name, destination_kind, destination, queue_name, destination_amd, mode, initial_leg,
   caller_id, start_hour, end_hour, week_days, time_zone, dial_attempts, concurrent_calls,
   retry_minutes, valid_dtmf, script, enabled)
VALUES
  ('demo_progressive', 'queue', 'ext-queues,500,1', 'sales', 'app-blackhole,hangup,1',
   'progressive', 'remote', '"Demo" <5550100>', '00:00:00', '00:00:00',
   'mon,tue,wed,thu,fri,sat,sun', 'UTC', 3, 10, 1, '', 'Hello, this is the demo campaign.', @pd_demo_real_pbx = 0),
  ('demo_automatic', 'ivr', 'ivr-1,s,1', NULL, NULL,
   'automatic', 'remote', '5550200', '00:00:00', '00:00:00',
   'mon,tue,wed,thu,fri,sat,sun', 'UTC', 2, 5, 1, '1', NULL, @pd_demo_real_pbx = 0),
  ('demo_preview', 'queue', 'ext-queues,501,1', 'support', NULL,
   'preview', 'local', '5550300', '00:00:00', '00:00:00',
   'mon,tue,wed,thu,fri,sat,sun', 'UTC', 2, 5, 5, '', 'Ask for the account holder.', @pd_demo_real_pbx = 0);

-- The contact card's CRM link (screen pop); a campaign the admin changed keeps its own.
UPDATE dialer_campaigns
   SET crm_url_template = 'https://crm.example.com/contact?phone={NUMBER}&account={VARIABLE:account}&agent={AGENT}'
 WHERE name IN ('demo_progressive', 'demo_preview') AND crm_url_template = '';

-- Against a real PBX, demo campaigns left enabled by an earlier simulator run
-- on the same database are paused too: the reset below would dial them again.
UPDATE dialer_campaigns SET enabled = 0
 WHERE @pd_demo_real_pbx = 1 AND name IN ('demo_progressive', 'demo_automatic', 'demo_preview');

-- Wrap-up: the simulated agents without a panel never tag, so the demo's
-- wrap-ups end after 15 s (0, the default, would hold them until a tag).
UPDATE dialer_campaigns SET wrapup_seconds = 15
 WHERE name IN ('demo_progressive', 'demo_preview') AND wrapup_seconds = 0;

INSERT IGNORE INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction, sort_order)
SELECT c.id, d.id, 'outbound', d.id FROM dialer_campaigns c JOIN dialer_dispositions d
 WHERE c.name IN ('demo_progressive', 'demo_preview') AND d.name IN ('Sale', 'Callback', 'Not interested', 'Wrong number');
INSERT IGNORE INTO dialer_campaign_dispositions (campaign_id, disposition_id, direction, sort_order)
SELECT c.id, d.id, 'inbound', d.id FROM dialer_campaigns c JOIN dialer_dispositions d
 WHERE c.name IN ('demo_progressive', 'demo_preview') AND d.name IN ('Support request', 'Callback');

-- Call groups: 100 contacts each, generated.
INSERT INTO dialer_contacts (group_name, name, number, variables)
SELECT 'demo-sales', CONCAT('Customer ', seq), CONCAT('555', LPAD(1000 + seq, 4, '0')), CONCAT('account=A', seq)
  FROM seq_0_to_99
 WHERE NOT EXISTS (SELECT 1 FROM dialer_contacts WHERE group_name = 'demo-sales');
INSERT INTO dialer_contacts (group_name, name, number, variables)
SELECT 'demo-survey', CONCAT('Household ', seq), CONCAT('556', LPAD(1000 + seq, 4, '0')), ''
  FROM seq_0_to_99
 WHERE NOT EXISTS (SELECT 1 FROM dialer_contacts WHERE group_name = 'demo-survey');
INSERT INTO dialer_contacts (group_name, name, number, variables)
VALUES ('demo-preview', '<b>Bob</b> & Co', '5572001', 'note=VIP customer'),
       ('demo-preview', 'Ann Example', '5572002', ''),
       ('demo-preview', 'Carl Sample', '5572010', ''),
       ('demo-preview', 'Dora Test', '5572021', '')
ON DUPLICATE KEY UPDATE name = name;

-- As the groups page adds a group to a campaign: each number takes its contact's time zone.
INSERT IGNORE INTO dialer_numbers (campaign_id, contact_id, name, number, caller_id, variables, time_zone)
SELECT c.id, k.id, k.name, k.number, k.caller_id, k.variables, k.time_zone
  FROM dialer_campaigns c JOIN dialer_contacts k
    ON (c.name = 'demo_progressive' AND k.group_name = 'demo-sales')
    OR (c.name = 'demo_automatic' AND k.group_name = 'demo-survey')
    OR (c.name = 'demo_preview' AND k.group_name = 'demo-preview');

-- Every run of the demo dials again: the demo campaigns' finished numbers go
-- back to pending (their call log stays).
UPDATE dialer_numbers n JOIN dialer_campaigns c ON c.id = n.campaign_id
   SET n.state = 'pending', n.attempts = 0, n.next_try_at = '1970-01-01 00:00:00',
       n.disposition = NULL, n.dial_status = NULL, n.agent = NULL, n.agent_disposition = NULL,
       n.last_error = NULL, n.claim_owner = NULL, n.claim_expires_at = NULL
 WHERE c.name IN ('demo_progressive', 'demo_automatic', 'demo_preview')
   AND n.state IN ('done', 'failed', 'retry', 'closed', 'reserved', 'dialing', 'answered');
