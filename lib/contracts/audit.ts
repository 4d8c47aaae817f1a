/**
 * What the audit log records, as one list shared by the server (lib/audit.ts types
 * `Audit.record` by it) and the dashboard (app/lib/audit-text.ts has words for each action), so
 * an action recorded without words, or offered as a filter without being recorded, breaks the
 * build. The entries themselves (`AuditEntry`) are in ./api.ts. Browser code imports this module.
 */
import type { Identity } from '../auth/roles.ts';

/** Every action the server records, in the order the Audit page's filter lists them. */
export const AuditActions = [
  'stream.create',
  'stream.update',
  'stream.delete',
  'alert.acknowledge',
  'alert.resolve',
  /** A person's label of a message's sentiment (one entry per message, a bulk label's too). */
  'message.label',
  /** A labelled set uploaded for training (detail: name, domain, rows kept and refused), or deleted. */
  'training-set.create',
  'training-set.delete',
  'key.create',
  'key.revoke',
  /** By an admin (`POST /api/users`), or on the server's host (`npm run admin:create`, the first admin from PULSE_ADMIN_EMAIL; actor `local`). */
  'user.create',
  'user.update',
  /** A signed-in user replacing their own password. */
  'user.password',
  'login',
  'login.failed',
] as const;
export type AuditAction = (typeof AuditActions)[number];

/** What an action was done to. */
export const AuditTargetKinds = ['stream', 'alert', 'message', 'training-set', 'key', 'user'] as const;
export type AuditTargetKind = (typeof AuditTargetKinds)[number];

/** Who did it: a principal, a command run on the server's host (`local`), or nobody signed in (a failed sign-in). */
export type AuditActorKind = Identity['kind'] | 'anonymous';
