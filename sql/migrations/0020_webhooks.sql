-- Call life-cycle webhooks (issue 14; docs/webhooks.md).
--
-- A campaign may name a URL that receives a signed JSON POST at each call's
-- final result and, with webhook_state_changes, at each state change too.
-- Rules of the URL and secret: pd::core::check_webhook_url / _secret and
-- pd_check_webhook_url / _secret (tests/data/validation-cases.json).
ALTER TABLE dialer_campaigns
  ADD COLUMN webhook_url VARCHAR(1000) NOT NULL DEFAULT '',
  ADD COLUMN webhook_secret VARCHAR(255) NOT NULL DEFAULT '',
  ADD COLUMN webhook_state_changes TINYINT(1) NOT NULL DEFAULT 0;

-- The outbox. The store inserts an event in the same transaction as the call
-- step it tells about (the call row's result, answer, start or tag), so a
-- crash can neither lose nor duplicate it (event_id is unique: a batch
-- written again inserts nothing). The delivery worker (plugin/webhook) takes
-- due rows with a guarded UPDATE (a lease in next_attempt_at, claim_token), so
-- several engine instances never send the same row at once; one call's
-- events go out in id order (a later one waits while an earlier is pending).
-- state: pending (to send at next_attempt_at), delivered, failed (gave up:
-- the admin's Webhooks page lists it and can replay it: back to pending).
CREATE TABLE dialer_webhook_events (
  id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY,
  event_id         VARCHAR(200)    NOT NULL,
  campaign_id      INT UNSIGNED    NOT NULL,
  call_id          VARCHAR(64)     NOT NULL,
  event            VARCHAR(32)     NOT NULL,
  payload          MEDIUMTEXT      NOT NULL,
  state            ENUM('pending','delivered','failed') NOT NULL DEFAULT 'pending',
  attempts         SMALLINT UNSIGNED NOT NULL DEFAULT 0,
  next_attempt_at  DATETIME(3)     NOT NULL,
  claim_token      VARCHAR(80)     NULL,
  last_status      SMALLINT        NULL,
  last_error       VARCHAR(500)    NULL,
  created_at       DATETIME(3)     NOT NULL,
  delivered_at     DATETIME(3)     NULL,
  updated_at       DATETIME(3)     NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),
  UNIQUE KEY uq_webhook_event (event_id),
  -- The worker's claim: WHERE state = 'pending' AND next_attempt_at <= ?.
  KEY ix_webhook_due (state, next_attempt_at),
  -- One call's events in order.
  KEY ix_webhook_call (call_id, id),
  -- The admin page: by campaign and state, newest first.
  KEY ix_webhook_campaign (campaign_id, state, id),
  CONSTRAINT fk_webhook_campaign FOREIGN KEY (campaign_id) REFERENCES dialer_campaigns (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
