/**
 * Alert delivery end to end: channels against local receivers on 127.0.0.1 (allowed as with
 * PULSE_ALLOW_PRIVATE_WEBHOOKS=1), retries, timeouts and refusals, and every attempt recorded
 * in `alert_deliveries` on chdb (one data directory for this file: chdb binds one per process).
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert } from '../../lib/alerts/alert.ts';
import { createChannel, verifyWebhookSignature } from '../../lib/alerts/channels/index.ts';
import type { AlertChannel, ChannelConfig } from '../../lib/alerts/channel.ts';
import { AlertDelivery, type DeliveryPolicy } from '../../lib/alerts/delivery.ts';
import { actOnAlert, type AlertActionDeps } from '../../lib/alerts/actions.ts';
import type { WebhookPayload } from '../../lib/alerts/channels/index.ts';
import { AlertNotifier } from '../../lib/alerts/notifier.ts';
import { sendTestAlert } from '../../lib/alerts/test-send.ts';
import type { Actor } from '../../lib/audit.ts';
import { isPulseError } from '../../lib/errors.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import { ChdbClient } from '../../lib/store/chdb.ts';
import { openStore, type Store } from '../../lib/store/index.ts';
import type { SqlClient } from '../../lib/store/sql.ts';
import { alertFixture } from '../support/alert-fixture.ts';
import { Receiver } from '../support/http-receiver.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-alert-delivery-'));
const secret = 'delivery-test-secret-16';
const publicUrl = 'https://pulse.example.com';
/** Fast retries: the backoff is not what these tests wait for. */
const fast: Partial<DeliveryPolicy> = { baseDelayMs: 10, maxDelayMs: 50, attemptTimeoutMs: 2_000, maxTotalMs: 10_000 };

let store: Store;
let metrics: Metrics;
let receiver: Receiver;
let alertNo = 0;

/** A fresh alert id per test, so each test reads only its own rows. */
const nextAlert = (): Alert => alertFixture({ id: `alert-${++alertNo}` });

function channel(config: ChannelConfig, allowPrivate = true): AlertChannel {
  return createChannel(config, { bus: { publish: async () => {} }, allowPrivate, publicUrl });
}

const webhook = (p = '/hook', allowPrivate = true) => channel({ kind: 'webhook', url: receiver.url(p), secret }, allowPrivate);

function delivery(policy: Partial<DeliveryPolicy> = fast): AlertDelivery {
  return new AlertDelivery({ deliveries: store.deliveries, metrics, policy });
}

async function counted(channelKind: string, result: string): Promise<number> {
  const metric = await metrics.alertDeliveries.get();
  return metric.values.find((v) => v.labels.channel === channelKind && v.labels.result === result)?.value ?? 0;
}

before(async () => {
  store = await openStore({ kind: 'chdb', dataDir, retentionDays: 30 });
  receiver = await Receiver.start();
  metrics = createMetrics();
});

after(async () => {
  await receiver?.close();
  await store?.close();
  fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
});

