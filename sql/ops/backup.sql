-- One consistent backup of the whole database (server/ops/backup.ts), taken while this
-- process's writes are paused. BACKUP takes no query parameters: the database and the
-- destination placeholders are filled by ops/backup.ts with a checked identifier and a quoted File()/Disk()
-- of a path it validated (letters, digits, . _ - / only), never a caller's text as is.
BACKUP DATABASE {{database}} TO {{destination}}
