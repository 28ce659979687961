-- Audit entries older than the cutoff: only when the firm's config says so (retention.audit).
DELETE FROM audit_log WHERE at < {cutoff:DateTime64(6, 'UTC')}
