// The mapping engine of CONTRACT §8: transforms, evaluation order, references and overrides.
import { describe, expect, it } from 'vitest'
import {
  mapRecord, resolveRefs, mergeMapping, parseMapping, loadMapping, columnsOf, describeMapping, readPath, MappingError, type Mapping,
} from '../ingest/connectors/mapping/index.ts'

const mapping = (fields: Record<string, unknown>, extra: Record<string, unknown> = {}): Mapping =>
  parseMapping({ type: 'kantata', entity: 'time_entry', source: { endpoint: 'time_entries' }, native_id: 'id', modified: null, fields, ...extra })

/** The value one expression gives `native`, or the rejection message. */
function one(expr: unknown, native: Record<string, unknown>, ctx = {}): unknown {
  const r = mapRecord(mapping({ hours: expr }), { id: '1', ...native }, ctx)
  return r.ok ? r.record.hours : `REJECT ${r.field}: ${r.message}`
}

describe('decimal and money', () => {
  it('keeps decimal text exact, normalises numbers, rejects garbage', () => {
    expect(one({ path: 'v', as: 'decimal' }, { v: '1234.50' })).toBe('1234.50')
    expect(one({ path: 'v', as: 'decimal' }, { v: 250000.0 })).toBe('250000')
    expect(one({ path: 'v', as: 'decimal' }, { v: '12345678901234567890.123456789' })).toBe('12345678901234567890.123456789')
    expect(one({ path: 'v', as: 'decimal' }, { v: '1.5E-3' })).toBe('0.0015')
    for (const bad of ['NaN', 'abc', '1,234.50', '12.3.4', true])
      expect(one({ path: 'v', as: 'decimal' }, { v: bad })).toMatch(/^REJECT hours: hours ← v: .* is not a decimal number/)
  })

  it.each([
    [18500, 100, '185'], [18550, 100, '185.5'], [1, 100, '0.01'], [-250, 100, '-2.5'],
    [1234, 1, '1234'], [123456, 1000, '123.456'], ['99999999999999999999', 100, '999999999999999999.99'],
  ])('money_minor %s ÷ %s = %s (exact)', (v, base, out) => {
    expect(one({ path: 'v', as: 'money_minor', base }, { v })).toBe(out)
    expect(one({ path: 'v', as: 'money_minor', base: 'currency_base_unit' }, { v, currency_base_unit: base })).toBe(out)
  })

  it('money_minor rejects a base that is missing, zero or does not divide exactly', () => {
    expect(one({ path: 'v', as: 'money_minor', base: 'currency_base_unit' }, { v: 100 })).toMatch(/no base at currency_base_unit/)
    expect(one({ path: 'v', as: 'money_minor', base: 'b' }, { v: 100, b: 0 })).toMatch(/not positive/)
    expect(one({ path: 'v', as: 'money_minor', base: 3 }, { v: 100 })).toMatch(/more than 8 decimal places/)
  })
})

describe('hours', () => {
  it.each([[450, '7.5'], [90, '1.5'], [20, '0.33333333'], [40, '0.66666667'], ['5', '0.08333333']])('%s minutes = %s h', (v, out) =>
    expect(one({ path: 'v', as: 'hours_from_minutes' }, { v })).toBe(out))
  it.each([['7:30', '7.5'], ['0:05', '0.08333333'], ['12:00', '12'], ['0:45', '0.75']])('%s = %s h', (v, out) =>
    expect(one({ path: 'v', as: 'hours_from_hhmm' }, { v })).toBe(out))
  it.each(['7.5', '7:60', ':30', 7.5])('rejects %s as H:MM', (v) =>
    expect(one({ path: 'v', as: 'hours_from_hhmm' }, { v })).toMatch(/is not a duration H:MM/))
})

