/**
 * `POST /api/ingest`: a JSON array (or one object) or NDJSON body of messages. Refused before
 * anything is published while the server is stopping or the classifiers are too far behind
 * (503), or the sender is over its rate, per key and per address (429); all with `Retry-After`
 * (lib/ingest/admission.ts). A request admitted before a stop began finishes: the stop waits.
 */
import type { IngestAdmission } from '../../lib/ingest/admission.ts';
import { MaxBodyBytes, parseBody } from '../../lib/ingest/body.ts';
import type { Ingestor } from '../../lib/ingest/ingestor.ts';
import type { Call } from '../route.ts';
import { quotaKey } from '../auth.ts';
import { readBody, sendJson } from '../respond.ts';

export async function ingestRoute(ingestor: Ingestor, admission: IngestAdmission, { req, res, ctx }: Call): Promise<void> {
  const leave = admission.enter();
  try {
    // An overloaded server does not read a body it would refuse.
    admission.checkBacklog();
    const items = parseBody(await readBody(req, MaxBodyBytes), req.headers['content-type']);
    admission.admit({ ip: ctx.ip, quotaKey: quotaKey(ctx) }, items.length);
    const result = await ingestor.ingest(items);
    sendJson(res, 202, { accepted: result.accepted, rejected: result.rejected, ids: result.ids });
  } finally {
    leave();
  }
}
