-- An application's staged rows are folded in: its partition goes.
ALTER TABLE derived_time_stage DROP PARTITION {apply:UInt64}
