// Who is calling. People have a role; collectors only a system.
export const ROLES = ['executive', 'ops', 'finance', 'admin'] as const
export type Role = (typeof ROLES)[number]

export type Principal =
  | { kind: 'user'; id: string; name: string; email: string; role: Role; via: 'admin-token' | 'token' | 'session' | 'proxy'; sessionId?: string }
  | { kind: 'collector'; id: string; system: string }

export const actorName = (p: Principal | null): string =>
  !p ? 'anonymous' : p.kind === 'collector' ? `collector:${p.system}` : p.via === 'admin-token' ? 'admin' : p.email
