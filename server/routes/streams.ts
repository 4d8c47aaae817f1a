/**
 * `/api/streams`: keyword streams and their versions, and the preview of a draft. A change may
 * carry `If-Match: <version>` (the version it was made on, as `ETag` gave it): a stream saved
 * by someone else in between answers 409 instead of being overwritten. The rules (who may change
 * the channels) and the audit records are the catalog's (lib/streams/catalog.ts).
 * `POST /api/streams/:id/test-channel` sends a test alert to one stored channel and answers
 * how the receiver took it.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { ChannelDeps } from '../../lib/alerts/channels/index.ts';
import { sendTestAlert } from '../../lib/alerts/test-send.ts';
import { privateTargets } from '../../lib/streams/channel-targets.ts';
import { PulseError } from '../../lib/errors.ts';
import type { StreamCatalog } from '../../lib/streams/catalog.ts';
import { previewStream } from '../../lib/streams/preview.ts';
import { publicStream, type StreamRecord } from '../../lib/streams/stream.ts';
import type { PreviewRepository } from '../../lib/store/index.ts';
import type { Call } from '../route.ts';
import { readJson, sendJson } from '../respond.ts';

/** A stream's JSON is small; a preview body is one stream. */
const maxBodyBytes = 64 * 1024;

function sendStream(res: ServerResponse, status: number, stream: StreamRecord, warnings?: readonly { field: string; message: string }[]): void {
  res.setHeader('etag', `"${stream.version}"`);
  sendJson(res, status, { stream: publicStream(stream), ...(warnings?.length ? { warnings } : {}) });
}

function ifMatch({ req }: Call): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const version = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim())?.[1];
  if (!version) throw new PulseError('BODY_INVALID', `If-Match must be a stream version such as "3", got ${JSON.stringify(header)}`);
  return Number(version);
}

/** Which stored channel to test: its `id` as `GET /api/streams/:id` shows it. */
const TestChannelBody = z.strictObject({ channel: z.string().min(1).max(64) });

/** `reads` (the store) is looked into per request: the route table can be listed without one (the role tests do). */
export function streamRoutes(catalog: StreamCatalog, reads: { previews: Pick<PreviewRepository, 'candidates'> }, channelDeps: ChannelDeps, resolveAfterMs: number) {
  // With PULSE_ALLOW_PRIVATE_WEBHOOKS the catalog saves inside URLs; the answer says which (without it, the catalog refuses them).
  const warnings = async (stream: StreamRecord) =>
    channelDeps.allowPrivate
      ? (await privateTargets(stream.channels)).map((w) => ({ ...w, message: w.message.replace(/ \(set PULSE_ALLOW_PRIVATE_WEBHOOKS=1 to allow\)$/, ' (allowed here: PULSE_ALLOW_PRIVATE_WEBHOOKS=1)') }))
      : [];
  return {
    list: async ({ res }: Call) => {
      sendJson(res, 200, { streams: (await catalog.list()).map(publicStream) });
    },
    create: async (call: Call) => {
      const stream = await catalog.create(call.ctx, await readJson(call.req, maxBodyBytes));
      call.res.setHeader('location', `/api/streams/${stream.id}`);
      sendStream(call.res, 201, stream, await warnings(stream));
    },
    get: async ({ res, param }: Call) => sendStream(res, 200, await catalog.get(param)),
    update: async (call: Call) => {
      const stream = await catalog.update(call.ctx, call.param, await readJson(call.req, maxBodyBytes), ifMatch(call));
      sendStream(call.res, 200, stream, await warnings(stream));
    },
    remove: async (call: Call) => {
      sendStream(call.res, 200, await catalog.remove(call.ctx, call.param, ifMatch(call)));
    },
    versions: async ({ res, param }: Call) => {
      // A delete is a version too: the history says which one it was.
      sendJson(res, 200, { versions: (await catalog.versions(param)).map((v) => ({ ...publicStream(v), deleted: v.deleted })) });
    },
    testChannel: async ({ req, res, param }: Call) => {
      const body = TestChannelBody.safeParse(await readJson(req, maxBodyBytes));
      if (!body.success) throw new PulseError('BODY_INVALID', `invalid test: ${body.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
      const stream = await catalog.get(param);
      const channel = stream.channels.find((c) => c.id === body.data.channel);
      if (!channel) throw new PulseError('NOT_FOUND', `stream ${JSON.stringify(param)} has no channel ${JSON.stringify(body.data.channel)}; save the stream first`);
      // The dashboard channel would put a fake alert on every open dashboard.
      if (channel.kind === 'dashboard') throw new PulseError('BODY_INVALID', 'the dashboard channel needs no test: alerts always reach it');
      sendJson(res, 200, { result: await sendTestAlert(channel, stream, channelDeps) });
    },
    preview: async ({ req, res }: Call) => {
      sendJson(res, 200, await previewStream(reads.previews, await readJson(req, maxBodyBytes), { resolveAfterMs }));
    },
  };
}
