/**
 * `GET /api/share?streams=a,b&source=&from=&to=&bucket=`: share of voice, streams side by side
 * over [from, to) and the period of the same length before it. Without `streams`, every stream
 * in the catalog (by name), so a stream without messages shows as zero rather than missing.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import { Buckets, MaxSharedStreams, type Bucket, type ShareResponse } from '../../lib/contracts/api.ts';
import { PulseError } from '../../lib/errors.ts';
import type { ShareRepository } from '../../lib/store/index.ts';
import { MaxShareBuckets, previousPeriod } from '../../lib/store/share.ts';
import type { StreamCatalog } from '../../lib/streams/catalog.ts';
import { parseQuery, sendJson, TimeParam } from '../respond.ts';

const hourMs = 3_600_000;

const StreamIds = z
  .string()
  .transform((v) => [...new Set(v.split(',').map((id) => id.trim()).filter(Boolean))])
  .pipe(z.array(z.string().min(1).max(128)).min(1, 'name at least one stream').max(MaxSharedStreams, `at most ${MaxSharedStreams} streams`));

const ShareQuery = z.object({
  streams: StreamIds.optional(),
  source: z.string().min(1).max(64).optional(),
  from: TimeParam.optional(),
  to: TimeParam.optional(),
  bucket: z.enum(Object.keys(Buckets) as [Bucket, ...Bucket[]]).optional(),
});

/** The finest bucket that keeps each stream's line within {@link MaxShareBuckets} points. */
function defaultBucket(rangeMs: number): Bucket {
  return (Object.keys(Buckets) as Bucket[]).find((b) => rangeMs / (Buckets[b] * 1000) <= MaxShareBuckets) ?? '1h';
}

export async function shareRoute(
  share: Pick<ShareRepository, 'compare'>,
  catalog: Pick<StreamCatalog, 'list'>,
  search: URLSearchParams,
  res: ServerResponse,
): Promise<void> {
  const q = parseQuery(ShareQuery, search);
  const to = q.to ?? new Date();
  const from = q.from ?? new Date(to.getTime() - hourMs);
  if (from >= to) throw new PulseError('QUERY_INVALID', 'from must be before to');
  const bucket = q.bucket ?? defaultBucket(to.getTime() - from.getTime());
  const streams = q.streams ?? (await catalog.list()).slice(0, MaxSharedStreams).map((s) => s.id);
  const body: ShareResponse = {
    from: from.toISOString(),
    to: to.toISOString(),
    previousFrom: previousPeriod(from, to).from.toISOString(),
    bucket,
    streams: streams.length ? await share.compare({ streams, ...(q.source ? { source: q.source } : {}), from, to, bucket }) : [],
  };
  sendJson(res, 200, body);
}
