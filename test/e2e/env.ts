// What global setup and the tests share: the admin token and one user per role.
export const ADMIN_TOKEN = 'e2e-admin-token-0123456789'

export type RoleName = 'executive' | 'ops' | 'finance' | 'admin'

export const ROLE_USERS: Record<RoleName, { name: string; email: string; role: RoleName; password: string }> = {
  executive: { name: 'Erin Exec', email: 'erin.exec@firm.example', role: 'executive', password: 'correct horse exec 1' },
  ops: { name: 'Omar Ops', email: 'omar.ops@firm.example', role: 'ops', password: 'correct horse ops 12' },
  finance: { name: 'Fiona Finance', email: 'fiona.finance@firm.example', role: 'finance', password: 'correct horse fin 12' },
  admin: { name: 'Ada Admin', email: 'ada.admin@firm.example', role: 'admin', password: 'correct horse admin1' },
}

export const baseURL = () => {
  const b = process.env.CW_BASE_URL
  if (!b) throw new Error('CW_BASE_URL is not set: run through playwright.config.ts (global-setup.ts starts the server).')
  return b
}

/** The Workday integration user of the imitation global setup starts (the connector's basic auth). */
export const WORKDAY_AUTH = { username: 'ISU_Crosswalk', password: 'wd-e2e-password' }
