// Canonical CRM records → Salesforce sObjects (REFERENCE §1.6/§1.7). Custom fields (unconfirmed,
// firm-specific, set through mapping overrides): Crosswalk_Key__c (external id holding `key`),
// Region__c, Status__c, Won_Date__c. Owner.Email comes from a User record per owner.
import type { SalesforceData, SfRecord } from '../salesforce.ts'
import { jsonNum, sfDateTime } from '../formats.ts'
import { bool, dec, Ids, str, type Feed } from './shared.ts'

export function salesforceNative(feed: Feed, modifiedAt: string): SalesforceData {
  const accounts = new Ids((n) => `001IM${String(n).padStart(10, '0')}`)
  const opps = new Ids((n) => `006IM${String(n).padStart(10, '0')}`)
  const users = new Map<string, SfRecord>()
  const stamp = (r: Record<string, unknown>) => sfDateTime(str(r as never, 'updated_at') ?? modifiedAt)
  const Account = feed.get('account').map((r): SfRecord => ({
    Id: accounts.assign(r), Name: r.name, Crosswalk_Key__c: r.key, Region__c: r.region ?? null,
    Status__c: r.status === 'inactive' ? 'Inactive' : r.status === 'active' ? 'Active' : null,
    ParentId: null, IsDeleted: false, SystemModstamp: stamp(r),
  }))
  for (const [i, r] of feed.get('account').entries()) if (r.parent_key) Account[i].ParentId = accounts.of(str(r, 'parent_key'))
  const Opportunity = feed.get('opportunity').map((r): SfRecord => {
    const email = str(r, 'owner_email')
    let owner: SfRecord | undefined
    if (email) {
      owner = users.get(email) ?? { Id: `005IM${String(users.size + 1).padStart(10, '0')}`, Email: email, Name: email.split('@')[0], IsDeleted: false, SystemModstamp: sfDateTime(modifiedAt) }
      users.set(email, owner)
    }
    return {
      Id: opps.assign(r), Crosswalk_Key__c: r.key, Name: r.name, AccountId: accounts.of(str(r, 'account_key')),
      StageName: r.stage, Amount: jsonNum(dec(r, 'amount')!), CurrencyIsoCode: r.currency, CloseDate: r.close_date,
      IsWon: bool(r, 'is_won'), IsClosed: bool(r, 'is_closed'), Won_Date__c: r.won_at ? sfDateTime(String(r.won_at)) : null,
      OwnerId: owner?.Id ?? null, IsDeleted: false, SystemModstamp: stamp(r),
    }
  })
  return { Account, Opportunity, User: [...users.values()] }
}
