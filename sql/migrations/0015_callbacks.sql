-- Callbacks (issue 11, item 5): a disposition marked as a callback asks the
-- agent for a time agreed with the customer, and the number is dialed again
-- then - by the same agent when it is a personal callback, by anyone after
-- the campaign's grace period or when it was for anyone.
--
-- The number carries its callback (one at a time): callback_at (UTC, the
-- agreed time), callback_agent (personal: the agent's extension), and
-- callback_until (personal: from then on anyone may take it). A personal
-- callback waits in state 'callback', which the campaign's claim never reads,
-- so only its agent's claim takes it (ix_number_callback); once its grace is
-- over the engine moves it to 'pending' (due at callback_at) for anyone. A
-- callback for anyone is 'pending' from the start. Scheduling resets the
-- number's attempts: the agreed call gets the campaign's retries again (the
-- call log keeps every earlier attempt). The three columns are cleared when
-- the callback's call starts.
ALTER TABLE dialer_dispositions
  ADD COLUMN is_callback TINYINT(1) NOT NULL DEFAULT 0 AFTER description;

ALTER TABLE dialer_campaigns
  ADD COLUMN callback_grace_minutes SMALLINT UNSIGNED NOT NULL DEFAULT 15;

ALTER TABLE dialer_numbers
  MODIFY state ENUM('pending','reserved','dialing','answered','retry','done','failed','closed','dnc','unknown','callback')
    NOT NULL DEFAULT 'pending',
  ADD COLUMN callback_at DATETIME(3) NULL,
  ADD COLUMN callback_agent VARCHAR(80) NULL,
  ADD COLUMN callback_until DATETIME(3) NULL,
  -- An agent's due personal callbacks; the personal callbacks whose grace is over.
  ADD KEY ix_number_callback (state, callback_agent, next_try_at),
  -- The admin's Callbacks page: every scheduled callback by time.
  ADD KEY ix_number_callback_at (callback_at);
