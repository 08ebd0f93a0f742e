-- Which extensions file each running engine writes its dialplan helpers to
-- (issue 13): panelhost's plugin config can override the database's
-- extensions_conf setting (the demo and the tests do), and then the Settings
-- page showed a file nobody writes. Each engine now reports in its heartbeat
-- whether it writes the helpers and to which file, and the Settings page shows
-- that beside the setting.
ALTER TABLE dialer_heartbeat
  ADD COLUMN writes_dialplan TINYINT(1) NULL,
  ADD COLUMN extensions_conf VARCHAR(255) NULL;
