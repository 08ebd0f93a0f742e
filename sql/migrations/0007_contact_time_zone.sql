-- A contact's own time zone (IANA name, e.g. Europe/Madrid), set by the CSV
-- import's sixth field or the contact form. NULL: the campaign's zone. Copied
-- into dialer_numbers.time_zone when a group is added to a campaign; the
-- engine then dials the number only inside the campaign's hours in that zone
-- too (pd::core::may_dial).
ALTER TABLE dialer_contacts ADD COLUMN time_zone VARCHAR(64) NULL AFTER variables;
