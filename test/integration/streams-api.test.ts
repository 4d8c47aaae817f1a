/**
 * `/api/streams`, `/api/streams/preview` and `/api/alerts` on the embedded runtime: versions,
 * optimistic concurrency, write-only credentials, errors with positions, hot reload into the
 * running classifier, the preview's counts, and what people do with alerts.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../lib/config.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { alertFixture } from '../support/alert-fixture.ts';
import { waitFor } from '../support/wait.ts';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('streams and alerts REST API (embedded runtime)', () => {
  let pulse: Pulse;
  let dataDir: string;
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-streams-'));
    pulse = await startPulse(
      loadConfig({ ...process.env, PORT: '0', PULSE_DEMO: '0', PULSE_UI: '0', PULSE_DATA_DIR: dataDir, PULSE_MODEL_THREADS: '1', PULSE_ALL_STREAM_ALERTS: 'off' }),
    );
  });
  after(async () => {
    await pulse?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (method: string, pathname: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${pulse.url}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    return { status: res.status, etag: res.headers.get('etag'), body: (await res.json()) as Body };
  };
  const ingest = (messages: unknown[]) => call('POST', '/api/ingest', messages);
  const secret = 'a-webhook-secret-of-some-length';

  it('refuses invalid streams with a 400 that says where and why', async () => {
    const bad = await call('POST', '/api/streams', { name: 'Acme', query: 'acme AND (outage OR' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'STREAM_QUERY_INVALID');
    assert.equal(bad.body.error.position, 17);
    assert.equal(bad.body.error.detail, 'OR needs a term after it');
    const cases: Array<[unknown, string]> = [
      [{ name: 'Acme', query: 'acme', rule: { sensitivity: 'extreme' } }, 'ALERT_RULE_INVALID'],
      [{ name: 'Acme', query: 'acme', rule: { zThreshold: 4, severity: { warning: 3 } } }, 'ALERT_RULE_INVALID'],
      [{ name: 'Acme', query: 'acme', channels: [{ kind: 'webhook', url: 'https://example.com/h', secret: 'short' }] }, 'ALERT_CHANNEL_INVALID'],
      [{ name: 'Acme', query: 'acme', channels: [{ kind: 'pager' }] }, 'ALERT_CHANNEL_INVALID'],
      [{ name: 'Acme', query: 'acme', colour: 'red' }, 'BODY_INVALID'],
      [{ name: '', query: 'acme' }, 'BODY_INVALID'],
      [{ id: 'Not A Slug', name: 'Acme', query: 'acme' }, 'BODY_INVALID'],
      [{ id: 'preview', name: 'Acme', query: 'acme' }, 'BODY_INVALID'],
      ['{"name":', 'BODY_INVALID'],
    ];
    for (const [body, code] of cases) {
      const res = await call('POST', '/api/streams', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.error.code, code, JSON.stringify(res.body));
    }
    assert.deepEqual((await call('GET', '/api/streams')).body.streams, []);
  });

  it('creates, versions, updates with If-Match and keeps credentials write-only', async () => {
    const created = await call('POST', '/api/streams', {
      name: 'Acme launch (EU)',
      query: 'acme AND (launch OR #acmelaunch)',
      sources: ['web', 'web'],
      rule: { sensitivity: 'high', minVolume: 40 },
      channels: [{ kind: 'webhook', url: 'https://hooks.example.com/pulse/secret-path?token=x', secret }],
    });
    assert.equal(created.status, 201);
    assert.equal(created.etag, '"1"');
    const s = created.body.stream;
    assert.equal(s.id, 'acme-launch-eu');
    assert.deepEqual(s.sources, ['web']);
    assert.equal(s.detectorRules.zThreshold, 4.5);
    assert.equal(s.detectorRules.minVolume, 40);
    assert.deepEqual(Object.keys(s.channels[0]).sort(), ['events', 'id', 'kind', 'target']);
    assert.equal(s.channels[0].target, 'https://hooks.example.com/…');
    assert.ok(!JSON.stringify(created.body).includes(secret) && !JSON.stringify(created.body).includes('token=x'));

    assert.equal((await call('POST', '/api/streams', { name: 'Acme launch (EU)', query: 'x' })).status, 409);

    // Saved unchanged (channel by id, no credentials), with the version it was read at.
    const channelId = s.channels[0].id;
    const edit = { name: 'Acme launch (EU)', query: 'acme AND launch', rule: { sensitivity: 'low' }, channels: [{ id: channelId, kind: 'webhook' }] };
    const updated = await call('PUT', `/api/streams/${s.id}`, edit, { 'if-match': '"1"' });
    assert.equal(updated.status, 200, JSON.stringify(updated.body));
    assert.equal(updated.body.stream.version, 2);
    const stored = await pulse.store.streams.get(s.id);
    assert.deepEqual(stored!.channels[0], { kind: 'webhook', url: 'https://hooks.example.com/pulse/secret-path?token=x', secret, id: channelId });

    const stale = await call('PUT', `/api/streams/${s.id}`, edit, { 'if-match': '"1"' });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.error.code, 'CONFLICT');

    const versions = await call('GET', `/api/streams/${s.id}/versions`);
    assert.deepEqual(versions.body.versions.map((v: Body) => [v.version, v.query]), [[2, 'acme AND launch'], [1, 'acme AND (launch OR #acmelaunch)']]);

    const removed = await call('DELETE', `/api/streams/${s.id}`, undefined, { 'if-match': '"2"' });
    assert.equal(removed.status, 200);
    assert.equal((await call('GET', `/api/streams/${s.id}`)).status, 404);
    assert.deepEqual((await call('GET', '/api/streams')).body.streams, []);
    // A recreated id continues the numbering.
    const again = await call('POST', '/api/streams', { id: s.id, name: 'Acme again', query: 'acme' });
    assert.equal(again.body.stream.version, 4);
    assert.equal((await call('DELETE', `/api/streams/${s.id}`)).status, 200);
    assert.equal((await call('GET', '/api/streams/nope')).status, 404);
    assert.equal((await call('PUT', '/api/streams/nope', edit)).status, 404);
  });

  it('tags messages with a saved stream within 2 s, without a restart, and previews it', async () => {
    const token = `zq${Date.now().toString(36)}`;
    const saved = await call('POST', '/api/streams', { name: 'Hot reload', query: `${token} AND NOT ignore` });
    assert.equal(saved.status, 201);
    const savedAt = Date.now();
    // A matching message every 100 ms until the classifier tags one with the stream.
    let taggedAfterMs: number | undefined;
    let sent = 0;
    for (let i = 0; taggedAfterMs === undefined && i < 100; i++) {
      sent++;
      const sentAt = Date.now();
      const res = await ingest([{ id: `hot-${i}`, source: 'web', text: `Trying ${token} number ${i}` }]);
      assert.equal(res.status, 202);
      await waitFor(async () => (await pulse.store.messages.list({ q: `number ${i}`, limit: 1 })).messages.length === 1, 10_000);
      const [message] = (await pulse.store.messages.list({ q: `number ${i}`, limit: 1 })).messages;
      if (message!.streams.includes('hot-reload')) taggedAfterMs = sentAt - savedAt;
      else await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(taggedAfterMs !== undefined && taggedAfterMs <= 2_000, `first tagged message sent ${taggedAfterMs} ms after the save`);
    console.log(`# stream change applied: first tagged message sent ${taggedAfterMs} ms after the save (poll 1 s)`);

    await ingest([
      { id: 'p1', source: 'web', text: `${token.toUpperCase()} is wonderful, I love it` },
      { id: 'p2', source: 'app', text: `${token} please ignore this one` },
      { id: 'p3', source: 'web', text: `${token}s is another word` },
    ]);
    for (const q of ['wonderful', 'please ignore', 'another word']) await waitFor(async () => (await pulse.store.messages.list({ q, limit: 1 })).messages.length === 1, 10_000);
    const preview = await call('POST', '/api/streams/preview', { query: `${token} AND NOT ignore`, sources: ['web'] });
    assert.equal(preview.status, 200);
    const tagged = (await pulse.store.messages.list({ stream: 'hot-reload', limit: 1000 })).messages;
    // Every stored message the query matches, tagged or sent before the reload: the hot-reload
    // ones and p1; never p2 ("ignore"), p3 (another word) or a source outside the list.
    assert.ok(preview.body.sample.some((m: Body) => m.id === 'p1'));
    assert.ok(!preview.body.sample.some((m: Body) => m.id === 'p2' || m.id === 'p3'));
    assert.equal(preview.body.matched, sent + 1);
    assert.ok(tagged.length <= preview.body.matched);
    assert.equal(preview.body.truncated, false);
    assert.deepEqual(preview.body.alerts, []);
    const bad = await call('POST', '/api/streams/preview', { query: 'NOT acme' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'STREAM_QUERY_INVALID');
    assert.equal(typeof bad.body.error.position, 'number');
  });

  it('lists alerts with filters, and acknowledges and resolves them idempotently', async () => {
    // Recent: rows older than the retention (30 days) expire on insert.
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const open = alertFixture({ id: 'a-open', openedAt: at(10), updatedAt: at(9) });
    const older = alertFixture({ id: 'a-older', severity: 'warning', kind: 'volume', direction: 'positive', openedAt: at(60), updatedAt: at(59) });
    await pulse.store.alerts.insert(open);
    await pulse.store.alerts.insert(older);
    const list = await call('GET', '/api/alerts?limit=1');
    assert.deepEqual(list.body.alerts.map((a: Body) => a.id), ['a-open']);
    const next = await call('GET', `/api/alerts?limit=1&cursor=${list.body.nextCursor}`);
    assert.deepEqual(next.body.alerts.map((a: Body) => a.id), ['a-older']);
    assert.deepEqual((await call('GET', '/api/alerts?kind=volume')).body.alerts.map((a: Body) => a.id), ['a-older']);
    assert.deepEqual((await call('GET', '/api/alerts?severity=critical&stream=acme-launch')).body.alerts.map((a: Body) => a.id), ['a-open']);
    assert.equal((await call('GET', '/api/alerts?status=bogus')).status, 400);

    const acked = await call('POST', '/api/alerts/a-open/acknowledge');
    assert.equal(acked.body.alert.status, 'acknowledged');
    assert.equal((await call('POST', '/api/alerts/a-open/acknowledge')).body.alert.acknowledgedAt, acked.body.alert.acknowledgedAt);
    assert.deepEqual((await call('GET', '/api/alerts?status=open')).body.alerts.map((a: Body) => a.id), ['a-older']);
    const resolved = await call('POST', '/api/alerts/a-open/resolve');
    assert.equal(resolved.body.alert.status, 'resolved');
    assert.equal(resolved.body.alert.resolvedBy, 'person');
    assert.equal((await call('POST', '/api/alerts/a-open/resolve')).status, 200);
    const late = await call('POST', '/api/alerts/a-open/acknowledge');
    assert.equal(late.status, 409);
    const detail = await call('GET', '/api/alerts/a-open');
    assert.equal(detail.body.alert.status, 'resolved');
    assert.ok(Array.isArray(detail.body.deliveries));
    assert.equal((await call('GET', '/api/alerts/nope')).status, 404);
    assert.equal((await call('POST', '/api/alerts/nope/resolve')).status, 404);
  });
});
