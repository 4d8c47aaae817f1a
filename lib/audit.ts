/**
 * The audit log's writer: who (a user, a key, or nobody in open mode) changed which stream,
 * rule, channel, key or user, when and from which address. A change that happened is not
 * undone because its record could not be written: that failure is logged loudly instead.
 */
import { describePrincipal, type Identity } from './auth/roles.ts';
import { log } from './log.ts';
import type { Store } from './store/index.ts';

export interface Actor {
  /** Null: nobody signed in (a failed login). */
  principal: Identity | null;
  ip: string;
}

export class Audit {
  constructor(private readonly store: Pick<Store, 'insertAudit'>) {}

  async record(actor: Actor, action: string, target: { kind: string; id: string }, detail: Record<string, unknown> = {}): Promise<void> {
    const who = actor.principal ? describePrincipal(actor.principal) : { kind: 'anonymous', id: '', name: 'anonymous' };
    try {
      await this.store.insertAudit({ at: new Date().toISOString(), actor: who, action, target, ip: actor.ip, detail });
    } catch (err) {
      log.error({ action, target, actor: who.id, err: (err as Error).message }, 'audit record not written');
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
