-- Replays of dead letters retention removed (dead_letters.sql runs first); a replay newer than
-- the cutoff is of a dead letter still kept, or being written, so only older ones go.
DELETE FROM dead_letter_replays
WHERE replayed_at < {cutoff:DateTime64(6, 'UTC')} AND id NOT IN (SELECT id FROM dead_letters)
