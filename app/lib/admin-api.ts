/**
 * Typed calls of the admin routes (README → Access control): API keys (the token comes in the
 * creation answer only), users, and the audit log. All need the admin role, or open mode.
 */
import type { AuditEntry, AuditPage } from '../../lib/contracts/api.ts';
import type { PublicKey, PublicUser, Role, Scope } from '../../lib/contracts/auth.ts';
import { queryString, requestJson } from './api.ts';

export type { AuditEntry, PublicKey, PublicUser };

export interface CreatedKey {
  key: PublicKey;
  /** `pulse_<id>_<secret>`: shown once, kept nowhere (the store has its hash). */
  token: string;
  note: string;
}

export interface UserChange {
  role?: Role;
  password?: string;
  disabled?: boolean;
}

export interface AuditQuery {
  action?: string | null;
  targetKind?: string | null;
  targetId?: string | null;
  actorId?: string | null;
  /** Epoch ms, [from, to). */
  from?: number | null;
  to?: number | null;
  limit?: number;
  cursor?: string;
}

const keyPath = (id: string) => `/api/keys/${encodeURIComponent(id)}`;
const userPath = (id: string) => `/api/users/${encodeURIComponent(id)}`;

export async function listKeys(signal?: AbortSignal): Promise<PublicKey[]> {
  return (await requestJson<{ keys: PublicKey[] }>('/api/keys', { signal })).body.keys;
}

export async function createKey(name: string, scopes: readonly Scope[]): Promise<CreatedKey> {
  return (await requestJson<CreatedKey>('/api/keys', { method: 'POST', body: { name, scopes } })).body;
}

/** Revokes the key (at once on this server, within seconds on the others); the answer is its revoked record. */
export async function revokeKey(id: string): Promise<PublicKey> {
  return (await requestJson<{ key: PublicKey }>(keyPath(id), { method: 'DELETE' })).body.key;
}

export async function listUsers(signal?: AbortSignal): Promise<PublicUser[]> {
  return (await requestJson<{ users: PublicUser[] }>('/api/users', { signal })).body.users;
}

/** 400 BODY_INVALID for a password under 12 characters or a bad email, 409 CONFLICT for an email in use. */
export async function createUser(input: { email: string; password: string; role: Role }): Promise<PublicUser> {
  return (await requestJson<{ user: PublicUser }>('/api/users', { method: 'POST', body: input })).body.user;
}

/** 409 CONFLICT when the change would leave no enabled admin. */
export async function updateUser(id: string, change: UserChange): Promise<PublicUser> {
  return (await requestJson<{ user: PublicUser }>(userPath(id), { method: 'PUT', body: change })).body.user;
}

export async function fetchAudit(q: AuditQuery, signal?: AbortSignal): Promise<AuditPage> {
  return (await requestJson<AuditPage>(`/api/audit?${queryString({ ...q })}`, { signal })).body;
}
