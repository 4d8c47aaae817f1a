/**
 * What people do with an alert from the dashboard: acknowledge it ("someone is on it") or
 * resolve it. Each is a new version in the `alerts` table, an event on `pulse.alerts`, so
 * every open dashboard updates its banner and list at once, and an entry in the audit log.
 * Both are idempotent: acknowledging twice, or resolving a resolved alert, answers the alert as
 * it is (and is still recorded as the person's action).
 */
import type { Actor, Audit } from '../audit.ts';
import { PulseError } from '../errors.ts';
import type { AlertRepository } from '../store/alerts.ts';
import type { Alert } from './alert.ts';
import type { AlertChannel } from './channel.ts';
import { nextAlertVersion } from './versions.ts';

export type AlertAction = 'acknowledge' | 'resolve';

export interface AlertActionDeps {
  alerts: Pick<AlertRepository, 'get' | 'insert'>;
  /** The dashboard channel (lib/alerts/channels/dashboard.ts). */
  dashboard: AlertChannel;
  audit: Pick<Audit, 'record'>;
  now?: () => number;
}

export async function actOnAlert(deps: AlertActionDeps, by: Actor, id: string, action: AlertAction): Promise<Alert> {
  const alert = await applyAction(deps, id, action);
  // Typed `alert.${AlertAction}`, checked against AuditActions: a new action must be listed there.
  await deps.audit.record(by, `alert.${action}`, { kind: 'alert', id }, { stream: alert.stream, status: alert.status });
  return alert;
}

async function applyAction(deps: AlertActionDeps, id: string, action: AlertAction): Promise<Alert> {
  const current = await deps.alerts.get(id);
  if (!current) throw new PulseError('NOT_FOUND', `no alert ${JSON.stringify(id)}`);
  if (current.status === 'resolved') {
    if (action === 'resolve') return current;
    throw new PulseError('CONFLICT', `alert ${JSON.stringify(id)} is resolved; there is nothing to acknowledge`);
  }
  if (action === 'acknowledge' && current.status === 'acknowledged') return current;
  const at = new Date((deps.now ?? Date.now)()).toISOString();
  const changed: Alert =
    action === 'acknowledge'
      ? { ...current, status: 'acknowledged', acknowledgedAt: at }
      : { ...current, status: 'resolved', resolvedAt: at, resolvedBy: 'person' };
  const next = nextAlertVersion(current, changed, Date.parse(at))!;
  await deps.alerts.insert(next);
  await deps.dashboard.send(next, action === 'acknowledge' ? 'updated' : 'resolved', { deliveryId: `${id}:${action}`, signal: AbortSignal.timeout(10_000) });
  return next;
}
