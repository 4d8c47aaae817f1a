/**
 * Where a person opens an alert from a message: the dashboard's alerts page with the alert's
 * id, which that page expands on load. Every outside channel puts this link in its payload, so
 * a pager or a chat reply leads straight to the numbers and the actions.
 */
import type { Alert } from './alert.ts';

/** The alerts page path of the dashboard (app/alerts/). */
export const AlertsPagePath = '/alerts';

/** `PULSE_PUBLIC_URL` + `/alerts?alert=<id>`. */
export function alertLink(publicUrl: string, alert: Pick<Alert, 'id'>): string {
  return `${publicUrl.replace(/\/+$/, '')}${AlertsPagePath}?${new URLSearchParams({ alert: alert.id })}`;
}
