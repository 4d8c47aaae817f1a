/** The read API the dashboard and checks use: `/api/stats`, `/api/messages`, `/api/sources` and `/api/dlq`. */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { Buckets, MaxBuckets, MaxPageSize, type Bucket, type SourcesResponse } from '../../lib/contracts/api.ts';
import { PulseError } from '../../lib/errors.ts';
import { Labels } from '../../lib/sentiment.ts';
import type { DeadLetterRepository, MessageRepository, SourceRepository, StatsRepository } from '../../lib/store/index.ts';
import { parseQuery, sendJson, TimeParam } from '../respond.ts';

const hourMs = 3_600_000;
const dayMs = 24 * hourMs;

const StatsQuery = z.object({
  stream: z.string().min(1).max(128).optional(),
  source: z.string().min(1).max(64).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  bucket: z.enum(Object.keys(Buckets) as [Bucket, ...Bucket[]]).optional(),
});

/** The finest bucket that keeps a chart under ~1,000 points. */
function defaultBucket(rangeMs: number): Bucket {
  return (Object.keys(Buckets) as Bucket[]).find((b) => rangeMs / (Buckets[b] * 1000) <= 1000) ?? '1h';
}

export async function statsRoute(stats: Pick<StatsRepository, 'buckets'>, search: URLSearchParams, res: ServerResponse): Promise<void> {
  const q = parseQuery(StatsQuery, search);
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - hourMs);
  if (from >= to) throw new PulseError('QUERY_INVALID', 'from must be before to');
  const bucket = q.bucket ?? defaultBucket(to.getTime() - from.getTime());
  if ((to.getTime() - from.getTime()) / (Buckets[bucket] * 1000) > MaxBuckets) {
    throw new PulseError('QUERY_INVALID', `more than ${MaxBuckets} buckets of ${bucket}; use a larger bucket or a shorter range`);
  }
  const buckets = await stats.buckets({
    ...(q.stream ? { stream: q.stream } : {}), ...(q.source ? { source: q.source } : {}), from, to, bucket,
  });
  sendJson(res, 200, { from: from.toISOString(), to: to.toISOString(), bucket, buckets });
}

const MessagesQuery = z.object({
  stream: z.string().min(1).max(128).optional(),
  label: z.enum(Labels).optional(),
  source: z.string().min(1).max(64).optional(),
  q: z.string().min(1).max(200).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(512).optional(),
});

export async function messagesRoute(messages: Pick<MessageRepository, 'list'>, search: URLSearchParams, res: ServerResponse): Promise<void> {
  const q = parseQuery(MessagesQuery, search);
  sendJson(res, 200, await messages.list(q));
}

const SourcesQuery = z.object({
  stream: z.string().min(1).max(128).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  limit: z.coerce.number().int().min(1).max(MaxPageSize).default(100),
});

/** The stored sources of a stream, most messages first; the range defaults to the last 24 hours. */
export async function sourcesRoute(sources: Pick<SourceRepository, 'top'>, search: URLSearchParams, res: ServerResponse): Promise<void> {
  const q = parseQuery(SourcesQuery, search);
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - dayMs);
  if (from >= to) throw new PulseError('QUERY_INVALID', 'from must be before to');
  sendJson(res, 200, { sources: await sources.top({ ...(q.stream ? { stream: q.stream } : {}), from, to, limit: q.limit }) } satisfies SourcesResponse);
}

const DeadLettersQuery = z.object({
  stage: z.string().min(1).max(32).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().min(1).max(512).optional(),
});

export async function deadLettersRoute(deadLetters: Pick<DeadLetterRepository, 'list'>, search: URLSearchParams, res: ServerResponse): Promise<void> {
  sendJson(res, 200, await deadLetters.list(parseQuery(DeadLettersQuery, search)));
}
