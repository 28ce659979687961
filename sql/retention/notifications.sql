-- Delivered notifications older than the cutoff, unless one is about an exception still open
-- (overdue reminders are sent once per exception: notifications/overdue.sql reads the items).
DELETE FROM notifications
WHERE created_at < {cutoff:DateTime64(6, 'UTC')}
  AND delivery_id IN (SELECT delivery_id FROM notification_attempts WHERE ok)
  AND delivery_id NOT IN
  (
      SELECT delivery_id FROM notification_items
      WHERE exception_id IN (SELECT id FROM exception_state WHERE status != 'resolved')
  )
