-- PanelDialer schema, version 1.
-- Requires MariaDB >= 10.6 or MySQL >= 8.0 (SELECT ... FOR UPDATE SKIP LOCKED).
-- All times are UTC: every connection sets time_zone = '+00:00'.
-- The migration runner creates dialer_schema_version itself and records this file there.

CREATE TABLE dialer_settings (
  name        VARCHAR(64)  NOT NULL PRIMARY KEY,
  value       MEDIUMTEXT   NOT NULL,
  updated_at  DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO dialer_settings (name, value) VALUES
  ('dial_timeout', '30'),
  ('dial_context', 'from-internal'),
  ('extensions_conf', '/etc/asterisk/extensions_custom.conf'),
  ('ok_disposition', 'ANSWER'),
  ('calls_per_second', '10'),
  ('preview_template',
   '<div class="pd-card">\n  <h2>{NAME}</h2>\n  <p class="pd-number">{NUMBER}</p>\n  {DIALBUTTON|s}\n</div>\n');

-- Admin users of the PHP pages. password_hash is PHP password_hash() output.
CREATE TABLE dialer_admins (
  id             INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  username       VARCHAR(64)  NOT NULL,
  password_hash  VARCHAR(255) NOT NULL,
  created_at     DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_admin_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE dialer_dispositions (
  id           INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  name         VARCHAR(80)  NOT NULL,
  description  VARCHAR(255) NOT NULL DEFAULT '',
  created_at   DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_disposition_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE dialer_campaigns (
  id                INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  -- Reaches the dialplan and AMI: [A-Za-z0-9_-]{1,64}, checked by every writer.
  name              VARCHAR(64)  NOT NULL,
  destination_kind  ENUM('queue','ivr','custom') NOT NULL DEFAULT 'queue',
  -- FreePBX-style "context,exten,priority".
  destination       VARCHAR(200) NOT NULL,
  -- The Asterisk queue whose members the engine watches (queue destinations).
  queue_name        VARCHAR(64)  NULL,
  -- Where machine-answered calls go ("context,exten,priority"); NULL: no AMD.
  destination_amd   VARCHAR(200) NULL,
  mode              ENUM('automatic','progressive','preview') NOT NULL DEFAULT 'progressive',
  initial_leg       ENUM('remote','local') NOT NULL DEFAULT 'remote',
  dial_prefix       VARCHAR(16)  NOT NULL DEFAULT '',
  caller_id         VARCHAR(80)  NOT NULL DEFAULT '',
  start_date        DATE         NULL,
  end_date          DATE         NULL,
  -- end_hour <= start_hour means the window crosses midnight.
  start_hour        TIME         NOT NULL DEFAULT '09:00:00',
  end_hour          TIME         NOT NULL DEFAULT '18:00:00',
  week_days         SET('mon','tue','wed','thu','fri','sat','sun') NOT NULL DEFAULT 'mon,tue,wed,thu,fri',
  time_zone         VARCHAR(64)  NOT NULL DEFAULT 'UTC',
  group_by_name     TINYINT(1)   NOT NULL DEFAULT 0,
  dial_attempts     SMALLINT UNSIGNED NOT NULL DEFAULT 3,
  concurrent_calls  SMALLINT UNSIGNED NOT NULL DEFAULT 10,
  retry_minutes     SMALLINT UNSIGNED NOT NULL DEFAULT 30,
  valid_dtmf        VARCHAR(16)  NOT NULL DEFAULT '',
  script            MEDIUMTEXT   NULL,
  enabled           TINYINT(1)   NOT NULL DEFAULT 0,
  created_at        DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at        DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_campaign_name (name),
  KEY ix_campaign_updated (updated_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Which dispositions a campaign offers its agents, after outbound (dialer)
-- calls and after inbound calls from the queue of the same name.
CREATE TABLE dialer_campaign_dispositions (
  campaign_id     INT UNSIGNED NOT NULL,
  disposition_id  INT UNSIGNED NOT NULL,
  direction       ENUM('inbound','outbound') NOT NULL,
  sort_order      SMALLINT NOT NULL DEFAULT 0,
  PRIMARY KEY (campaign_id, direction, disposition_id),
  KEY ix_cd_disposition (disposition_id),
  CONSTRAINT fk_cd_campaign FOREIGN KEY (campaign_id) REFERENCES dialer_campaigns (id) ON DELETE CASCADE,
  CONSTRAINT fk_cd_disposition FOREIGN KEY (disposition_id) REFERENCES dialer_dispositions (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Call groups: the address book numbers are added to campaigns from.
CREATE TABLE dialer_contacts (
  id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  group_name  VARCHAR(80)   NOT NULL,
  name        VARCHAR(160)  NOT NULL DEFAULT '',
  number      VARCHAR(32)   NOT NULL,
  caller_id   VARCHAR(80)   NOT NULL DEFAULT '',
  -- "a=1|b=2": passed to the call as channel variables.
  variables   VARCHAR(1000) NOT NULL DEFAULT '',
  created_at  DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at  DATETIME(3)   NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  KEY ix_contact_group (group_name, id),
  KEY ix_contact_number (number),
  KEY ix_contact_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Campaign numbers (leads). State machine:
--   pending -> reserved (claimed by an engine instance; claim_owner/claim_expires_at)
--   reserved -> dialing (Originate sent) -> answered -> done | failed
--   reserved | dialing | answered -> retry (next_try_at) -> reserved ...
--   any non-final -> closed (group by name, skipped for good, disabled by admin)
--   any non-final -> dnc (found on the do-not-call list)
-- Final states: done, failed, closed, dnc.
CREATE TABLE dialer_numbers (
  id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  campaign_id        INT UNSIGNED    NOT NULL,
  contact_id         BIGINT UNSIGNED NULL,
  name               VARCHAR(160)    NOT NULL DEFAULT '',
  number             VARCHAR(32)     NOT NULL,
  caller_id          VARCHAR(80)     NOT NULL DEFAULT '',
  variables          VARCHAR(1000)   NOT NULL DEFAULT '',
  -- Optional per-lead time zone; NULL: the campaign's.
  time_zone          VARCHAR(64)     NULL,
  priority           SMALLINT        NOT NULL DEFAULT 0,
  state              ENUM('pending','reserved','dialing','answered','retry','done','failed','closed','dnc')
                     NOT NULL DEFAULT 'pending',
  -- When the lead may be dialed; pending leads use the epoch so that one index
  -- serves "ready now, highest priority first".
  next_try_at        DATETIME(3)     NOT NULL DEFAULT '1970-01-01 00:00:00.000',
  attempts           SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  disposition        VARCHAR(80)     NULL,
  dial_status        VARCHAR(20)     NULL,
  unique_id          VARCHAR(64)     NULL,
  agent              VARCHAR(80)     NULL,
  agent_disposition  VARCHAR(80)     NULL,
  claim_owner        VARCHAR(64)     NULL,
  claim_expires_at   DATETIME(3)     NULL,
  created_at         DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  updated_at         DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_number_campaign (campaign_id, number),
  -- The claim: WHERE campaign_id=? AND state=? AND next_try_at<=? ORDER BY priority DESC, next_try_at, id.
  KEY ix_number_ready (campaign_id, state, priority, next_try_at, id),
  -- Expired leases of dead instances.
  KEY ix_number_claim (state, claim_expires_at),
  KEY ix_number_name (campaign_id, name),
  KEY ix_number_updated (campaign_id, updated_at),
  KEY ix_number_contact (contact_id),
  CONSTRAINT fk_number_campaign FOREIGN KEY (campaign_id) REFERENCES dialer_campaigns (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per attempt. call_id is the ChannelId the engine chose: unique, so a
-- result written again after a reconnect updates the same row.
CREATE TABLE dialer_calls (
  id                 BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  call_id            VARCHAR(64)     NOT NULL,
  campaign_id        INT UNSIGNED    NOT NULL,
  number_id          BIGINT UNSIGNED NULL,
  number             VARCHAR(32)     NOT NULL,
  attempt            SMALLINT UNSIGNED NOT NULL DEFAULT 1,
  instance           VARCHAR(64)     NOT NULL DEFAULT '',
  direction          ENUM('outbound','inbound') NOT NULL DEFAULT 'outbound',
  started_at         DATETIME(3)     NOT NULL,
  answered_at        DATETIME(3)     NULL,
  ended_at           DATETIME(3)     NULL,
  dial_status        VARCHAR(20)     NULL,
  hangup_cause       SMALLINT        NULL,
  disposition        VARCHAR(80)     NULL,
  dtmf               VARCHAR(32)     NULL,
  agent              VARCHAR(80)     NULL,
  agent_disposition  VARCHAR(80)     NULL,
  unique_id          VARCHAR(64)     NULL,
  UNIQUE KEY uq_call_id (call_id),
  KEY ix_call_campaign (campaign_id, started_at),
  KEY ix_call_number (number_id),
  KEY ix_call_open (instance, ended_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE dialer_dnc (
  number      VARCHAR(32)  NOT NULL PRIMARY KEY,
  reason      VARCHAR(255) NOT NULL DEFAULT '',
  added_at    DATETIME(3)  NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
  -- NULL: never expires.
  expires_at  DATETIME(3)  NULL,
  KEY ix_dnc_added (added_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per engine instance; the dashboard shows the engine green while
-- last_beat is fresh.
CREATE TABLE dialer_heartbeat (
  instance      VARCHAR(64)  NOT NULL PRIMARY KEY,
  version       VARCHAR(32)  NOT NULL,
  hostname      VARCHAR(128) NOT NULL DEFAULT '',
  started_at    DATETIME(3)  NOT NULL,
  last_beat     DATETIME(3)  NOT NULL,
  active_calls  INT UNSIGNED NOT NULL DEFAULT 0,
  ami_up        TINYINT(1)   NOT NULL DEFAULT 0
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Queues the engine has seen on its PBX (the admin's destination chooser
-- offers them when no FreePBX tables are present).
CREATE TABLE dialer_queues_seen (
  name          VARCHAR(64)  NOT NULL PRIMARY KEY,
  members       INT UNSIGNED NOT NULL DEFAULT 0,
  free_members  INT UNSIGNED NOT NULL DEFAULT 0,
  last_seen     DATETIME(3)  NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