describe('alert delivery', () => {
  it('retries a 500 and succeeds; both attempts are stored under one delivery id', async () => {
    receiver.script = (_req, n) => (n === 0 ? { status: 500, body: 'oops' } : { status: 204 });
    const alert = nextAlert();
    const [result] = await delivery().deliver(alert, 'opened', [webhook()]);
    assert.equal(result?.status, 'ok');
    assert.equal(result?.attempts, 2);
    assert.equal(result?.httpStatus, 204);

    const [first, second] = receiver.requests.slice(-2);
    assert.equal(first?.headers['x-pulse-delivery'], result?.deliveryId, 'the receiver can dedupe retries');
    assert.equal(second?.headers['x-pulse-delivery'], result?.deliveryId);
    for (const r of [first!, second!]) {
      assert.ok(verifyWebhookSignature({ secret, body: r.body, signature: r.headers['x-pulse-signature'] as string, timestamp: r.headers['x-pulse-timestamp'] as string }));
    }

    const rows = await store.deliveries.listForAlert(alert.id);
    assert.equal(rows.length, 2);
    const [latest, earliest] = rows;
    assert.deepEqual(
      { ...earliest, at: undefined },
      {
        at: undefined, alertId: alert.id, deliveryId: result!.deliveryId, channel: 'webhook', target: `http://127.0.0.1:${receiver.port}/…`,
        event: 'opened', attempt: 1, status: 'failed', httpStatus: 500, error: 'receiver answered 500: oops',
      },
    );
    assert.deepEqual(
      { ...latest, at: undefined },
      {
        at: undefined, alertId: alert.id, deliveryId: result!.deliveryId, channel: 'webhook', target: `http://127.0.0.1:${receiver.port}/…`,
        event: 'opened', attempt: 2, status: 'ok', httpStatus: 204,
      },
    );
    assert.ok(Date.parse(latest!.at) >= Date.parse(earliest!.at), 'newest first');
  });

  it('does not retry a 400', async () => {
    receiver.script = () => ({ status: 400, body: 'invalid_payload' });
    const alert = nextAlert();
    const before = receiver.requests.length;
    const [result] = await delivery().deliver(alert, 'updated', [webhook()]);
    assert.deepEqual({ status: result?.status, attempts: result?.attempts, httpStatus: result?.httpStatus }, { status: 'failed', attempts: 1, httpStatus: 400 });
    assert.equal(receiver.requests.length - before, 1);
    const rows = await store.deliveries.listForAlert(alert.id);
    assert.deepEqual(rows.map((r) => [r.attempt, r.status, r.httpStatus, r.event]), [[1, 'failed', 400, 'updated']]);
  });

  it('waits as long as a 429 Retry-After asks, not the (shorter) backoff', async () => {
    const first = receiver.requests.length;
    receiver.script = (_req, n) => (n === first ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    const alert = nextAlert();
    const [result] = await delivery().deliver(alert, 'opened', [webhook()]);
    assert.equal(result?.status, 'ok');
    assert.equal(result?.attempts, 2);
    const [a, b] = receiver.requests.slice(-2);
    assert.ok(b!.at - a!.at >= 950, `second attempt ${b!.at - a!.at} ms after the first`);
    const rows = await store.deliveries.listForAlert(alert.id);
    assert.deepEqual(rows.map((r) => [r.attempt, r.status, r.httpStatus]), [[2, 'ok', 200], [1, 'failed', 429]]);
  });

  it('gives up when Retry-After reaches past the total time', async () => {
    receiver.script = () => ({ status: 429, headers: { 'retry-after': '60' } });
    const alert = nextAlert();
    const started = Date.now();
    const [result] = await delivery({ ...fast, maxTotalMs: 2_000, attemptTimeoutMs: 1_000 }).deliver(alert, 'opened', [webhook()]);
    assert.equal(result?.status, 'failed');
    assert.equal(result?.attempts, 1);
    assert.equal(result?.error, 'receiver answered 429; a retry in 60 s would end past the 2000 ms delivery window');
    assert.ok(Date.now() - started < 1_000, 'no pointless wait');
  });

  it('times out an attempt that gets no answer, and retries it', async () => {
    receiver.script = () => 'hang';
    const alert = nextAlert();
    const started = Date.now();
    const [result] = await delivery({ ...fast, attemptTimeoutMs: 200, maxAttempts: 2 }).deliver(alert, 'opened', [webhook()]);
    const took = Date.now() - started;
    assert.equal(result?.status, 'failed');
    assert.equal(result?.attempts, 2);
    assert.ok(took >= 400 && took < 2_000, `took ${took} ms`);
    const rows = await store.deliveries.listForAlert(alert.id);
    assert.deepEqual(rows.map((r) => [r.attempt, r.status, r.httpStatus, r.error]), [
      [2, 'failed', undefined, 'no answer within 200 ms; gave up after 2 attempts'],
      [1, 'failed', undefined, 'no answer within 200 ms'],
    ]);
  });

  it('delivers each channel on its own: a hanging, a refused and a failing one do not hold up the others', async () => {
    receiver.script = (req) => (req.path === '/down' ? { status: 503 } : req.path === '/slow' ? 'hang' : { status: 200 });
    const published: unknown[] = [];
    const dashboard = createChannel({ kind: 'dashboard' }, { bus: { publish: async (_t, records) => void published.push(...records.map((r) => r.value)) }, allowPrivate: false, publicUrl });
    const alert = nextAlert();
    const okBefore = await counted('slack', 'ok');
    const results = await delivery({ ...fast, attemptTimeoutMs: 300, maxAttempts: 3 }).deliver(alert, 'opened', [
      webhook('/down'),
      webhook('/slow'),
      channel({ kind: 'webhook', url: receiver.url('/private'), secret }, false),
      channel({ kind: 'slack', url: receiver.url('/services/T/B/token') }),
      dashboard,
    ]);
    assert.deepEqual(results.map((r) => [r.channel, r.status, r.attempts]), [
      ['webhook', 'failed', 3],
      ['webhook', 'failed', 3],
      ['webhook', 'refused', 1],
      ['slack', 'ok', 1],
      ['dashboard', 'ok', 1],
    ]);
    assert.equal(published.length, 1);
    assert.match(results[2]!.error!, /127\.0\.0\.1 is a private/);
    assert.ok(!receiver.requests.some((r) => r.path === '/private'), 'a refused URL is never contacted');

    const rows = await store.deliveries.listForAlert(alert.id);
    const summary = (channelKind: string, status: string) => rows.filter((r) => r.channel === channelKind && r.status === status).length;
    assert.equal(rows.length, 3 + 3 + 1 + 1 + 1);
    assert.equal(summary('webhook', 'refused'), 1);
    assert.equal(summary('slack', 'ok'), 1);
    assert.equal(summary('dashboard', 'ok'), 1);
    assert.ok(rows.every((r) => !r.target.includes('token')), 'targets are redacted');
    assert.equal(rows.find((r) => r.channel === 'dashboard')?.target, 'pulse.alerts');
    assert.equal(await counted('slack', 'ok'), okBefore + 1);
    assert.ok((await counted('webhook', 'retried')) >= 4);
    assert.ok((await counted('webhook', 'refused')) >= 1);
  });

  it('stops waiting for retries when its signal aborts (shutdown)', async () => {
    receiver.script = () => ({ status: 503 });
    const stop = new AbortController();
    const started = Date.now();
    const pending = delivery({ ...fast, baseDelayMs: 5_000, maxDelayMs: 5_000 }).deliver(nextAlert(), 'opened', [webhook()], stop.signal);
    setTimeout(() => stop.abort(), 200);
    const [result] = await pending;
    assert.equal(result?.status, 'failed');
    assert.equal(result?.attempts, 1);
    assert.match(result!.error!, /stopped before attempt 2/);
    assert.ok(Date.now() - started < 2_000);
  });

  it('refuses a policy that cannot work', () => {
    for (const policy of [{ maxAttempts: 0 }, { attemptTimeoutMs: 5_000, maxTotalMs: 1_000 }, { baseDelayMs: 100, maxDelayMs: 10 }, { maxTotalMs: 1.5 }]) {
      assert.throws(() => delivery(policy), (err) => isPulseError(err, 'CONFIG_INVALID'), JSON.stringify(policy));
    }
    assert.equal(delivery({ maxAttempts: undefined }).policy.maxAttempts, 5, 'unset fields keep the default');
  });
});

/** The webhook bodies a path received, in arrival order. */
const payloads = (p: string) => receiver.requests.filter((r) => r.path === p).map((r) => JSON.parse(r.body) as WebhookPayload);

describe('delivery that follows the alert\'s life', () => {
  const ops: Actor = { principal: { kind: 'user', id: 'u1', email: 'ops@example.com' }, ip: '192.0.2.1' };
  const open: Actor = { principal: { kind: 'open' }, ip: '192.0.2.2' };

  /** The alerts table in memory, a notifier over the real deliveries table, the stream's channels as given. */
  function lifecycle(channels: ChannelConfig[]) {
    const stored = new Map<string, Alert>();
    const published: Array<{ event: string }> = [];
    const notifier = new AlertNotifier({
      bus: { publish: async (_t, records) => void published.push(...records.map((r) => r.value as { event: string })) },
      deliveries: store.deliveries, metrics,
      alerts: { allowPrivateWebhooks: true, publicUrl, delivery: fast },
    });
    const deps: AlertActionDeps = {
      alerts: { get: async (id) => stored.get(id), insert: async (a) => void stored.set(a.id, a) },
      notifier, channelsOf: async () => channels, audit: { record: async () => {} },
    };
    return { stored, published, notifier, deps };
  }

  it('sends opened, acknowledged (by whom) and resolved (by whom, with the note) in order, each with the link', async () => {
    receiver.script = () => ({ status: 200 });
    const all = '/life-all';
    const resolvedOnly = '/life-resolved';
    const channels: ChannelConfig[] = [
      { kind: 'dashboard' },
      { kind: 'webhook', url: receiver.url(all), secret },
      { kind: 'webhook', url: receiver.url(resolvedOnly), secret, events: ['resolved'] },
    ];
    const { stored, published, notifier, deps } = lifecycle(channels);
    const alert = nextAlert();
    stored.set(alert.id, alert);
    notifier.notify(alert, 'opened', channels);
    // The detector's every-tick numbers: not sent outside unless a channel chose them.
    notifier.notify({ ...alert, z: -5.1 }, 'updated', channels);
    await actOnAlert(deps, ops, alert.id, 'acknowledge');
    await actOnAlert(deps, ops, alert.id, 'acknowledge'); // idempotent: nothing sent again
    await actOnAlert(deps, ops, alert.id, 'resolve', { note: 'rolled back the deploy' });
    await notifier.drain(5_000);

    const life = payloads(all);
    assert.deepEqual(life.map((p) => p.event), ['opened', 'acknowledged', 'resolved']);
    assert.equal(life[1]!.alert.acknowledgedByName, 'ops@example.com');
    assert.equal(life[2]!.alert.status, 'resolved');
    assert.equal(life[2]!.alert.resolvedBy, 'person');
    assert.equal(life[2]!.alert.resolvedByName, 'ops@example.com');
    assert.equal(life[2]!.alert.resolveNote, 'rolled back the deploy');
    assert.equal(life[2]!.alert.acknowledgedByName, 'ops@example.com', 'the resolution keeps who acknowledged');
    for (const p of life) assert.equal(p.link, `${publicUrl}/alerts?alert=${alert.id}`);
    assert.deepEqual(payloads(resolvedOnly).map((p) => p.event), ['resolved'], 'per-channel event filter');
    assert.deepEqual(published.map((p) => p.event), ['opened', 'updated', 'acknowledged', 'resolved'], 'the dashboard hears everything');
    const rows = await store.deliveries.listForAlert(alert.id);
    assert.deepEqual(new Set(rows.map((r) => r.event)), new Set(['opened', 'updated', 'acknowledged', 'resolved']));
  });

  it('names "someone" in open mode', async () => {
    const channels: ChannelConfig[] = [{ kind: 'webhook', url: receiver.url('/life-open'), secret }];
    const { stored, notifier, deps } = lifecycle(channels);
    const alert = nextAlert();
    stored.set(alert.id, alert);
    const resolved = await actOnAlert(deps, open, alert.id, 'resolve');
    await notifier.drain(5_000);
    assert.equal(resolved.resolvedByName, 'someone');
    assert.equal(resolved.resolveNote, undefined);
    assert.deepEqual(payloads('/life-open').map((p) => [p.event, p.alert.resolvedByName]), [['resolved', 'someone']]);
  });
});

describe('send test', () => {
  const stream = { id: 'acme-launch', name: 'Acme launch' };
  const deps = (allowPrivate: boolean) => ({ bus: { publish: async () => {} }, allowPrivate, publicUrl });

  it('sends one marked test alert and answers the receiver\'s status', async () => {
    receiver.script = (req) => (req.path === '/test-404' ? { status: 404, body: 'no such hook' } : { status: 200 });
    const ok = await sendTestAlert({ kind: 'webhook', url: receiver.url('/test-ok'), secret }, stream, deps(true));
    assert.deepEqual(ok, { status: 'ok', target: `http://127.0.0.1:${receiver.port}/…`, httpStatus: 200 });
    const [payload] = payloads('/test-ok');
    assert.equal(payload?.test, true);
    assert.match(payload!.alert.reason, /^TEST — a test alert from Pulse for the stream "Acme launch"/);
    assert.equal(payload!.link, `${publicUrl}/alerts?alert=${payload!.alert.id}`);

    const missing = await sendTestAlert({ kind: 'slack', url: receiver.url('/test-404') }, stream, deps(true));
    assert.equal(missing.status, 'failed');
    assert.equal(missing.httpStatus, 404);
    assert.match(missing.error!, /receiver answered 404: no such hook/);
    assert.equal(receiver.requests.filter((r) => r.path === '/test-404').length, 1, 'no retries');

    const refused = await sendTestAlert({ kind: 'webhook', url: receiver.url('/test-refused'), secret }, stream, deps(false));
    assert.equal(refused.status, 'refused');
    assert.match(refused.error!, /private/);
  });
});

describe('alert_deliveries table', () => {
  let sql: SqlClient;
  before(() => {
    // The store holds the process's chdb session; a second client on the same directory shares it.
    sql = ChdbClient.open(dataDir);
  });
  after(() => sql.close());

  it('is created by migration 3 with the configured TTL', async () => {
    const [{ statement } = { statement: '' }] = await sql.query<{ statement: string }>('SHOW CREATE TABLE alert_deliveries');
    assert.match(statement, /ENGINE = MergeTree/);
    assert.match(statement, /ORDER BY \(alert_id, at\)/);
    assert.match(statement, /TTL toDateTime\(at\) \+ toIntervalDay\(30\)/);
    const versions = await sql.query<{ version: number }>('SELECT version FROM schema_migrations WHERE version = 3');
    assert.equal(versions.length, 1);
  });

  it('lists nothing for an alert without deliveries', async () => {
    assert.deepEqual(await store.deliveries.listForAlert('no-such-alert'), []);
  });
});
