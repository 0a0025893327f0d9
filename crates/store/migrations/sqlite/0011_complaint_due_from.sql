-- When a report's running deadline (verification or answer) started, so a
-- closure declared later can recount it: an emergency closure does not eat the
-- operator's working days.
ALTER TABLE complaints ADD COLUMN due_from TEXT;
UPDATE complaints SET due_from = updated_at WHERE status IN ('submitted', 'forwarded');
