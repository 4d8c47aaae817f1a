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
import type { BackfillRepository, PreviewRepository } from '../../lib/store/index.ts';
import { publicBackfill, type BackfillJob } from '../../lib/streams/backfill/job.ts';
import type { RemovedExamples } from '../../lib/contracts/streams.ts';
import type { Call } from '../route.ts';
import { readJson, sendJson } from '../respond.ts';

/** A stream's JSON is small; a preview body is one stream. */
const maxBodyBytes = 64 * 1024;

/** A stream as the API shows it, with its latest backfill job (when it has one). */
function shown(stream: StreamRecord, job: BackfillJob | undefined) {
  return { ...publicStream(stream), ...(job ? { backfill: publicBackfill(job) } : {}) };
}

function sendStream(res: ServerResponse, status: number, stream: StreamRecord, job?: BackfillJob, warnings?: readonly { field: string; message: string }[]): void {
  res.setHeader('etag', `"${stream.version}"`);
  sendJson(res, status, { stream: shown(stream, job), ...(warnings?.length ? { warnings } : {}) });
}

function ifMatch({ req }: Call): number | undefined {
  const header = req.headers['if-match'];
  if (header === undefined || header === '*') return undefined;
  const version = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim())?.[1];
  if (!version) throw new PulseError('BODY_INVALID', `If-Match must be a stream version such as "3", got ${JSON.stringify(header)}`);
  return Number(version);
}

/**
 * `DELETE /api/streams` removes a group of streams, and the one group there is is the examples
 * (`?example=true`): without the parameter it would read as "delete every stream".
 */
const RemoveManyQuery = z.strictObject({ example: z.literal('true') });

/** Which stored channel to test: its `id` as `GET /api/streams/:id` shows it. */
const TestChannelBody = z.strictObject({ channel: z.string().min(1).max(64) });

/** `reads` (the store) is looked into per request: the route table can be listed without one (the role tests do). */
export function streamRoutes(catalog: StreamCatalog, reads: { previews: Pick<PreviewRepository, 'candidates'>; backfills: Pick<BackfillRepository, 'latest'> }, channelDeps: ChannelDeps, resolveAfterMs: number) {
  // With PULSE_ALLOW_PRIVATE_WEBHOOKS the catalog saves inside URLs; the answer says which (without it, the catalog refuses them).
  const warnings = async (stream: StreamRecord) =>
    channelDeps.allowPrivate
      ? (await privateTargets(stream.channels)).map((w) => ({ ...w, message: w.message.replace(/ \(set PULSE_ALLOW_PRIVATE_WEBHOOKS=1 to allow\)$/, ' (allowed here: PULSE_ALLOW_PRIVATE_WEBHOOKS=1)') }))
      : [];
  return {
    list: async ({ res }: Call) => {
      const [streams, jobs] = await Promise.all([catalog.list(), reads.backfills.latest()]);
      sendJson(res, 200, { streams: streams.map((s) => shown(s, jobs.get(s.id))) });
    },
    create: async (call: Call) => {
      const stream = await catalog.create(call.ctx, await readJson(call.req, maxBodyBytes));
      call.res.setHeader('location', `/api/streams/${stream.id}`);
      sendStream(call.res, 201, stream, (await reads.backfills.latest()).get(stream.id), await warnings(stream));
    },
    get: async ({ res, param }: Call) => {
      const [stream, jobs] = await Promise.all([catalog.get(param), reads.backfills.latest()]);
      sendStream(res, 200, stream, jobs.get(stream.id));
    },
    update: async (call: Call) => {
      const stream = await catalog.update(call.ctx, call.param, await readJson(call.req, maxBodyBytes), ifMatch(call));
      sendStream(call.res, 200, stream, (await reads.backfills.latest()).get(stream.id), await warnings(stream));
    },
    remove: async (call: Call) => {
      sendStream(call.res, 200, await catalog.remove(call.ctx, call.param, ifMatch(call)));
    },
    /** The demo's example streams, all at once: `{removed: [{id, version}]}`, each version the deletion. */
    removeExamples: async (call: Call) => {
      const query = RemoveManyQuery.safeParse(Object.fromEntries(call.url.searchParams));
      if (!query.success) throw new PulseError('QUERY_INVALID', 'DELETE /api/streams removes the example streams only: add ?example=true (one stream: DELETE /api/streams/:id)');
      const removed = await catalog.removeExamples(call.ctx);
      sendJson(call.res, 200, { removed: removed.map((s) => ({ id: s.id, version: s.version })) } satisfies RemovedExamples);
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
