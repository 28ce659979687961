-- Attempts of notifications retention removed (as notification_items.sql).
DELETE FROM notification_attempts WHERE delivery_id NOT IN (SELECT delivery_id FROM notifications)
