-- Why a lead ended without being dialed (the Originate builder refused its
-- number or a variable, …): before this the reason was only in the host log,
-- and the lead showed 'failed' with 0 attempts and no disposition. Written by
-- the engine (Store::finish_unused with a reason), shown on the admin Numbers
-- page, cleared when the number is recycled there.
ALTER TABLE dialer_numbers ADD COLUMN last_error VARCHAR(255) NULL AFTER agent_disposition;
