-- Where one recipient's digest of one kind stands: since when it is scheduled, whether the
-- period is already sent, and the last digest sent (its as_of and the numbers it carried).
SELECT
    countIf(period = '') AS scheduled,
    minIf(as_of, period = '') AS since,
    countIf(period = {period:String}) AS sent,
    countIf(period != '') AS sent_any,
    argMaxIf(as_of, period, period != '') AS last_as_of,
    argMaxIf(summary, period, period != '') AS last_summary
FROM digest_sends FINAL
WHERE recipient = {recipient:String} AND kind = {kind:String}
