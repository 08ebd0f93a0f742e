-- Calls an agent took and has yet to tag with a disposition (issue 11). The
-- engine writes a row when it prompts the agent, in its ordered write queue
-- right after the call's result, and deletes it in the same transaction that
-- saves the agent's tag (dialer_calls/dialer_numbers.agent_disposition), so
-- a crash between them can neither lose the prompt nor keep a tagged one.
-- A table of its own rather than columns on dialer_calls: an inbound call has
-- no dialer_calls row until it is tagged, and "this agent's untagged calls,
-- oldest first" stays an index read over the few open prompts instead of the
-- whole call log.
CREATE TABLE dialer_pending_dispositions (
  agent        VARCHAR(80)     NOT NULL,
  call_id      VARCHAR(64)     NOT NULL,
  campaign_id  INT UNSIGNED    NOT NULL,
  direction    ENUM('outbound','inbound') NOT NULL DEFAULT 'outbound',
  -- outbound: the lead (dialer_numbers.id); inbound: NULL
  number_id    BIGINT UNSIGNED NULL,
  number       VARCHAR(32)     NOT NULL DEFAULT '',
  created_at   DATETIME(3)     NOT NULL,
  PRIMARY KEY (agent, call_id),
  KEY ix_pending_agent_oldest (agent, created_at, call_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
