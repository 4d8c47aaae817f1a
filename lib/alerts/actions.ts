/**
 * What people do with an alert from the dashboard: acknowledge it ("someone is on it") or
 * resolve it, optionally with a note. Each is a new version in the `alerts` table that records
 * who did it, an event delivered like the detector's (the dashboard, so every open dashboard
 * updates its banner and list at once, and the stream's webhook and Slack channels, in order
 * behind the alert's earlier events), and an entry in the audit log. Both are idempotent:
 * acknowledging twice, or resolving a resolved alert, answers the alert as it is (and is still
 * recorded as the person's action), and sends nothing again.
 */
import { z } from 'zod';
import type { Actor, Audit } from '../audit.ts';
import { PulseError } from '../errors.ts';
import type { AlertRepository } from '../store/alerts.ts';
import type { Alert, AlertEvent } from './alert.ts';
import type { ChannelConfig } from './channel.ts';
import type { AlertNotifier } from './notifier.ts';
import { nextAlertVersion } from './versions.ts';

export type AlertAction = 'acknowledge' | 'resolve';

/** The body of `POST /api/alerts/:id/resolve` (optional: an empty body resolves without a note). */
export const ResolveBodySchema = z.strictObject({ note: z.string().trim().max(1000).optional() });
export type ResolveBody = z.infer<typeof ResolveBodySchema>;

export interface AlertActionDeps {
  alerts: Pick<AlertRepository, 'get' | 'insert'>;
  /** Delivers the event to the dashboard and the stream's channels. */
  notifier: Pick<AlertNotifier, 'notify'>;
  /** The alert's stream's channels; none when the stream is gone (or is the "all messages" one). */
  channelsOf(stream: string): Promise<readonly ChannelConfig[]>;
  audit: Pick<Audit, 'record'>;
  now?: () => number;
}

/** Open mode has no signed-in person to name. */
const nobodyInParticular = 'someone';

/** The name an alert keeps of whoever acted: a user's email, a key's name, or "someone". */
export function actorName(by: Actor): string {
  const p = by.principal;
  if (p?.kind === 'user') return p.email;
  if (p?.kind === 'key') return p.name;
  return nobodyInParticular;
}

export async function actOnAlert(deps: AlertActionDeps, by: Actor, id: string, action: AlertAction, body: ResolveBody = {}): Promise<Alert> {
  const alert = await applyAction(deps, by, id, action, body.note || undefined);
  // Typed `alert.${AlertAction}`, checked against AuditActions: a new action must be listed there.
  await deps.audit.record(by, `alert.${action}`, { kind: 'alert', id }, { stream: alert.stream, status: alert.status, ...(body.note ? { note: body.note } : {}) });
  return alert;
}

async function applyAction(deps: AlertActionDeps, by: Actor, id: string, action: AlertAction, note: string | undefined): Promise<Alert> {
  const current = await deps.alerts.get(id);
  if (!current) throw new PulseError('NOT_FOUND', `no alert ${JSON.stringify(id)}`);
  if (current.status === 'resolved') {
    if (action === 'resolve') return current;
    throw new PulseError('CONFLICT', `alert ${JSON.stringify(id)} is resolved; there is nothing to acknowledge`);
  }
  if (action === 'acknowledge' && current.status === 'acknowledged') return current;
  const at = new Date((deps.now ?? Date.now)()).toISOString();
  const name = actorName(by);
  const changed: Alert =
    action === 'acknowledge'
      ? { ...current, status: 'acknowledged', acknowledgedAt: at, acknowledgedByName: name }
      : { ...current, status: 'resolved', resolvedAt: at, resolvedBy: 'person', resolvedByName: name, ...(note ? { resolveNote: note } : {}) };
  const next = nextAlertVersion(current, changed, Date.parse(at))!;
  await deps.alerts.insert(next);
  const event: AlertEvent = action === 'acknowledge' ? 'acknowledged' : 'resolved';
  deps.notifier.notify(next, event, await deps.channelsOf(next.stream));
  return next;
}
