/**
 * How a new version of an alert follows the stored one, whoever writes it (the detector or a
 * person): the later version must sort later (`updatedAt` is the table's version column), and
 * what a person decided is not undone by the detector's next numbers.
 */
import type { Alert } from './alert.ts';

/** The version to store, or null when the stored one is final (resolved). */
export function nextAlertVersion(previous: Alert | undefined, incoming: Alert, now: number): Alert | null {
  if (!previous) return { ...incoming, updatedAt: new Date(now).toISOString() };
  if (previous.status === 'resolved') return null;
  const updatedAt = new Date(Math.max(now, Date.parse(previous.updatedAt) + 1)).toISOString();
  const acknowledged = previous.status === 'acknowledged' && incoming.status === 'open';
  return {
    ...incoming,
    openedAt: previous.openedAt,
    updatedAt,
    ...(acknowledged ? { status: 'acknowledged' } : {}),
    ...(previous.acknowledgedAt ? { acknowledgedAt: previous.acknowledgedAt } : {}),
    ...(previous.acknowledgedByName ? { acknowledgedByName: previous.acknowledgedByName } : {}),
  };
}
