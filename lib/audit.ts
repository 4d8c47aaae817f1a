/**
 * The audit log's writer: who (a user, a key, nobody in open mode, or a command on the
 * server's host) changed which stream, rule, channel, key or user, when and from which
 * address; the actions are the one list of lib/contracts/audit.ts. A change that happened is
 * not undone because its record could not be written: that failure is logged loudly instead.
 */
import { describePrincipal, type Identity } from './auth/roles.ts';
import type { AuditAction, AuditActorKind, AuditTargetKind } from './contracts/audit.ts';
import { log } from './log.ts';
import type { AuditRepository } from './store/audit.ts';

export interface Actor {
  /** Null: nobody signed in (a failed login). */
  principal: Identity | null;
  /** The client's address; empty for a command run on the server's host. */
  ip: string;
}

/**
 * The actor of what the server's host does on its own: `npm run admin:create`, and the first admin
 * created at start from PULSE_ADMIN_EMAIL. No request, so no address.
 */
export const localActor: Actor = { principal: { kind: 'local' }, ip: '' };

/** Pulse itself, acting on no one's request: the demo's example streams on a first run. */
export const systemActor: Actor = { principal: { kind: 'system' }, ip: '' };

export class Audit {
  constructor(private readonly entries: Pick<AuditRepository, 'insert'>) {}

  async record(actor: Actor, action: AuditAction, target: { kind: AuditTargetKind; id: string }, detail: Record<string, unknown> = {}): Promise<void> {
    await this.recordEach(actor, action, [{ target, detail }]);
  }

  /** One action on several targets (a bulk label), one entry each, written together. */
  async recordEach(actor: Actor, action: AuditAction, items: ReadonlyArray<{ target: { kind: AuditTargetKind; id: string }; detail?: Record<string, unknown> }>): Promise<void> {
    if (!items.length) return;
    const who: { kind: AuditActorKind; id: string; name: string } = actor.principal
      ? describePrincipal(actor.principal)
      : { kind: 'anonymous', id: '', name: 'anonymous' };
    const at = new Date().toISOString();
    try {
      await this.entries.insert(...items.map(({ target, detail = {} }) => ({ at, actor: who, action, target, ip: actor.ip, detail })));
    } catch (err) {
      log.error({ action, target: items[0]!.target, targets: items.length, actor: who.id, err: (err as Error).message }, 'audit record not written');
    }
  }
}

/** The fields that differ between two versions, with both values (for records of an update). */
export function changedFields<T extends Record<string, unknown>>(before: T, after: T, fields: ReadonlyArray<keyof T>): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const f of fields) {
    if (JSON.stringify(before[f]) !== JSON.stringify(after[f])) changes[String(f)] = { from: before[f], to: after[f] };
  }
  return changes;
}
