-- Issue 12: the live pacing figures on the dashboard, a sample of them a
-- minute for the day's chart, and the compliance audit (one row per Originate
-- with every check and its value at that moment).
--
-- The figures are pd::core::PacingFigures (plugin/core/include/pd/core/
-- pacing_figures.h): the engine writes them with each campaign's status row
-- (every few seconds) and, once a minute, as a sample row.
ALTER TABLE dialer_campaign_status
  ADD COLUMN dial_level           DECIMAL(7,3)    NOT NULL DEFAULT 0,
  ADD COLUMN answer_rate_pct      DECIMAL(6,2)    NOT NULL DEFAULT 0,
  ADD COLUMN abandon_rate_pct     DECIMAL(6,2)    NOT NULL DEFAULT 0,
  ADD COLUMN abandoned_in_window  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN answered_in_window   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  ADD COLUMN abandon_target_pct   DECIMAL(6,2)    NOT NULL DEFAULT 3,
  ADD COLUMN occupancy_pct        DECIMAL(6,2)    NOT NULL DEFAULT 0,
  -- 1: the rate reached the target; the campaign places one call per free agent.
  ADD COLUMN predictive_fallback  TINYINT(1)      NOT NULL DEFAULT 0;

-- One row per campaign, engine instance and minute: the dashboard's chart over
-- the day. The engine deletes rows older than 7 days (a bounded DELETE a
-- minute), so the table holds at most 7 * 1440 rows per campaign and instance.
CREATE TABLE dialer_pacing_samples (
  campaign_id          INT UNSIGNED    NOT NULL,
  instance             VARCHAR(64)     NOT NULL,
  minute_at            DATETIME        NOT NULL,  -- UTC, the start of the minute
  dial_level           DECIMAL(7,3)    NOT NULL DEFAULT 0,
  answer_rate_pct      DECIMAL(6,2)    NOT NULL DEFAULT 0,
  abandon_rate_pct     DECIMAL(6,2)    NOT NULL DEFAULT 0,
  abandoned_in_window  BIGINT UNSIGNED NOT NULL DEFAULT 0,
  answered_in_window   BIGINT UNSIGNED NOT NULL DEFAULT 0,
  abandon_target_pct   DECIMAL(6,2)    NOT NULL DEFAULT 3,
  occupancy_pct        DECIMAL(6,2)    NOT NULL DEFAULT 0,
  predictive_fallback  TINYINT(1)      NOT NULL DEFAULT 0,
  live_calls           INT UNSIGNED    NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, minute_at, instance),
  KEY ix_samples_minute (minute_at),
  CONSTRAINT fk_samples_campaign FOREIGN KEY (campaign_id) REFERENCES dialer_campaigns (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The compliance audit: one row per Originate, written by the engine's writer
-- thread in its batches (never a round trip per call on the host loop), with
-- each check and the value it saw (pd::core::ComplianceFacts,
-- plugin/core/include/pd/core/compliance.h). Kept for the audit window (the
-- plugin's audit_keep_days, 30 by default), deleted after by a bounded DELETE a
-- minute. No foreign keys: an audit row outlives the campaign or number it names.
CREATE TABLE dialer_compliance_audit (
  call_id              VARCHAR(64)     NOT NULL,
  campaign_id          INT UNSIGNED    NOT NULL,
  number_id            BIGINT UNSIGNED NOT NULL,
  number               VARCHAR(32)     NOT NULL,
  instance             VARCHAR(64)     NOT NULL,
  originated_at        DATETIME(3)     NOT NULL,  -- UTC
  mode                 VARCHAR(16)     NOT NULL,
  -- Do-not-call: whether the pre-dial lookup answered, and what it said.
  dnc_checked          TINYINT(1)      NOT NULL,
  dnc_listed           TINYINT(1)      NOT NULL,
  -- The called party's local time and zone (the number's own zone, else the
  -- campaign's) against the campaign's window; NULL local time: the zone is unknown.
  party_zone           VARCHAR(64)     NOT NULL,
  party_local_time     DATETIME        NULL,
  window_start         TIME            NOT NULL,
  window_end           TIME            NOT NULL,
  window_days          VARCHAR(32)     NOT NULL,
  window_ok            TINYINT(1)      NOT NULL,
  -- The campaign's abandonment at that moment, over its window ('30d', 'day';
  -- '' when the campaign has none set).
  abandon_rate_pct     DECIMAL(6,2)    NOT NULL,
  abandon_target_pct   DECIMAL(6,2)    NOT NULL,
  abandon_window       VARCHAR(8)      NOT NULL DEFAULT '',
  abandoned_in_window  BIGINT UNSIGNED NOT NULL,
  answered_in_window   BIGINT UNSIGNED NOT NULL,
  dial_level           DECIMAL(7,3)    NOT NULL,
  predictive_fallback  TINYINT(1)      NOT NULL,
  PRIMARY KEY (call_id),
  KEY ix_audit_campaign_time (campaign_id, originated_at),
  KEY ix_audit_time (originated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
