/**
 * What people do with an alert from the dashboard: acknowledge it ("someone is on it") or
 * resolve it. Each is a new version in the `alerts` table and an event on `pulse.alerts`, so
 * every open dashboard updates its banner and list at once. Both are idempotent: acknowledging
 * twice, or resolving a resolved alert, answers the alert as it is.
 */
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
  now?: () => number;
}

export async function actOnAlert(deps: AlertActionDeps, id: string, action: AlertAction): Promise<Alert> {
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
