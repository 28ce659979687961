-- The trailing columns and storage of every entity table (0001): unknown fields, arrival, and
-- `ver`, which decides the winning version. Part of a shipped migration: its text must not change.
    extra       String COMMENT 'unknown fields of the record, as JSON text',
    observed_at DateTime64(3, 'UTC'),
    received_at DateTime64(6, 'UTC'),
    line        UInt32 COMMENT 'position in its batch: the later line wins a full tie',
    batch_uid   String COMMENT 'visible only once batches holds this uid (atomic batches)',
    ver         UInt256 MATERIALIZED
                bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(observed_at), 0)), 128)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Milli(ifNull(updated_at, toDateTime64(0, 3, 'UTC'))), 0)), 84)
              + bitShiftLeft(toUInt256(greatest(toUnixTimestamp64Micro(received_at), 0)), 32)
              + line
                COMMENT 'which version wins, as one number: observed_at, then updated_at (missing loses), then arrival'
)
ENGINE = MergeTree
ORDER BY (kind, key, system, observed_at)
SETTINGS fsync_after_insert = 1, fsync_part_directory = 1;
