-- Result writes the server refused (a value too long for its column, …): the
-- engine drops such a write after trying it alone, so the call's record is
-- missing. Before this only the host log said so; now each engine reports in
-- its heartbeat how many it has had since it started, the last error and
-- when, and the dashboard shows them beside "Engine: running".
ALTER TABLE dialer_heartbeat
  ADD COLUMN writes_refused INT UNSIGNED NOT NULL DEFAULT 0 AFTER ami_up,
  ADD COLUMN last_write_error VARCHAR(255) NULL AFTER writes_refused,
  ADD COLUMN last_write_error_at DATETIME(3) NULL AFTER last_write_error;
