// sha256 of migrations as shipped before they were rewritten with directives: what the
// schema_migrations ledger of every existing database holds for them.
export const SHIPPED_CHECKSUMS: Record<string, string> = {
  '0001_entities.sql': 'eb1a3fc595917965fd8eb75aad24ffe56f3a784d74909138b9759a6c30dfea95',
  '0003_current_views.sql': '2af598b9757cfa5836347b456ae3c61d1283979c9958de732f0d664a087fcbe4',
  '0010_current_key_ranges.sql': '9d88ff8239b961a57546db9f7e443fc1f99989ed37c371efdafabbcf369d9ea0',
  // Written with directives from the start: the checksum its first databases recorded.
  '0015_fx_rates.sql': '1eab81b211cc66c178c9eb4836a01fb3d4346f6affef5d8395fdcc86699c53e3',
}
