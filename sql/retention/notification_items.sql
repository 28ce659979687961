-- Items of notifications retention removed (notifications.sql runs first). A notification's
-- row is written before its items, so an item without one is never a delivery in progress.
DELETE FROM notification_items WHERE delivery_id NOT IN (SELECT delivery_id FROM notifications)
