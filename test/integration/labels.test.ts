/**
 * People's labels on chdb: `POST /api/messages/:id/label` and its bulk form, `GET
 * /api/messages/:id`, `humanLabel` in `/api/messages`, the audit entries and `GET
 * /api/labels/agreement` with its stream and source filters. The routes run behind a plain
 * HTTP server over a real store, as an editor would call them (the permissions are the access
 * test's); messages go in through the store's insert.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Audit } from '../../lib/audit.ts';
import type { MessagesPage } from '../../lib/contracts/api.ts';
import type { AgreementResponse, BulkLabelResponse, MessageResponse } from '../../lib/contracts/labels.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import type { Label } from '../../lib/sentiment.ts';
import { openStore, type Store } from '../../lib/store/index.ts';
import type { RequestContext } from '../../server/auth.ts';
import { sendError } from '../../server/respond.ts';
import type { Call } from '../../server/route.ts';
import { messagesRoute } from '../../server/routes/read.ts';
import { labelRoutes } from '../../server/routes/labels.ts';

const start = Math.floor(Date.now() / 60_000) * 60_000 - 30 * 60_000;
const editor: RequestContext = { principal: { kind: 'user', id: 'u-ed', email: 'ed@example.com', role: 'editor', sessionId: 's', sessionExpiresAt: new Date(Date.now() + 3_600_000).toISOString() }, ip: '192.0.2.7' };

function message(id: string, atMs: number, label: Label, streams: string[], source = 'twitter'): ScoredMessage {
  const probs = { negative: 0.1, neutral: 0.1, positive: 0.1, [label]: 0.8 };
  return {
    id, ts: new Date(atMs).toISOString(), receivedAt: new Date(atMs + 5).toISOString(), source, text: `text of ${id}`,
    label, confidence: 0.8, probs, score: probs.positive - probs.negative, model: 'test-model@1', streams,
    classifiedAt: new Date(atMs + 20).toISOString(),
  };
}

describe('people\'s labels on chdb', () => {
  let dataDir: string;
  let store: Store;
  let server: http.Server;
  let base: string;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-labels-'));
    store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
    await store.messages.insert([
      message('m-1', start + 1_000, 'positive', ['acme']),
      message('m-2', start + 2_000, 'negative', ['acme']),
      message('m-3', start + 3_000, 'neutral', ['acme'], 'Reddit'),
      message('m-4', start + 4_000, 'positive', ['other']),
      message('m-5', start + 5_000, 'negative', []),
      // An hour earlier: outside the agreement's window below.
      message('m-old', start - 3_600_000, 'positive', ['acme']),
    ]);
    const routes = labelRoutes(store, new Audit(store.audit));
    server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const parts = url.pathname.split('/');
      const call = (param = ''): Call => ({ req, res, url, ctx: editor, param });
      const run =
        url.pathname === '/api/messages' ? messagesRoute(store.messages, url.searchParams, res)
        : url.pathname === '/api/messages/labels' ? routes.labelMany(call())
        : url.pathname === '/api/labels/agreement' ? routes.agreement(call())
        : parts[4] === 'label' ? routes.label(call(decodeURIComponent(parts[3]!)))
        : routes.get(call(decodeURIComponent(parts[3]!)));
      run.catch((err: unknown) => sendError(res, err));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise((resolve) => server?.close(resolve));
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const call = async <T = any>(method: string, pathname: string, body?: unknown) => {
    const res = await fetch(`${base}${pathname}`, {
      method, headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, body: (await res.json()) as T };
  };
  const label = (id: string, l: unknown) => call<MessageResponse>('POST', `/api/messages/${encodeURIComponent(id)}/label`, { label: l });
  const listed = async (query = '') => {
    const page = (await call<MessagesPage>('GET', `/api/messages?limit=100${query}`)).body;
    return Object.fromEntries(page.messages.map((m) => [m.id, m.humanLabel]));
  };
  const window = `from=${new Date(start).toISOString()}&to=${new Date(start + 60_000).toISOString()}`;
  const agreement = async (query = '') => (await call<AgreementResponse>('GET', `/api/labels/agreement?${window}${query}`)).body;

  it('labels a message, answers it with humanLabel, and never changes the model\'s label', async () => {
    assert.equal((await call<MessageResponse>('GET', '/api/messages/m-1')).body.message.humanLabel, null);
    const { status, body } = await label('m-1', 'negative');
    assert.equal(status, 200, JSON.stringify(body));
    assert.equal(body.message.id, 'm-1');
    assert.equal(body.message.humanLabel, 'negative');
    assert.equal(body.message.label, 'positive');
    assert.equal((await call<MessageResponse>('GET', '/api/messages/m-1')).body.message.humanLabel, 'negative');
  });

  it('keeps every label and lets the last one win; every listing carries humanLabel, null when nobody labelled', async () => {
    await label('m-2', 'positive');
    await label('m-2', 'neutral');
    await label('m-2', 'negative');
    assert.equal((await call<MessageResponse>('GET', '/api/messages/m-2')).body.message.humanLabel, 'negative');
    const all = await listed();
    assert.deepEqual(all, { 'm-1': 'negative', 'm-2': 'negative', 'm-3': null, 'm-4': null, 'm-5': null, 'm-old': null });
    // The model's label filter still filters by the model's label.
    assert.deepEqual(await listed('&label=positive'), { 'm-1': 'negative', 'm-4': null, 'm-old': null });
  });

  it('labels many at once, naming the ids of no stored message', async () => {
    const { status, body } = await call<BulkLabelResponse>('POST', '/api/messages/labels', { ids: ['m-3', 'nope', 'm-4', 'm-3', 'm-old'], label: 'positive' });
    assert.equal(status, 200, JSON.stringify(body));
    assert.deepEqual(body.labelled.sort(), ['m-3', 'm-4', 'm-old']);
    assert.deepEqual(body.unknown, ['nope']);
    const all = await listed();
    assert.deepEqual([all['m-3'], all['m-4'], all['m-old'], all['m-5']], ['positive', 'positive', 'positive', null]);
  });

  it('refuses a bad label with 400 LABEL_INVALID and an unknown message with 404', async () => {
    const bad: Array<[string, unknown]> = [
      ['/api/messages/m-1/label', { label: 'angry' }],
      ['/api/messages/m-1/label', {}],
      ['/api/messages/m-1/label', { label: 'negative', extra: 1 }],
      ['/api/messages/m-1/label', '{"label":'],
      ['/api/messages/m-1/label', ['negative']],
      ['/api/messages/labels', { ids: [], label: 'negative' }],
      ['/api/messages/labels', { ids: ['m-1'] }],
      ['/api/messages/labels', { ids: Array.from({ length: 501 }, (_, i) => `x-${i}`), label: 'neutral' }],
    ];
    for (const [pathname, body] of bad) {
      const res = await call('POST', pathname, body);
      assert.equal(res.status, 400, `${pathname} ${JSON.stringify(body)}`);
      assert.equal(res.body.error.code, 'LABEL_INVALID');
    }
    assert.equal((await listed())['m-1'], 'negative', 'a refused label changes nothing');
    const missing = await label('no-such-message', 'neutral');
    assert.equal(missing.status, 404);
    assert.equal((missing.body as unknown as { error: { code: string } }).error.code, 'NOT_FOUND');
    assert.equal((await call('GET', '/api/messages/no-such-message')).status, 404);
  });

  it('audits every label with who, the model\'s label and the new one', async () => {
    const m2 = await store.audit.list({ action: 'message.label', targetId: 'm-2', limit: 10 });
    assert.equal(m2.entries.length, 3);
    const [latest] = m2.entries;
    assert.deepEqual(latest!.actor, { kind: 'user', id: 'u-ed', name: 'ed@example.com' });
    assert.deepEqual(latest!.target, { kind: 'message', id: 'm-2' });
    assert.equal(latest!.ip, '192.0.2.7');
    assert.deepEqual(latest!.detail, { label: 'negative', modelLabel: 'negative', model: 'test-model@1' });
    // A bulk label: one entry per labelled message, none for the unknown id.
    const m4 = await store.audit.list({ action: 'message.label', targetId: 'm-4', limit: 10 });
    assert.deepEqual(m4.entries.map((e) => e.detail), [{ label: 'positive', modelLabel: 'positive', model: 'test-model@1', bulk: 4 }]);
    assert.equal((await store.audit.list({ action: 'message.label', targetId: 'nope', limit: 10 })).entries.length, 0);
  });

  it('counts how often people agreed with the model, in the window, per stream and source', async () => {
    // In the window: m-1 (model positive, person negative), m-2 (negative / negative),
    // m-3 (neutral / positive, from Reddit), m-4 (positive / positive, stream "other").
    const all = await agreement();
    assert.deepEqual([all.labelled, all.agreed], [4, 2]);
    assert.deepEqual(all.byLabel, { negative: { labelled: 1, agreed: 1 }, neutral: { labelled: 1, agreed: 0 }, positive: { labelled: 2, agreed: 1 } });
    const acme = await agreement('&stream=acme');
    assert.deepEqual([acme.labelled, acme.agreed], [3, 1]);
    const reddit = await agreement('&stream=acme&source=reddit');
    assert.deepEqual([reddit.labelled, reddit.agreed], [1, 0]);
    const none = await agreement('&stream=nobody');
    assert.deepEqual([none.labelled, none.agreed], [0, 0]);

    // A relabel moves the count: the latest label counts, once.
    await label('m-3', 'neutral');
    assert.deepEqual([(await agreement('&stream=acme')).labelled, (await agreement('&stream=acme')).agreed], [3, 2]);
    assert.equal((await call('GET', '/api/labels/agreement?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z')).status, 400);
  });
});
