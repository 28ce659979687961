-- An application's change is folded in: its partition goes.
ALTER TABLE derived_time_change DROP PARTITION {apply:UInt64}
