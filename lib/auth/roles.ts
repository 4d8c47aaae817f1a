/**
 * Who may do what. People have a role, API keys have scopes; both come down to the same four
 * permissions, which is what every route and WebSocket checks (server/app.ts).
 *
 * - read: stats, messages, dead letters, streams, alerts, the live feed;
 * - ingest: POST /api/ingest and WS /ws/ingest;
 * - edit: keyword streams and their alert rules, acknowledging and resolving alerts;
 * - admin: API keys, users, alert channels (where alerts are sent), the audit log.
 */
export const Roles = ['viewer', 'editor', 'admin'] as const;
export type Role = (typeof Roles)[number];

export const Scopes = ['ingest', 'read', 'admin'] as const;
export type Scope = (typeof Scopes)[number];

export const Permissions = ['read', 'ingest', 'edit', 'admin'] as const;
export type Permission = (typeof Permissions)[number];

const byRole: Record<Role, readonly Permission[]> = {
  viewer: ['read'],
  editor: ['read', 'edit'],
  // People do not ingest: sources do, with a key.
  admin: ['read', 'edit', 'admin'],
};

const byScope: Record<Scope, readonly Permission[]> = {
  ingest: ['ingest'],
  read: ['read'],
  // An automation key that manages Pulse (streams, keys, users) may do everything.
  admin: ['read', 'ingest', 'edit', 'admin'],
};

/** Who made a request. `open`: nobody is configured yet, and the server runs without authentication. */
export type Principal =
  | { kind: 'user'; id: string; email: string; role: Role; sessionId: string; sessionExpiresAt: string }
  | { kind: 'key'; id: string; name: string; scopes: readonly Scope[] }
  | { kind: 'open' };

/** What the permission rules look at: a role or scopes (a Principal is one; the dashboard's session is one). */
export type Grantee = { kind: 'user'; role: Role } | { kind: 'key'; scopes: readonly Scope[] } | { kind: 'open' };

/**
 * Who did something, for the audit log: a Principal is one; `local` is a command run on the
 * server's host (`npm run admin:create`), which reaches the store without the API; `system` is
 * Pulse itself (the demo's example streams, lib/demo/examples.ts).
 */
export type Identity =
  | { kind: 'user'; id: string; email: string }
  | { kind: 'key'; id: string; name: string }
  | { kind: 'open' }
  | { kind: 'local' }
  | { kind: 'system' };

function permissionsOf(p: Grantee): ReadonlySet<Permission> {
  switch (p.kind) {
    case 'open':
      return new Set(Permissions);
    case 'user':
      return new Set(byRole[p.role]);
    case 'key':
      return new Set(p.scopes.flatMap((s) => byScope[s]));
  }
}

export function can(p: Grantee, permission: Permission): boolean {
  return permissionsOf(p).has(permission);
}

/** For the audit log and logs: who, without secrets. */
export function describePrincipal(p: Identity): { kind: Identity['kind']; id: string; name: string } {
  switch (p.kind) {
    case 'open':
      return { kind: 'open', id: '', name: 'unauthenticated (open mode)' };
    case 'user':
      return { kind: 'user', id: p.id, name: p.email };
    case 'key':
      return { kind: 'key', id: p.id, name: p.name };
    case 'local':
      return { kind: 'local', id: '', name: 'command line on the server' };
    case 'system':
      return { kind: 'system', id: '', name: 'Pulse' };
  }
}
