// Local imitations of six vendor APIs, built from the vendors' published documentation, for the
// connector tests and `crosswalk demo --serve-apis PORT`. Exported API:
//
//   startSalesforceImitation({ data, clock?, faults?, clientId?, clientSecret?, tokenTtlSeconds?, pageSize?, apiUsage?, bulkPollsInProgress? })
//   startNetSuiteImitation({ data, clock?, faults?, credentials?, offsetCap?, concurrency?, deletedRecordAccess? })
//                                                      → also { deleteRecord(table, id), queries }
//   startDynamicsImitation({ data, clock?, faults?, tenantId?, clientId?, clientSecret?, tokenTtlSeconds?, deltaTokenDays?, rateLimit? })
//   startWorkdayImitation({ data, clock?, faults?, username?, password?, reportPath? })  → also { reportUrl }
//   startKantataImitation({ data, clock?, faults?, tokens? })
//   startHarvestImitation({ data, clock?, faults?, token?, accountId?, requestsPer15s? })
//   startImitation(type, options)                      one entry point by connector type
//     each → { url, stats: { requests, byPath, authFailures, faultsFired }, close() }; 127.0.0.1, port 0 unless `port`
//   faults: [{ request: N, path?, type: 'rate_limit' (retryAfter?) | 'status' (status?) | 'hang' | 'expire_token' | 'mutate' (apply) }]
//   readCanonicalFirm(dir) → CanonicalFirm             a fixture dir (plan.json + batches/) applied in observed_at order
//   nativeFirm(firm, { modifiedAt?, kantataOffsetMinutes? }) → { salesforce, netsuite, dynamics, workday, kantata, harvest, losses, from }
//   signTba(method, url, credentials, nonce, timestamp)  a NetSuite TBA Authorization header (for tests)
//
// Default credentials: Salesforce sf-client/sf-secret; NetSuite NETSUITE_DEFAULT_CREDENTIALS;
// Dynamics dv-client/dv-secret at /imitation-tenant/oauth2/v2.0/token (scope …/.default);
// Workday ISU_Crosswalk/wd-password; Kantata bearer kantata-token; Harvest harvest-token with
// Harvest-Account-Id 1000001. Custom fields holding keys and other firm-specific columns are
// named in native/<vendor>.ts headers and marked unconfirmed there.
import { startDynamicsImitation, type DynamicsOptions } from './dynamics.ts'
import { startHarvestImitation, type HarvestOptions } from './harvest.ts'
import { startKantataImitation, type KantataOptions } from './kantata.ts'
import { startNetSuiteImitation, type NetSuiteImitation, type NetSuiteOptions } from './netsuite.ts'
import { startSalesforceImitation, type SalesforceOptions } from './salesforce.ts'
import type { Imitation } from './server.ts'
import { startWorkdayImitation, type WorkdayOptions } from './workday.ts'

export { startDynamicsImitation, startHarvestImitation, startKantataImitation, startNetSuiteImitation, startSalesforceImitation, startWorkdayImitation }
export { WORKDAY_REPORT_PATH } from './workday.ts'
export { NETSUITE_DEFAULT_CREDENTIALS } from './netsuite.ts'
export { signTba, type TbaCredentials } from './oauth1.ts'
export { currentRecords, readCanonicalFirm, type CanonicalFirm, type CanonicalRecord } from './canonical-firm.ts'
export { nativeFirm, type NativeFirm, type NativeFirmOptions } from './native-firm.ts'
export type { Fault, Imitation, ImitationStats } from './server.ts'
export type { DynamicsOptions, HarvestOptions, KantataOptions, NetSuiteImitation, NetSuiteOptions, SalesforceOptions, WorkdayOptions }

export interface ImitationOptionsByType {
  salesforce: SalesforceOptions
  netsuite: NetSuiteOptions
  dynamics: DynamicsOptions
  workday: WorkdayOptions
  kantata: KantataOptions
  harvest: HarvestOptions
}
export type ImitationType = keyof ImitationOptionsByType

export function startImitation<T extends ImitationType>(type: T, options: ImitationOptionsByType[T]): Promise<Imitation> {
  const start = {
    salesforce: startSalesforceImitation, netsuite: startNetSuiteImitation, dynamics: startDynamicsImitation,
    workday: startWorkdayImitation, kantata: startKantataImitation, harvest: startHarvestImitation,
  }[type] as (o: ImitationOptionsByType[T]) => Promise<Imitation>
  return start(options)
}
