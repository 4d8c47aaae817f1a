/**
 * The audit log in words: what each action is called, who the actor was, and any recorded
 * value (strings, lists, a rule's settings, a stream's channels) as one short line.
 */
import type { AuditEntry } from '../../lib/contracts/api.ts';
import type { AuditAction, AuditTargetKind } from '../../lib/contracts/audit.ts';

/** Every action the server records (lib/contracts/audit.ts → AuditActions) in words: a new action without words does not build. */
export const auditActionWords = {
  'stream.create': 'Created a stream',
  'stream.update': 'Changed a stream',
  'stream.delete': 'Deleted a stream',
  'alert.acknowledge': 'Acknowledged an alert',
  'alert.resolve': 'Resolved an alert',
  'message.label': 'Labelled a message',
  'training-set.create': 'Uploaded a training set',
  'training-set.delete': 'Deleted a training set',
  'training-job.start': 'Started a training job',
  'training-job.cancel': 'Cancelled a training job',
  'training-job.finish': 'A training job finished',
  'model.promote': 'Promoted a model',
  'model.rollback': 'Rolled back the model',
  'model.shadow.start': 'Started a model in shadow',
  'model.shadow.stop': 'Stopped a model in shadow',
  'key.create': 'Created an API key',
  'key.revoke': 'Revoked an API key',
  'user.create': 'Created a user',
  'user.update': 'Changed a user',
  'user.password': 'Changed their own password',
  login: 'Signed in',
  'login.failed': 'Failed to sign in',
} as const satisfies Record<AuditAction, string>;

export const auditTargetKindWords = { stream: 'Stream', alert: 'Alert', message: 'Message', 'training-set': 'Training set', 'training-job': 'Training job', model: 'Model', key: 'API key', user: 'User' } as const satisfies Record<AuditTargetKind, string>;

// The log holds what older versions recorded too, so any stored string is shown, as itself if unknown.
export const actionName = (action: string): string => (auditActionWords as Record<string, string>)[action] ?? action;
export const targetKindName = (kind: string): string => (auditTargetKindWords as Record<string, string>)[kind] ?? kind;

/**
 * Who did it, as the log names them: an email, a key's name, open mode, a command on the
 * server's host (`npm run admin:create`), or nobody signed in (a failed sign-in).
 */
export function actorText(actor: AuditEntry['actor']): string {
  switch (actor.kind) {
    case 'user':
      return actor.name;
    case 'key':
      return `API key “${actor.name}”`;
    case 'open':
      return 'anyone (open mode)';
    case 'local':
      return 'the command line on the server';
    case 'system':
      return 'Pulse (first-run examples)';
    default:
      return 'nobody signed in';
  }
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A channel as the API shows it: its kind and, for webhooks and Slack, the host it posts to. */
function channelText(c: Record<string, unknown>): string {
  return typeof c.target === 'string' && c.target ? `${String(c.kind)} → ${c.target}` : String(c.kind);
}

/** `{a: 1, b: {c: true}}` → `a: 1; b.c: true`. */
function flatten(value: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(value).flatMap(([k, v]) => (isRecord(v) ? flatten(v, `${prefix}${k}.`) : [`${prefix}${k}: ${valueText(v)}`]));
}

/** A recorded value on one line; an empty list says "none", a missing value "–". */
export function valueText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '–';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (!value.length) return 'none';
    return value.map((v) => (isRecord(v) && 'kind' in v ? channelText(v) : valueText(v))).join(', ');
  }
  if (isRecord(value)) {
    const parts = flatten(value);
    return parts.length ? parts.join('; ') : 'defaults';
  }
  return JSON.stringify(value);
}

/** A stream field's value in words: no sources means every source. */
export function fieldText(field: string, value: unknown): string {
  if (field === 'sources' && Array.isArray(value) && !value.length) return 'all sources';
  return valueText(value);
}
