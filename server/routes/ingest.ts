/** `POST /api/ingest`: a JSON array (or one object) or NDJSON body of messages. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MaxBodyBytes, parseBody, type Ingestor } from '../../lib/ingest.ts';
import { readBody, sendJson } from '../respond.ts';

export async function ingestRoute(ingestor: Ingestor, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readBody(req, MaxBodyBytes);
  const result = await ingestor.ingest(parseBody(body, req.headers['content-type']));
  sendJson(res, 202, { accepted: result.accepted, rejected: result.rejected, ids: result.ids });
}
