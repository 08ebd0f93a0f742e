-- What the agents did (issue 11). The dashboard counts each campaign's agent
-- tags (dialer_calls.agent_disposition) on every refresh: this key covers that
-- GROUP BY campaign_id, agent_disposition, so the rows are not read. The
-- Agents page's day or range of calls uses ix_call_started (migration 0009).
ALTER TABLE dialer_calls
  ADD KEY ix_call_campaign_agent_tag (campaign_id, agent_disposition);

-- Whether the preview card may show contact data unescaped ({NAME|s},
-- {{NAME:none}}): '0' (the default) makes the Settings page refuse such a
-- template and the engine refuse to render it; the admin opts in on the
-- Settings page ("allow raw HTML"), which then shows a warning.
INSERT IGNORE INTO dialer_settings (name, value) VALUES ('preview_allow_raw_html', '0');
