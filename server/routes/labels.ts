/**
 * People's labels over HTTP: one message with its label (`GET /api/messages/:id`, the live
 * feed's detail), labelling one message or many (`POST /api/messages/:id/label`,
 * `POST /api/messages/labels`) and how often people agreed with the model
 * (`GET /api/labels/agreement`).
 */
import { z } from 'zod';
import type { Audit } from '../../lib/audit.ts';
import type { AgreementResponse, BulkLabelResponse, MessageResponse } from '../../lib/contracts/labels.ts';
import { MaxCustomWindowMs } from '../../lib/contracts/live.ts';
import { PulseError } from '../../lib/errors.ts';
import { BulkLabelBodySchema, labelMessage, labelMessages, LabelBodySchema, parseLabelBody, type LabelDeps } from '../../lib/people-labels.ts';
import type { Store } from '../../lib/store/index.ts';
import type { Call } from '../route.ts';
import { parseQuery, readBody, sendJson, TimeParam } from '../respond.ts';

const hourMs = 3_600_000;

/** 500 ids of up to 128 characters, quoted, fit well within this. */
const maxLabelBodyBytes = 96 * 1024;

const AgreementQuery = z.object({
  stream: z.string().min(1).max(128).optional(),
  source: z.string().min(1).max(64).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
});

/** A label's body: anything but a JSON object of the schema's shape is 400 LABEL_INVALID. */
async function labelBody<S extends z.ZodType>(call: Call, schema: S): Promise<z.infer<S>> {
  const text = await readBody(call.req, maxLabelBodyBytes);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new PulseError('LABEL_INVALID', `body is not JSON: ${(err as Error).message}`);
  }
  return parseLabelBody(schema, json);
}

/** `store` is looked into per request: the route table can be listed without one (the role tests do). */
export function labelRoutes(store: Pick<Store, 'messages' | 'labels'>, audit: Pick<Audit, 'recordEach'>) {
  const deps = (): LabelDeps => ({ messages: store.messages, labels: store.labels, audit });
  return {
    get: async ({ res, param }: Call) => {
      const [message] = await store.messages.find([param]);
      if (!message) throw new PulseError('NOT_FOUND', `no message ${JSON.stringify(param)}`);
      sendJson(res, 200, { message } satisfies MessageResponse);
    },
    label: async (call: Call) => {
      const { label } = await labelBody(call, LabelBodySchema);
      sendJson(call.res, 200, { message: await labelMessage(deps(), call.ctx, call.param, label) } satisfies MessageResponse);
    },
    labelMany: async (call: Call) => {
      const { ids, label } = await labelBody(call, BulkLabelBodySchema);
      const { labelled, unknown } = await labelMessages(deps(), call.ctx, ids, label);
      sendJson(call.res, 200, { labelled: labelled.map((m) => m.id), unknown } satisfies BulkLabelResponse);
    },
    /** Over [from, to) of event time; default the last hour, at most the longest window the dashboard offers. */
    agreement: async ({ res, url }: Call) => {
      const q = parseQuery(AgreementQuery, url.searchParams);
      const to = q.to ?? new Date();
      const from = q.from ?? new Date(to.getTime() - hourMs);
      if (from >= to) throw new PulseError('QUERY_INVALID', 'from must be before to');
      if (to.getTime() - from.getTime() > MaxCustomWindowMs) throw new PulseError('QUERY_INVALID', 'the range is longer than 1,000 hours');
      const body: AgreementResponse = await store.labels.agreement({ ...(q.stream ? { stream: q.stream } : {}), ...(q.source ? { source: q.source } : {}), from, to });
      sendJson(res, 200, body);
    },
  };
}
