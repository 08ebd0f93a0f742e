-- Predictive mode (issue 12): the campaign dials ahead of its free agents with
-- the core's predictive pacer (docs/predictive.md), keeping the abandonment
-- rate (answered live calls no agent took within the connect limit, over
-- answered live calls, AMD machines excluded) under its target over its
-- window. The PBX enforces the limit: the helper dialplan queues the answered
-- call with Queue(<queue>,,,,<connect limit>) and, when the wait ends, raises
-- UserEvent PanelDialerAbandon, plays the abandon message and hangs up.
--
-- Per campaign (defaults in brackets): abandon target % [3], window: rolling
-- 30 days ('30d', US) or the calendar day in the campaign's zone ('day', UK)
-- [30d], minimum ring seconds of a predictive call [15], connect limit seconds
-- [2], recall delay in hours after an abandon [72], abandon message (an
-- Asterisk sound file name, without extension; required for predictive).
ALTER TABLE dialer_campaigns
  MODIFY mode ENUM('automatic','progressive','preview','predictive') NOT NULL DEFAULT 'progressive',
  ADD COLUMN abandon_target_pct DECIMAL(4,2) NOT NULL DEFAULT 3.00,
  ADD COLUMN abandon_window ENUM('30d','day') NOT NULL DEFAULT '30d',
  ADD COLUMN min_ring_seconds SMALLINT UNSIGNED NOT NULL DEFAULT 15,
  ADD COLUMN connect_limit_seconds SMALLINT UNSIGNED NOT NULL DEFAULT 2,
  ADD COLUMN abandon_recall_hours SMALLINT UNSIGNED NOT NULL DEFAULT 72,
  ADD COLUMN abandon_message VARCHAR(128) NOT NULL DEFAULT '';

-- The call was answered by a person and abandoned (no agent within the limit):
-- disposition 'Abandoned' and this flag. The window's rate is read from here
-- at start (ix_call_abandon: campaign, answered calls in the window).
ALTER TABLE dialer_calls
  ADD COLUMN abandoned TINYINT(1) NOT NULL DEFAULT 0,
  -- 1 when AMD said MACHINE: not a live answer, outside the rate.
  ADD COLUMN machine TINYINT(1) NOT NULL DEFAULT 0,
  ADD KEY ix_call_abandon (campaign_id, answered_at, abandoned);

-- The number's last abandoned call: not dialed again by a predictive campaign
-- before abandoned_at + abandon_recall_hours (the claim skips it).
ALTER TABLE dialer_numbers
  ADD COLUMN abandoned_at DATETIME(3) NULL;
