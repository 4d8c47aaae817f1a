/**
 * `/api/streams`: keyword streams and their versions, and the preview of a draft. A change may
 * carry `If-Match: <version>` (the version it was made on, as `ETag` gave it): a stream saved
 * by someone else in between answers 409 instead of being overwritten.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PulseError } from '../../lib/errors.ts';
import type { StreamCatalog } from '../../lib/streams/catalog.ts';
import { previewStream } from '../../lib/streams/preview.ts';
import { publicStream, type StreamRecord } from '../../lib/streams/stream.ts';
import type { Store } from '../../lib/store/index.ts';
import { readJson, sendJson } from '../respond.ts';

/** A stream's JSON is small; a preview body is one stream. */
const maxBodyBytes = 64 * 1024;

function sendStream(res: ServerResponse, status: number, stream: StreamRecord): void {
  res.setHeader('etag', `"${stream.version}"`);
  sendJson(res, status, { stream: publicStream(stream) });
}

function ifMatch(req: IncomingMessage): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const version = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim())?.[1];
  if (!version) throw new PulseError('BODY_INVALID', `If-Match must be a stream version such as "3", got ${JSON.stringify(header)}`);
  return Number(version);
}

export function streamRoutes(catalog: StreamCatalog, store: Pick<Store, 'previewCandidates'>) {
  return {
    list: async (_req: IncomingMessage, res: ServerResponse) => {
      sendJson(res, 200, { streams: (await catalog.list()).map(publicStream) });
    },
    create: async (req: IncomingMessage, res: ServerResponse) => {
      const stream = await catalog.create(await readJson(req, maxBodyBytes));
      res.setHeader('location', `/api/streams/${stream.id}`);
      sendStream(res, 201, stream);
    },
    get: async (_req: IncomingMessage, res: ServerResponse, id: string) => sendStream(res, 200, await catalog.get(id)),
    update: async (req: IncomingMessage, res: ServerResponse, id: string) => {
      sendStream(res, 200, await catalog.update(id, await readJson(req, maxBodyBytes), ifMatch(req)));
    },
    remove: async (req: IncomingMessage, res: ServerResponse, id: string) => sendStream(res, 200, await catalog.remove(id, ifMatch(req))),
    versions: async (_req: IncomingMessage, res: ServerResponse, id: string) => {
      sendJson(res, 200, { versions: (await catalog.versions(id)).map(publicStream) });
    },
    preview: async (req: IncomingMessage, res: ServerResponse) => {
      sendJson(res, 200, await previewStream(store, await readJson(req, maxBodyBytes)));
    },
  };
}
