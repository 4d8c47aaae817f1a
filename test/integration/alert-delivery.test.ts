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
import { isPulseError } from '../../lib/errors.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import { ChdbClient } from '../../lib/store/chdb.ts';
import { openStore, type Store } from '../../lib/store/index.ts';
import type { SqlClient } from '../../lib/store/sql.ts';
import { alertFixture } from '../support/alert-fixture.ts';
import { Receiver } from '../support/http-receiver.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-alert-delivery-'));
const secret = 'delivery-test-secret-16';
/** Fast retries: the backoff is not what these tests wait for. */
const fast: Partial<DeliveryPolicy> = { baseDelayMs: 10, maxDelayMs: 50, attemptTimeoutMs: 2_000, maxTotalMs: 10_000 };

let store: Store;
let metrics: Metrics;
let receiver: Receiver;
let alertNo = 0;

/** A fresh alert id per test, so each test reads only its own rows. */
const nextAlert = (): Alert => alertFixture({ id: `alert-${++alertNo}` });

function channel(config: ChannelConfig, allowPrivate = true): AlertChannel {
  return createChannel(config, { bus: { publish: async () => {} }, allowPrivate });
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
    const dashboard = createChannel({ kind: 'dashboard' }, { bus: { publish: async (_t, records) => void published.push(...records.map((r) => r.value)) }, allowPrivate: false });
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
