/** `/api/alerts`: the alert history with filters, one alert with its deliveries, and what people do with an alert. */
import { z } from 'zod';
import { actOnAlert, type AlertAction, type AlertActionDeps } from '../../lib/alerts/actions.ts';
import { AlertKinds, AlertStatuses, Severities } from '../../lib/alerts/alert.ts';
import type { Audit } from '../../lib/audit.ts';
import { PulseError } from '../../lib/errors.ts';
import type { AlertRepository, DeliveryRepository } from '../../lib/store/index.ts';
import type { Call } from '../route.ts';
import { parseQuery, sendJson, TimeParam } from '../respond.ts';

const AlertsQuery = z.object({
  stream: z.string().min(1).max(128).optional(),
  status: z.enum(AlertStatuses).optional(),
  severity: z.enum(Severities).optional(),
  kind: z.enum(AlertKinds).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(512).optional(),
});

export function alertRoutes(
  alerts: Pick<AlertRepository, 'list' | 'get'>, deliveries: Pick<DeliveryRepository, 'listForAlert'>, actions: AlertActionDeps, audit: Audit,
) {
  const act = (action: AlertAction) => async ({ res, param, ctx }: Call) => {
    const alert = await actOnAlert(actions, param, action);
    // Typed `alert.${AlertAction}`, checked against AuditActions: a new action must be listed there.
    await audit.record(ctx, `alert.${action}`, { kind: 'alert', id: param }, { stream: alert.stream, status: alert.status });
    sendJson(res, 200, { alert });
  };
  return {
    list: async ({ res, url }: Call) => {
      sendJson(res, 200, await alerts.list(parseQuery(AlertsQuery, url.searchParams)));
    },
    get: async ({ res, param }: Call) => {
      const alert = await alerts.get(param);
      if (!alert) throw new PulseError('NOT_FOUND', `no alert ${JSON.stringify(param)}`);
      sendJson(res, 200, { alert, deliveries: await deliveries.listForAlert(param) });
    },
    acknowledge: act('acknowledge'),
    resolve: act('resolve'),
  };
}
