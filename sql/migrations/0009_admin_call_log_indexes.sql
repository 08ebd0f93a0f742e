-- Indexes for the admin pages' call log and agent's-disposition filter
-- (issue 11, item 8). Agent tags are rare writes, so these keys cost the
-- engine's hot paths little; without them each filter scans the whole table.
--
-- Numbers page: "Agent's disposition = Sale", newest first (the secondary key
-- ends in the primary key, so WHERE agent_disposition = ? ORDER BY id DESC
-- reads only the matching rows, and the recycle-by-filter count is a range).
ALTER TABLE dialer_numbers
  ADD KEY ix_number_agent_disposition (agent_disposition);

-- Calls log: newest first over all campaigns (keyset on started_at, id;
-- ix_call_campaign serves the same order within one campaign), and the agent
-- and agent's-disposition filters in that order.
ALTER TABLE dialer_calls
  ADD KEY ix_call_started (started_at),
  ADD KEY ix_call_agent (agent, started_at),
  ADD KEY ix_call_agent_disposition (agent_disposition, started_at);
