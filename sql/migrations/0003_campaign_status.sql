-- What each engine instance says about each campaign, every few seconds: the
-- dashboard shows the engine's own schedule arithmetic (time zones, DST,
-- windows across midnight) and why a campaign cannot run, rather than
-- computing them again.
CREATE TABLE dialer_campaign_status (
  campaign_id         INT UNSIGNED NOT NULL,
  instance            VARCHAR(64)  NOT NULL,
  open_now            TINYINT(1)   NOT NULL,
  -- The rest of today's window when inside it, the whole window when it opens
  -- later today, 0 otherwise (the campaign's time zone decides what "today" is).
  seconds_left_today  INT UNSIGNED NOT NULL,
  next_open_at        DATETIME(3)  NULL,
  live_calls          INT UNSIGNED NOT NULL DEFAULT 0,
  -- Why the engine will not dial this campaign ('' when it can).
  problem             VARCHAR(255) NOT NULL DEFAULT '',
  updated_at          DATETIME(3)  NOT NULL,
  PRIMARY KEY (campaign_id, instance),
  KEY ix_status_updated (updated_at),
  CONSTRAINT fk_status_campaign FOREIGN KEY (campaign_id) REFERENCES dialer_campaigns (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
