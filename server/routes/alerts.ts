/** `/api/alerts`: the alert history with filters, one alert with its deliveries, and what people do with an alert. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { actOnAlert, type AlertAction, type AlertActionDeps } from '../../lib/alerts/actions.ts';
import { AlertKinds, AlertStatuses, Severities } from '../../lib/alerts/alert.ts';
import { PulseError } from '../../lib/errors.ts';
import type { Store } from '../../lib/store/index.ts';
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

export function alertRoutes(store: Pick<Store, 'alerts' | 'getAlert' | 'listDeliveries'>, actions: AlertActionDeps) {
  const act = (action: AlertAction) => async (_req: IncomingMessage, res: ServerResponse, id: string) => {
    sendJson(res, 200, { alert: await actOnAlert(actions, id, action) });
  };
  return {
    list: async (_req: IncomingMessage, res: ServerResponse, url: URL) => {
      sendJson(res, 200, await store.alerts(parseQuery(AlertsQuery, url.searchParams)));
    },
    get: async (_req: IncomingMessage, res: ServerResponse, id: string) => {
      const alert = await store.getAlert(id);
      if (!alert) throw new PulseError('NOT_FOUND', `no alert ${JSON.stringify(id)}`);
      sendJson(res, 200, { alert, deliveries: await store.listDeliveries(id) });
    },
    acknowledge: act('acknowledge'),
    resolve: act('resolve'),
  };
}
