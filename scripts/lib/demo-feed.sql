-- The demo keeps going (scripts/run with the simulator, every 10 s): a demo
-- campaign with fewer than 10 numbers to dial in the next 30 s gets 25 new ones, as a CRM
-- feed would add them. Nothing is recycled, so the dashboard's figures and the
-- call log only grow. Demo campaigns only, and only while enabled; never run
-- against a real PBX (scripts/run does not start the feed with --ami-host).
-- The new numbers have 9 digits (the seeded ones 7), so they never collide,
-- and their last digit picks the simulator's outcome as for the seeded ones.
INSERT IGNORE INTO dialer_numbers (campaign_id, name, number, variables)
SELECT c.id,
       CONCAT(CASE c.name WHEN 'demo_automatic' THEN 'Household ' WHEN 'demo_preview' THEN 'Prospect ' ELSE 'Customer ' END,
              n.total + s.seq),
       CONCAT(CASE c.name WHEN 'demo_automatic' THEN '556' WHEN 'demo_preview' THEN '557' ELSE '555' END,
              LPAD(n.total + s.seq, 6, '0')),
       CONCAT('account=A', n.total + s.seq)
  FROM dialer_campaigns c
  JOIN (SELECT campaign_id, COUNT(*) AS total, SUM(state = 'pending' OR (state = 'retry' AND next_try_at <= NOW(3) + INTERVAL 30 SECOND)) AS waiting
          FROM dialer_numbers GROUP BY campaign_id) n ON n.campaign_id = c.id
  JOIN seq_1_to_25 s
 WHERE c.name IN ('demo_progressive', 'demo_automatic', 'demo_preview') AND c.enabled = 1 AND n.waiting < 10;
