-- An application's change is folded in: its partitions go.
ALTER TABLE derived_time_change DROP PARTITION {apply:UInt64}
