/** `/api/alerts`: the alert history with filters, one alert with its deliveries, and what people do with an alert. */
import { z } from 'zod';
import { actOnAlert, ResolveBodySchema, type AlertAction, type AlertActionDeps } from '../../lib/alerts/actions.ts';
import { AlertKinds, AlertStatuses, Severities } from '../../lib/alerts/alert.ts';
import { PulseError } from '../../lib/errors.ts';
import type { AlertRepository, DeliveryRepository } from '../../lib/store/index.ts';
import type { Call } from '../route.ts';
import { parseQuery, readBody, sendJson, TimeParam } from '../respond.ts';

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

/** A resolve note is at most 1000 characters; the body is small. */
const maxActionBodyBytes = 8 * 1024;

/** `{ note? }` of a resolve; an empty body is no note. */
async function resolveBody(call: Call) {
  const text = (await readBody(call.req, maxActionBodyBytes)).trim();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : {};
  } catch (err) {
    throw new PulseError('BODY_INVALID', `body is not JSON: ${(err as Error).message}`);
  }
  const parsed = ResolveBodySchema.safeParse(json);
  if (!parsed.success) throw new PulseError('BODY_INVALID', `invalid resolve: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/** `reads` (the store) is looked into per request: the route table can be listed without one (the role tests do). */
export function alertRoutes(
  reads: { alerts: Pick<AlertRepository, 'list' | 'get'>; deliveries: Pick<DeliveryRepository, 'listForAlert'> }, actions: AlertActionDeps,
) {
  const act = (action: AlertAction) => async (call: Call) => {
    const body = action === 'resolve' ? await resolveBody(call) : {};
    sendJson(call.res, 200, { alert: await actOnAlert(actions, call.ctx, call.param, action, body) });
  };
  return {
    list: async ({ res, url }: Call) => {
      sendJson(res, 200, await reads.alerts.list(parseQuery(AlertsQuery, url.searchParams)));
    },
    get: async ({ res, param }: Call) => {
      const alert = await reads.alerts.get(param);
      if (!alert) throw new PulseError('NOT_FOUND', `no alert ${JSON.stringify(param)}`);
      sendJson(res, 200, { alert, deliveries: await reads.deliveries.listForAlert(param) });
    },
    acknowledge: act('acknowledge'),
    resolve: act('resolve'),
  };
}
