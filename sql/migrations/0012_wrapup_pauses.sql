-- Wrap-up and agent pauses (issue 11, items 2 and 4).
--
-- wrapup_seconds: after a dialer call an agent took, the agent is paused in
-- the campaign's queue (QueuePause, reason "wrap-up") until the call's
-- disposition is saved, or at most this many seconds; 0 = until saved.
ALTER TABLE dialer_campaigns
  ADD COLUMN wrapup_seconds SMALLINT UNSIGNED NOT NULL DEFAULT 0 AFTER retry_minutes;

-- The reasons an agent picks from to pause (comma-separated; the Settings
-- page and the engine check them with the same rule).
INSERT IGNORE INTO dialer_settings (name, value) VALUES ('pause_reasons', 'Break, Lunch, Meeting, Training');

-- One row per wrap-up or pause of an agent, written by the engine when the
-- period starts (ended_at NULL) and completed when it ends; the Agents page
-- and the panel's figures sum the ended ones. Unique per agent, kind and
-- start, so a write batch replayed after a lost COMMIT adds nothing. A row
-- left without an end (the engine stopped meanwhile) is not counted.
CREATE TABLE dialer_agent_events (
  id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
  agent        VARCHAR(80)     NOT NULL,
  kind         ENUM('wrapup','pause') NOT NULL,
  -- pause: the agent's reason; wrapup: 'wrap-up'
  reason       VARCHAR(64)     NOT NULL DEFAULT '',
  -- wrapup: the campaign and the call whose disposition ended it
  campaign_id  INT UNSIGNED    NULL,
  call_id      VARCHAR(64)     NULL,
  started_at   DATETIME(3)     NOT NULL,
  ended_at     DATETIME(3)     NULL,
  -- saved (disposition saved; a pause: unpaused), timeout, replaced, stale
  ended_by     VARCHAR(16)     NOT NULL DEFAULT '',
  PRIMARY KEY (id),
  UNIQUE KEY ux_agent_event (agent, kind, started_at),
  KEY ix_agent_event_started (started_at, agent)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
