/** `/api/alerts`: the alert history with filters, one alert with its deliveries, and what people do with an alert. */
import { z } from 'zod';
import { actOnAlert, type AlertAction, type AlertActionDeps } from '../../lib/alerts/actions.ts';
import { AlertKinds, AlertStatuses, Severities } from '../../lib/alerts/alert.ts';
import type { Audit } from '../../lib/audit.ts';
import { PulseError } from '../../lib/errors.ts';
import type { Store } from '../../lib/store/index.ts';
import type { Call } from '../app.ts';
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

export function alertRoutes(store: Pick<Store, 'alerts' | 'getAlert' | 'listDeliveries'>, actions: AlertActionDeps, audit: Audit) {
  const act = (action: AlertAction) => async ({ res, param, ctx }: Call) => {
    const alert = await actOnAlert(actions, param, action);
    await audit.record(ctx, `alert.${action}`, { kind: 'alert', id: param }, { stream: alert.stream, status: alert.status });
    sendJson(res, 200, { alert });
  };
  return {
    list: async ({ res, url }: Call) => {
      sendJson(res, 200, await store.alerts(parseQuery(AlertsQuery, url.searchParams)));
    },
    get: async ({ res, param }: Call) => {
      const alert = await store.getAlert(param);
      if (!alert) throw new PulseError('NOT_FOUND', `no alert ${JSON.stringify(param)}`);
      sendJson(res, 200, { alert, deliveries: await store.listDeliveries(param) });
    },
    acknowledge: act('acknowledge'),
    resolve: act('resolve'),
  };
}
