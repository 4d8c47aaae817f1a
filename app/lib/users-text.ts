/** What the user forms say and check: the roles in words (lib/auth/roles.ts → permissions), the password minimum, the last admin. */
import type { Role } from '../../lib/contracts/auth.ts';

export const roleHelp: Record<Role, string> = {
  viewer: 'reads everything: the overview, streams, alerts',
  editor: 'also changes streams and their rules, acknowledges and resolves alerts',
  admin: 'also manages keys, users and where alerts are sent, and reads the audit log',
};

/** Said about the last enabled admin (409 CONFLICT on PUT /api/users/:id): why, and the way out. */
export const lastAdminText = 'Pulse always keeps one enabled admin, so nobody is locked out. Make another user an admin first, then change this one.';

/** The server's minimum, checked in the form first so that a short one is not a round trip. */
export { MinPasswordChars as minPasswordChars } from '../../lib/contracts/auth.ts';
