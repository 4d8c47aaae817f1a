/**
 * `GET /api/terms?stream=&source=&from=&to=&kind=&limit=`: the top terms, hashtags and mentions
 * of [from, to) (default: the last hour) with their label split and their lift against the
 * period of the same length before.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { MaxTermsPerKind, TermKinds, type TermsResponse } from '../../lib/contracts/api.ts';
import { MaxCustomWindowMs } from '../../lib/contracts/live.ts';
import { PulseError } from '../../lib/errors.ts';
import type { TermsRepository } from '../../lib/store/index.ts';
import { parseQuery, sendJson, TimeParam } from '../respond.ts';

const hourMs = 3_600_000;

const TermsQuery = z.object({
  stream: z.string().min(1).max(128).optional(),
  source: z.string().min(1).max(64).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  kind: z.enum(TermKinds).optional(),
  limit: z.coerce.number().int().min(1).max(MaxTermsPerKind).default(20),
});

export async function termsRoute(terms: Pick<TermsRepository, 'top'>, search: URLSearchParams, res: ServerResponse): Promise<void> {
  const q = parseQuery(TermsQuery, search);
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - hourMs);
  if (from >= to) throw new PulseError('QUERY_INVALID', 'from must be before to');
  // The longest window the dashboard offers; its previous period doubles what is read.
  if (to.getTime() - from.getTime() > MaxCustomWindowMs) throw new PulseError('QUERY_INVALID', 'the range is longer than 1,000 hours');
  const body: TermsResponse = await terms.top({
    ...(q.stream ? { stream: q.stream } : {}), ...(q.source ? { source: q.source } : {}), ...(q.kind ? { kind: q.kind } : {}),
    from, to, limit: q.limit,
  });
  sendJson(res, 200, body);
}