describe('dates and times', () => {
  it('reads NetSuite M/D/YYYY and ISO; never confuses day and month', () => {
    expect(one({ path: 'v', as: 'date', format: 'M/D/YYYY' }, { v: '3/4/2025' })).toBe('2025-03-04')
    expect(one({ path: 'v', as: 'date', format: 'M/D/YYYY' }, { v: '12/31/2025' })).toBe('2025-12-31')
    expect(one({ path: 'v', as: 'date', format: 'D/M/YYYY' }, { v: '3/4/2025' })).toBe('2025-04-03')
    expect(one({ path: 'v', as: 'date', format: 'M/D/YYYY' }, { v: '2025-03-04' })).toBe('2025-03-04')
    expect(one({ path: 'v', as: 'date', format: 'M/D/YYYY' }, { v: '31/12/2025' })).toMatch(/is not a date \(format M\/D\/YYYY\)/)
    expect(one({ path: 'v', as: 'date' }, { v: '2/30/2025' })).toMatch(/is not a date/)
    expect(one({ path: 'v', as: 'date' }, { v: '2025-03-03T12:00:00Z' })).toMatch(/use date_in_tz/)
  })

  it('the context format (the connector date_format) applies unless the expression says otherwise', () => {
    expect(one({ path: 'v', as: 'date' }, { v: '4.3.2025' }, { format: 'D.M.YYYY' })).toBe('2025-03-04')
    expect(one({ path: 'v', as: 'date', format: 'M/D/YYYY' }, { v: '3/4/2025' }, { format: 'D.M.YYYY' })).toBe('2025-03-04')
  })

  it('datetimes come out as ISO UTC, whatever offset they carry', () => {
    expect(one({ path: 'v', as: 'datetime' }, { v: '2025-03-14T17:02:11.000+0000' })).toBe('2025-03-14T17:02:11.000Z')
    expect(one({ path: 'v', as: 'datetime' }, { v: '2025-03-04T09:15:22-08:00' })).toBe('2025-03-04T17:15:22.000Z')
    expect(one({ path: 'v', as: 'datetime', format: 'M/D/YYYY h:mm a', tz: 'America/New_York' }, { v: '3/4/2025 9:15 pm' })).toBe('2025-03-05T02:15:00.000Z')
    expect(one({ path: 'v', as: 'datetime' }, { v: '2025-03-04T09:15:22' })).toMatch(/no offset and the expression gives no tz/)
  })

  it('date_in_tz takes the local date around midnight and across DST', () => {
    const d = (v: string, tz: string) => one({ path: 'v', as: 'date_in_tz', tz }, { v })
    expect(d('2025-03-04T04:59:59Z', 'America/New_York')).toBe('2025-03-03') // 23:59:59 EST
    expect(d('2025-03-04T05:00:00Z', 'America/New_York')).toBe('2025-03-04')
    expect(d('2025-03-03T23:30:00Z', 'Asia/Tokyo')).toBe('2025-03-04')
    // US DST starts 2025-03-09 02:00 local: midnight is 05:00Z before, 04:00Z after.
    expect(d('2025-03-10T04:30:00Z', 'America/New_York')).toBe('2025-03-10')
    expect(d('2025-03-09T04:30:00Z', 'America/New_York')).toBe('2025-03-08')
    // Dataverse's 12:00 UTC convention keeps the day in zones within ±11 h.
    expect(d('2025-03-03T12:00:00Z', 'UTC')).toBe('2025-03-03')
    expect(d('2025-03-03', 'Pacific/Auckland')).toBe('2025-03-03')
    expect(one({ path: 'v', as: 'date_in_tz' }, { v: '2025-03-03T12:00:00Z' })).toMatch(/needs tz/)
  })

  it('a local time in a zone is read across the DST change', () => {
    const t = (v: string) => one({ path: 'v', as: 'datetime', tz: 'Europe/Paris' }, { v })
    expect(t('2025-03-30T01:30:00')).toBe('2025-03-30T00:30:00.000Z') // CET
    expect(t('2025-03-30T03:30:00')).toBe('2025-03-30T01:30:00.000Z') // CEST
  })

  it('zone offsets kept per hour agree with the zone database, every 97 minutes through 2025', () => {
    // The offsets are cached per UTC hour; a fresh Intl formatter per instant is the reference.
    for (const tz of ['America/New_York', 'Europe/Paris', 'Australia/Lord_Howe', 'Asia/Kathmandu', 'America/St_Johns']) {
      const ref = new Intl.DateTimeFormat('en-CA', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit' })
      for (let ms = Date.UTC(2025, 0, 1); ms < Date.UTC(2026, 0, 1); ms += 97 * 60_000) {
        const v = new Date(ms).toISOString()
        const got = one({ path: 'v', as: 'date_in_tz', tz }, { v })
        if (got !== ref.format(new Date(ms))) throw new Error(`${tz} ${v}: ${String(got)} ≠ ${ref.format(new Date(ms))}`)
      }
    }
    // Lord Howe moves by 30 minutes: 02:00 local becomes 01:30 on 2025-04-06 (a repeated half hour).
    const t = (v: string) => one({ path: 'v', as: 'datetime', tz: 'Australia/Lord_Howe' }, { v })
    expect(t('2025-04-06T03:00:00')).toBe('2025-04-05T16:30:00.000Z') // +10:30 after the change
    expect(t('2025-04-05T12:00:00')).toBe('2025-04-05T01:00:00.000Z') // +11:00 before it
  })
})

describe('bool, map, default, const', () => {
  it.each([[true, true], ['T', true], ['F', false], [1, true], [0, false], ['1', true], ['0', false], ['false', false], ['TRUE', true]])(
    'bool %s → %s', (v, out) => expect(one({ path: 'v', as: 'bool' }, { v })).toBe(out))
  it.each(['yes', 2, 'X'])('bool rejects %s', (v) => expect(one({ path: 'v', as: 'bool' }, { v })).toMatch(/is not a flag/))

  it('maps codes by their text, then applies as', () => {
    const status = { path: 'msdyn_entrystatus', map: { '192350002': 'approved', '192350000': 'draft' } }
    expect(one(status, { msdyn_entrystatus: 192350002 })).toBe('approved')
    expect(one(status, { msdyn_entrystatus: '192350000' })).toBe('draft')
    expect(one({ path: 'v', map: { true: 'yes', T: 'T!' } }, { v: true })).toBe('yes')
    expect(one({ path: 'v', map: { A: '1.50' }, as: 'decimal' }, { v: 'A' })).toBe('1.50')
  })

  it('an unmapped option-set code is a rejection naming the field, the path and the code', () => {
    const r = mapRecord(mapping({ status: { path: 'msdyn_entrystatus', map: { '192350002': 'approved' } } }), { id: '1', msdyn_entrystatus: 192350009 })
    expect(r).toEqual({ ok: false, field: 'status', message: 'status ← msdyn_entrystatus: code 192350009 is not mapped (known: 192350002)' })
  })

  it('missing, null or empty → default, untransformed; else the field stays empty', () => {
    expect(one({ path: 'v', as: 'decimal', default: '40' }, {})).toBe('40')
    expect(one({ path: 'v', map: { x: 'y' }, default: 'approved' }, { v: null })).toBe('approved')
    expect(one({ path: 'v', as: 'date' }, { v: '' })).toBeUndefined()
    const r = mapRecord(mapping({ hours: 'missing.deep.path' }), { id: '1' })
    expect(r.ok && 'hours' in r.record).toBe(false)
    expect(one({ const: 'USD' }, {})).toBe('USD')
  })

  it('a missing native id rejects the record', () => {
    expect(mapRecord(mapping({}), { other: 1 })).toMatchObject({ ok: false, field: 'native_id' })
  })
})

describe('paths', () => {
  it('walks nested objects, literal dotted keys and array indexes', () => {
    expect(readPath({ Owner: { Email: 'a@b' } }, 'Owner.Email')).toBe('a@b')
    expect(readPath({ 'Account.Name': 'Acme' }, 'Account.Name')).toBe('Acme')
    expect(readPath({ 'x@OData.Community.Display.V1.FormattedValue': 'Approved' }, 'x@OData.Community.Display.V1.FormattedValue')).toBe('Approved')
    expect(readPath({ line_items: [{ project: { id: 7 } }] }, 'line_items.0.project.id')).toBe(7)
    expect(readPath({ a: null }, 'a.b')).toBeUndefined()
  })
  it('custom_fields.<name> reads a side-loaded custom_fields object, or a plain column', () => {
    expect(readPath({ custom_fields: { 'Employee ID': 'E1' } }, 'custom_fields.Employee ID')).toBe('E1')
    expect(readPath({ Practice__c: 'Data' }, 'custom_fields.Practice__c')).toBe('Data')
    expect(readPath({ custom_fields: {}, Practice__c: 'Data' }, 'custom_fields.Practice__c')).toBeUndefined()
  })
})

describe('references', () => {
  const m = mapping({ key: 'id', resource_key: { ref: 'resource', path: 'user_id' }, project_key: { ref: 'project', path: 'workspace_id' } })
  const keys: Record<string, string> = { 'resource:512': 'E00022', 'project:33001': 'PRJ-1' }

  it('leaves refs for the runner and resolves them to the target keys', () => {
    const r = mapRecord(m, { id: 9, user_id: 512, workspace_id: '33001' })
    if (!r.ok) throw new Error(r.message)
    expect(r.nativeId).toBe('9')
    expect(r.refs).toEqual([{ field: 'resource_key', entity: 'resource', nativeId: '512' }, { field: 'project_key', entity: 'project', nativeId: '33001' }])
    expect(r.record.resource_key).toBeUndefined()
    const done = resolveRefs(r.record, r.refs, (e, id) => keys[`${e}:${id}`])
    expect(done).toEqual({ ok: true, record: { native_id: '9', key: '9', resource_key: 'E00022', project_key: 'PRJ-1' } })
  })

  it('a missing target fails the record; the native id is never used instead', () => {
    const r = mapRecord(m, { id: 9, user_id: 999, workspace_id: '33001' })
    if (!r.ok) throw new Error(r.message)
    const done = resolveRefs(r.record, r.refs, (e, id) => keys[`${e}:${id}`])
    expect(done).toEqual({ ok: false, field: 'resource_key', message: 'resource_key: no resource with native id "999" in this source (yet)' })
  })
})

describe('overrides', () => {
  const shipped = loadMapping('salesforce', 'opportunity')

  it('replaces a field and adds one; null drops one', () => {
    const m = mergeMapping(shipped, { fields: { won_at: { path: 'Won_Date__c', as: 'datetime' }, key: 'custom_fields.Key__c', owner_email: null } })
    const r = mapRecord(m, { Id: '006', Key__c: 'OPP-1', Won_Date__c: '2025-03-14T17:02:11.000+0000', Owner: { Email: 'x@y' } })
    expect(r.ok && r.record).toMatchObject({ key: 'OPP-1', native_id: '006', won_at: '2025-03-14T17:02:11.000Z' })
    expect(r.ok && 'owner_email' in r.record).toBe(false)
    expect(m.unmapped?.won_at).toBeUndefined()
    expect(columnsOf(m)).toContain('Won_Date__c')
    expect(shipped.fields.key).toBe('Crosswalk_Key__c') // the shipped mapping is untouched
  })

  it('a source naming a location replaces the shipped one; where alone refines it', () => {
    const rc = loadMapping('netsuite', 'rate_card')
    expect(mergeMapping(rc, { source: { table: 'customrecord_acme_rates' } }).source).toEqual({ table: 'customrecord_acme_rates' })
    expect(mergeMapping(shipped, { source: { where: "Type = 'Services'" } }).source).toEqual({ object: 'Opportunity', where: "Type = 'Services'" })
    expect(mergeMapping(loadMapping('netsuite', 'resource'), { lookup_only: false }).lookup_only).toBe(false)
  })

  it.each([
    [{ fields: { won_at: { path: 'W', as: 'timestamp' } } }, /^connector\.entities\.opportunity\.fields\.won_at\.as: expected one of string, decimal, money_minor/],
    [{ fields: { won_date: 'W' } }, /^connector\.entities\.opportunity\.fields\.won_date: not a field of opportunity/],
    [{ fields: { amount: { path: 'A', tz: 'Mars/Base' } } }, /fields\.amount\.tz: expected an IANA time zone/],
    [{ fields: { account_key: { ref: 'customer', path: 'A' } } }, /fields\.account_key\.ref: expected one of account, opportunity/],
    [{ fields: { amount: 7 } }, /fields\.amount: expected a native path, or an object/],
    [{ sources: {} }, /^connector\.entities\.opportunity: Unrecognized key/],
    [{ fields: { key: null } }, /fields\.key: every record needs a key/],
  ])('rejects %j naming the path', (override, message) => {
    expect(() => mergeMapping(shipped, override)).toThrow(MappingError)
    expect(() => mergeMapping(shipped, override)).toThrow(message)
  })
})

describe('columns and description', () => {
  it('lists every native path once, including bases and side-loads', () => {
    expect(columnsOf(loadMapping('kantata', 'time_entry'))).toEqual([
      'id', 'updated_at', 'custom_fields.crosswalk_key', 'user_id', 'workspace_id', 'date_performed', 'time_in_minutes', 'billable', 'active_submission.status',
      'rate_in_cents', 'currency_base_unit', 'currency', 'active_submission.resolved_at',
    ])
    expect(columnsOf(loadMapping('salesforce', 'opportunity'))).toContain('Owner.Email')
    expect(columnsOf(loadMapping('kantata', 'assignment'))).toContain('custom_fields.crosswalk_key')
  })
  it('describes a mapping as a table with its source and cursor', () => {
    const text = describeMapping(loadMapping('dynamics', 'time_entry'))
    expect(text).toMatch(/^dynamics time_entry\nsource: entity_set msdyn_timeentries; where _msdyn_project_value ne null\nincremental cursor: modifiedon/)
    expect(text).toMatch(/hours\s+msdyn_duration\s+hours_from_minutes/)
    expect(text).toMatch(/status\s+msdyn_entrystatus\s+map 192350000→draft/)
  })
})
