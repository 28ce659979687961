-- Digests sent, newest first (tests and operators: which period went to whom, when).
SELECT recipient, kind, period, as_of, sent_at
FROM digest_sends FINAL
WHERE period != ''
  AND ({kind:String} = '' OR kind = {kind:String})
ORDER BY sent_at DESC
LIMIT {limit:UInt32}
