// Canonical HR records → RaaS Report_Entry rows (REFERENCE §4.2/§4.7): every value text,
// booleans "0"/"1", empty columns left out. Column aliases are report-defined (unconfirmed):
// Employee_ID holds the key, Worker_ID the worker's own id.
import type { WorkdayRow } from '../workday.ts'
import { dec, str, type Feed } from './shared.ts'

/** Employee_Type labels (tenant-defined; REFERENCE §4.7 shows Regular and Fixed Term). */
export const WD_WORKER_TYPE: Record<string, string> = { employee: 'Regular', contractor: 'Contractor' }

export function workdayNative(feed: Feed): { Report_Entry: WorkdayRow[] } {
  return {
    Report_Entry: feed.get('resource').map((r) => {
      const row: Record<string, string | undefined> = {
        Employee_ID: r.key, Worker_ID: str(r, 'native_id'), Full_Name: str(r, 'name'), Email: str(r, 'email'), Practice: str(r, 'practice'),
        Region: str(r, 'region'), Employee_Type: WD_WORKER_TYPE[String(r.employment_type)], Active: r.status === 'terminated' ? '0' : '1',
        Start_Date: str(r, 'hire_date'), Termination_Date: str(r, 'termination_date'), Scheduled_Weekly_Hours: dec(r, 'weekly_capacity_hours'),
        Cost_Rate: dec(r, 'cost_rate'), Currency: str(r, 'currency'),
      }
      return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as WorkdayRow
    }),
  }
}
