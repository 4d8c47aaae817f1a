/**
 * `/api/streams`: keyword streams and their versions, and the preview of a draft. A change may
 * carry `If-Match: <version>` (the version it was made on, as `ETag` gave it): a stream saved
 * by someone else in between answers 409 instead of being overwritten. The rules (who may change
 * the channels) and the audit records are the catalog's (lib/streams/catalog.ts).
 */
import type { ServerResponse } from 'node:http';
import { PulseError } from '../../lib/errors.ts';
import type { StreamCatalog } from '../../lib/streams/catalog.ts';
import { previewStream } from '../../lib/streams/preview.ts';
import { publicStream, type StreamRecord } from '../../lib/streams/stream.ts';
import type { PreviewRepository } from '../../lib/store/index.ts';
import type { Call } from '../route.ts';
import { readJson, sendJson } from '../respond.ts';

/** A stream's JSON is small; a preview body is one stream. */
const maxBodyBytes = 64 * 1024;

function sendStream(res: ServerResponse, status: number, stream: StreamRecord): void {
  res.setHeader('etag', `"${stream.version}"`);
  sendJson(res, status, { stream: publicStream(stream) });
}

function ifMatch({ req }: Call): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const version = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim())?.[1];
  if (!version) throw new PulseError('BODY_INVALID', `If-Match must be a stream version such as "3", got ${JSON.stringify(header)}`);
  return Number(version);
}

/** `reads` (the store) is looked into per request: the route table can be listed without one (the role tests do). */
export function streamRoutes(catalog: StreamCatalog, reads: { previews: Pick<PreviewRepository, 'candidates'> }) {
  return {
    list: async ({ res }: Call) => {
      sendJson(res, 200, { streams: (await catalog.list()).map(publicStream) });
    },
    create: async (call: Call) => {
      const stream = await catalog.create(call.ctx, await readJson(call.req, maxBodyBytes));
      call.res.setHeader('location', `/api/streams/${stream.id}`);
      sendStream(call.res, 201, stream);
    },
    get: async ({ res, param }: Call) => sendStream(res, 200, await catalog.get(param)),
    update: async (call: Call) => {
      sendStream(call.res, 200, await catalog.update(call.ctx, call.param, await readJson(call.req, maxBodyBytes), ifMatch(call)));
    },
    remove: async (call: Call) => {
      sendStream(call.res, 200, await catalog.remove(call.ctx, call.param, ifMatch(call)));
    },
    versions: async ({ res, param }: Call) => {
      // A delete is a version too: the history says which one it was.
      sendJson(res, 200, { versions: (await catalog.versions(param)).map((v) => ({ ...publicStream(v), deleted: v.deleted })) });
    },
    preview: async ({ req, res }: Call) => {
      sendJson(res, 200, await previewStream(reads.previews, await readJson(req, maxBodyBytes)));
    },
  };
}
