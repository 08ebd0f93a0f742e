-- Crash and restart safety (a real Asterisk, issue 9).
--
-- 'unknown': a call vanished while the engine was away and nothing (no event,
-- no milestone in the Asterisk database) says whether it was answered. The
-- number is never redialed automatically; the admin sees it and decides.
ALTER TABLE dialer_numbers
  MODIFY state ENUM('pending','reserved','dialing','answered','retry','done','failed','closed','dnc','unknown')
  NOT NULL DEFAULT 'pending';

-- When the campaign's current problem (dialer_campaign_status.problem) began:
-- "AMI link down since 10:02", "queue sales has no logged-in members since ...".
ALTER TABLE dialer_campaign_status
  ADD COLUMN problem_since DATETIME(3) NULL AFTER problem;
