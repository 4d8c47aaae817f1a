/** Users, API keys and sessions as the access control keeps them (stored by lib/store/users.ts, keys.ts, sessions.ts). */
import type { Role, Scope } from './roles.ts';

export interface UserRecord {
  id: string;
  version: number;
  email: string;
  role: Role;
  passwordHash: string;
  /** Sessions created before this are void: a new password ends every session of the old one. */
  sessionsSince: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface KeyRecord {
  id: string;
  version: number;
  name: string;
  secretHash: string;
  scopes: Scope[];
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
  /** From api_key_usage: when it last authenticated a request (to the minute). */
  lastUsedAt?: string;
}

export interface SessionRecord {
  idHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
  revokedAt?: string;
}
