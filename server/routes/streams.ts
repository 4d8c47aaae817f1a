/**
 * `/api/streams`: keyword streams and their versions, and the preview of a draft. A change may
 * carry `If-Match: <version>` (the version it was made on, as `ETag` gave it): a stream saved
 * by someone else in between answers 409 instead of being overwritten. Editors change streams
 * and rules; where alerts are sent (channels) is an admin's to change.
 */
import type { ServerResponse } from 'node:http';
import { can } from '../../lib/auth/roles.ts';
import { changedFields, type Audit } from '../../lib/audit.ts';
import { PulseError } from '../../lib/errors.ts';
import type { StreamCatalog } from '../../lib/streams/catalog.ts';
import { previewStream } from '../../lib/streams/preview.ts';
import { publicStream, type PublicStream, type StreamRecord } from '../../lib/streams/stream.ts';
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

/** What the audit log keeps of a version: everything but credentials (channels as the API shows them). */
function audited(s: StreamRecord): Omit<PublicStream, 'detectorRules'> {
  const { detectorRules: _rules, ...rest } = publicStream(s);
  return rest;
}

/** Whether the webhook and Slack channels differ in any way, credentials included (the dashboard is always on). */
function channelsChanged(before: StreamRecord | undefined, after: StreamRecord): boolean {
  const external = (s: StreamRecord | undefined) => JSON.stringify((s?.channels ?? []).filter((c) => c.kind !== 'dashboard'));
  return external(before) !== external(after);
}

/** Channels kept by id whose URL or secret was replaced: the audit log names them, never the values. */
function credentialsReplaced(before: StreamRecord, after: StreamRecord): string[] {
  return after.channels.flatMap((c) => {
    const old = before.channels.find((b) => b.id === c.id && b.kind === c.kind);
    return old && JSON.stringify(old) !== JSON.stringify(c) ? [c.id] : [];
  });
}

export function streamRoutes(catalog: StreamCatalog, previews: Pick<PreviewRepository, 'candidates'>, audit: Audit) {
  /** Refuses a write that would change the channels without the admin permission, before it is stored. */
  const checkChannels = (call: Call, before: StreamRecord | undefined, after: StreamRecord) => {
    if (call.ctx.principal && !can(call.ctx.principal, 'admin') && channelsChanged(before, after)) {
      throw new PulseError('FORBIDDEN', 'changing where alerts are sent (channels) needs the admin role');
    }
  };
  return {
    list: async ({ res }: Call) => {
      sendJson(res, 200, { streams: (await catalog.list()).map(publicStream) });
    },
    create: async (call: Call) => {
      const stream = await catalog.create(await readJson(call.req, maxBodyBytes), (next) => checkChannels(call, undefined, next));
      await audit.record(call.ctx, 'stream.create', { kind: 'stream', id: stream.id }, { stream: audited(stream) });
      call.res.setHeader('location', `/api/streams/${stream.id}`);
      sendStream(call.res, 201, stream);
    },
    get: async ({ res, param }: Call) => sendStream(res, 200, await catalog.get(param)),
    update: async (call: Call) => {
      let before: StreamRecord | undefined;
      const stream = await catalog.update(call.param, await readJson(call.req, maxBodyBytes), ifMatch(call), (next, current) => {
        before = current;
        checkChannels(call, current, next);
      });
      const changes = changedFields(audited(before!), audited(stream), ['name', 'query', 'sources', 'rule', 'channels']);
      const replaced = credentialsReplaced(before!, stream);
      await audit.record(call.ctx, 'stream.update', { kind: 'stream', id: stream.id }, {
        version: stream.version, changes, ...(replaced.length ? { credentialsReplaced: replaced } : {}),
      });
      sendStream(call.res, 200, stream);
    },
    remove: async (call: Call) => {
      const stream = await catalog.remove(call.param, ifMatch(call));
      await audit.record(call.ctx, 'stream.delete', { kind: 'stream', id: stream.id }, { version: stream.version });
      sendStream(call.res, 200, stream);
    },
    versions: async ({ res, param }: Call) => {
      // A delete is a version too: the history says which one it was.
      sendJson(res, 200, { versions: (await catalog.versions(param)).map((v) => ({ ...publicStream(v), deleted: v.deleted })) });
    },
    preview: async ({ req, res }: Call) => {
      sendJson(res, 200, await previewStream(previews, await readJson(req, maxBodyBytes)));
    },
  };
}
