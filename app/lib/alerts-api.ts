/**
 * Typed calls of `/api/alerts` (README → HTTP API): the alert history with its filters, one
 * alert with its delivery attempts, and what a person does with an alert.
 */
import type { Alert, AlertAction, AlertKinds, AlertStatuses, Severity } from '../../lib/contracts/alerts.ts';
import type { AlertsPage, DeliveryAttempt } from '../../lib/contracts/api.ts';
import { queryString, requestJson } from './api.ts';

export type { Alert, AlertAction, DeliveryAttempt };
export type AlertStatus = (typeof AlertStatuses)[number];
export type AlertKind = (typeof AlertKinds)[number];

export interface AlertsQuery {
  stream?: string | null;
  status?: AlertStatus | null;
  severity?: Severity | null;
  kind?: AlertKind | null;
  /** On `openedAt`: [from, to), epoch ms. */
  from?: number | null;
  to?: number | null;
  limit?: number;
  cursor?: string;
}

export interface AlertDetail {
  alert: Alert;
  /** Newest first. */
  deliveries: DeliveryAttempt[];
}

/** Alert ids hold `:` and may start with `*` (the "All messages" stream): always encoded. */
const path = (id: string) => `/api/alerts/${encodeURIComponent(id)}`;

export async function fetchAlerts(q: AlertsQuery, signal?: AbortSignal): Promise<AlertsPage> {
  return (await requestJson<AlertsPage>(`/api/alerts?${queryString({ ...q })}`, { signal })).body;
}

export async function fetchAlert(id: string, signal?: AbortSignal): Promise<AlertDetail> {
  return (await requestJson<AlertDetail>(path(id), { signal })).body;
}

/** The alert after the action; acknowledging a resolved alert is 409 CONFLICT. `note`: resolve only. */
export async function actOnAlert(id: string, action: AlertAction, note?: string): Promise<Alert> {
  const body = action === 'resolve' && note ? { body: { note } } : {};
  return (await requestJson<{ alert: Alert }>(`${path(id)}/${action}`, { method: 'POST', ...body })).body.alert;
}
