-- Dead letters received before the cutoff, replayed or not.
DELETE FROM dead_letters WHERE received_at < {cutoff:DateTime64(6, 'UTC')}
