-- Calls queued behind panelhost's AMI rate cap (ami.rate, docs/rates.md).
-- The engine hands each Originate to panelhost, which writes AMI actions at
-- most ami.rate a second; a call waiting there is "queued", not live: its
-- start (dialer_calls.started_at) is the moment panelhost wrote it to the
-- AMI socket. Each engine reports in its heartbeat how many of its calls
-- wait there, how many AMI actions of its own wait, the host's cap and the
-- calls a second that cap carries; per campaign, how many of its calls wait.
-- The dashboard shows them beside the live calls.
ALTER TABLE dialer_heartbeat
  ADD COLUMN calls_queued INT UNSIGNED NOT NULL DEFAULT 0 AFTER active_calls,
  ADD COLUMN ami_queued INT UNSIGNED NOT NULL DEFAULT 0 AFTER calls_queued,
  ADD COLUMN ami_rate DECIMAL(10,1) NULL AFTER ami_queued,
  ADD COLUMN cps_ceiling DECIMAL(10,1) NULL AFTER ami_rate;
ALTER TABLE dialer_campaign_status
  ADD COLUMN queued_calls INT UNSIGNED NOT NULL DEFAULT 0 AFTER live_calls;
