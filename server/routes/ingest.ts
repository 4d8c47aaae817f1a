/**
 * `POST /api/ingest`: a JSON array (or one object) or NDJSON body of messages. Refused before
 * anything is published while the classifiers are too far behind (503) or the sender is over
 * its rate, per key and per address (429); both with `Retry-After`.
 */
import { MaxBodyBytes, parseBody, type Ingestor } from '../../lib/ingest.ts';
import type { BacklogGate, TokenBuckets } from '../../lib/limits.ts';
import type { Call } from '../route.ts';
import { quotaKey, type RequestContext } from '../auth.ts';
import { readBody, sendJson } from '../respond.ts';

export interface IngestLimits {
  perKey: TokenBuckets;
  perIp: TokenBuckets;
  backlog: BacklogGate;
}

/** Counts `count` messages against the sender's address and key (or user); RATE_LIMITED when over either. Both ingest paths call it. */
export function takeIngestQuota(limits: IngestLimits, ctx: RequestContext, count: number): void {
  limits.perIp.take(`ip:${ctx.ip}`, count, 'this address');
  limits.perKey.take(quotaKey(ctx), count, 'this key');
}

export async function ingestRoute(ingestor: Ingestor, limits: IngestLimits, { req, res, ctx }: Call): Promise<void> {
  await limits.backlog.check();
  const items = parseBody(await readBody(req, MaxBodyBytes), req.headers['content-type']);
  takeIngestQuota(limits, ctx, items.length);
  const result = await ingestor.ingest(items);
  sendJson(res, 202, { accepted: result.accepted, rejected: result.rejected, ids: result.ids });
}
