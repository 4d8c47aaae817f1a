/**
 * What the dashboard knows of roles and users: the roles, scopes and permissions with the
 * server's own rule of who may do what (so the buttons shown and the routes allowed cannot
 * drift apart), the password minimum its forms check first, and users and keys as the API
 * shows them. Browser code imports this module: the rules come from their pure modules.
 */
import type { Role, Scope } from '../auth/roles.ts';

export { can, Permissions, Roles, Scopes, type Grantee, type Permission, type Role, type Scope } from '../auth/roles.ts';
export { MaxPasswordChars, MinPasswordChars } from '../auth/password-policy.ts';

// Written out rather than derived from the stored records, so that a field added to a record
// (a hash, a counter) never reaches the API without someone deciding it should.

/** A dashboard user as `/api/users` and `/api/auth/login` answer: never the password hash. */
export interface PublicUser {
  id: string;
  email: string;
  role: Role;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

/** An API key as `/api/keys` answers: never its secret. */
export interface PublicKey {
  id: string;
  name: string;
  scopes: Scope[];
  /** Who created it, by name (an email, a key's name). */
  createdBy: string;
  createdAt: string;
  revokedAt?: string;
  /** When it last authenticated a request (to the minute). */
  lastUsedAt?: string;
  /** `pulse_<id>_…`: how its token starts, to tell keys apart. */
  prefix: string;
}
