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
  /** A training job started (detail: sets, people's labels, epochs), cancelled, or finished (by Pulse: its state, the model's version or the reason). */
  'training-job.start',
  'training-job.cancel',
  'training-job.finish',
  /** A model made the champion (detail: from, to), the champion rolled back to the one before, a challenger started in shadow (detail: sample) or stopped. */
  'model.promote',
  'model.rollback',
  'model.shadow.start',
  'model.shadow.stop',
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
export const AuditTargetKinds = ['stream', 'alert', 'message', 'training-set', 'training-job', 'model', 'key', 'user'] as const;
export type AuditTargetKind = (typeof AuditTargetKinds)[number];

/** Who did it: a principal, a command run on the server's host (`local`), or nobody signed in (a failed sign-in). */
export type AuditActorKind = Identity['kind'] | 'anonymous';
