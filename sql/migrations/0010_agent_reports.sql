-- What the agents did (issue 11): the dashboard counts each campaign's agent
-- tags (dialer_calls.agent_disposition) on every refresh, and the Agents page
-- sums calls, talk time and tags per agent over a day or a date range. Both
-- read only these columns, so the indexes cover them (no scan of the rows).
ALTER TABLE dialer_calls
  ADD KEY ix_call_agent_disposition (campaign_id, agent_disposition),
  ADD KEY ix_call_agent_started (started_at, agent, answered_at, ended_at, agent_disposition);

-- Whether the preview card may show contact data unescaped ({NAME|s},
-- {{NAME:none}}): '0' (the default) makes the Settings page refuse such a
-- template and the engine refuse to render it; the admin opts in on the
-- Settings page ("allow raw HTML"), which then shows a warning.
INSERT IGNORE INTO dialer_settings (name, value) VALUES ('preview_allow_raw_html', '0');
