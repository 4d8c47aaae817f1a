import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import { dashboardChannel } from '../../lib/alerts/channels/dashboard.ts';
import { MemoryTransport } from '../../lib/bus/memory.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { TypedBus } from '../../lib/bus/typed-bus.ts';
import { loadConfig } from '../../lib/config.ts';
import { ClassifierLag } from '../../lib/classify/lag.ts';
import { AllStreamsId } from '../../lib/contracts/api.ts';
import type { ClientEvent, LiveAlert, ServerEvent, ServerEventOf } from '../../lib/contracts/live.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import { createMetrics, type Metrics } from '../../lib/metrics.ts';
import { Labels, predictionFromProbs, type Label } from '../../lib/sentiment.ts';
import { LiveHub } from '../../lib/live/hub.ts';
import { LiveSocket } from '../../server/live-socket.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { alertFixture } from '../support/alert-fixture.ts';
import { waitFor } from '../support/wait.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A dashboard connection that keeps every event it receives, in order. */
class LiveClient {
  readonly events: ServerEvent[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => this.events.push(JSON.parse(String(data)) as ServerEvent));
  }

  static async connect(baseUrl: string): Promise<LiveClient> {
    // Listening before `open`: the server's first status may arrive with the handshake.
    const client = new LiveClient(new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws`));
    await new Promise((resolve, reject) => client.ws.once('open', resolve).once('error', reject));
    return client;
  }

  send(frame: ClientEvent | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  of<K extends ServerEvent['type']>(type: K, since = 0): Array<ServerEventOf<K>> {
    return this.events.slice(since).filter((e): e is ServerEventOf<K> => e.type === type);
  }

  /** The first event of `type` received at or after index `since`. */
  async next<K extends ServerEvent['type']>(type: K, since = 0, timeoutMs = 10_000): Promise<ServerEventOf<K>> {
    await waitFor(() => this.of(type, since).length > 0, timeoutMs, 20);
    return this.of(type, since)[0]!;
  }

  /** Sums of the tick increments of one stream since the latest snapshot. */
  tickTotals(stream = AllStreamsId): { count: number; scoreSum: number } & Record<Label, number> {
    const since = this.events.findLastIndex((e) => e.type === 'snapshot');
    const totals = { count: 0, scoreSum: 0, negative: 0, neutral: 0, positive: 0 };
    for (const tick of this.of('tick', since + 1)) {
      for (const p of tick.streams[stream]?.points ?? []) {
        totals.count += p.count;
        totals.scoreSum += p.meanScore * p.count;
        for (const l of Labels) totals[l] += p[l];
      }
    }
    return totals;
  }

  close(): Promise<void> {
    if (this.ws.readyState === this.ws.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

const labelCounts = (labels: Label[]) => Object.fromEntries(Labels.map((l) => [l, labels.filter((x) => x === l).length])) as Record<Label, number>;

describe('live hub on the embedded runtime', () => {
  let pulse: Pulse;
  let dataDir: string;
  const clients: LiveClient[] = [];
  const connect = async () => {
    const c = await LiveClient.connect(pulse.url);
    clients.push(c);
    return c;
  };
  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-live-'));
    // A high message rate, so that every one of the test's messages is sampled.
    pulse = await startPulse(loadConfig({
      ...process.env, PORT: '0', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_MODEL_THREADS: '1', PULSE_LIVE_MESSAGE_RATE: '1000',
    }));
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await pulse?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('sends a snapshot, then ticks that add up to exactly the ingested messages, samples of them, and a fresh snapshot after a reconnect', async () => {
    const texts = [
      'I love this, absolutely wonderful service!', 'Best purchase I have made all year, thank you',
      'This is terrible, it broke after one day.', 'Worst support ever, I am so angry',
      'The meeting is at 3pm in room 4.', 'The package was shipped on Monday.',
    ];
    const n = 24;
    const sent = Array.from({ length: n }, (_, i) => ({ id: `live-${i}`, source: 'live-test', text: `${texts[i % texts.length]} (#${i})` }));

    const client = await connect();
    const status = await client.next('status');
    assert.ok(status.clients >= 1);
    client.send({ type: 'subscribe', streams: 'all', window: '5m' });
    const snapshot = await client.next('snapshot');
    assert.equal(snapshot.bucket, '1s');
    assert.equal(snapshot.live, true);
    assert.deepEqual(snapshot.streams[AllStreamsId]?.buckets, []);

    const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(sent) });
    assert.equal(res.status, 202);
    await waitFor(() => client.tickTotals().count >= n, 30_000);

    const page = (await (await fetch(`${pulse.url}/api/messages?source=live-test&limit=100`)).json()) as { messages: ScoredMessage[] };
    const stored = page.messages;
    assert.equal(stored.length, n);
    const labelOf = new Map(stored.map((m) => [m.id, m.label]));
    const expected = { count: n, ...labelCounts(stored.map((m) => m.label)) };
    await sleep(300); // nothing arrives twice
    const { scoreSum, ...totals } = client.tickTotals();
    assert.deepEqual(totals, expected);
    assert.ok(Math.abs(scoreSum - stored.reduce((s, m) => s + m.score, 0)) < 1e-6, 'mean scores agree with the stored scores');
    assert.ok(new Set(stored.map((m) => m.label)).size > 1, 'the model told the texts apart');

    // The volume counts the last complete second, so it shows in the second after the messages'.
    await waitFor(() => client.of('tick').some((t) => (t.streams[AllStreamsId]?.volume ?? 0) > 0), 3000);
    const ticks = client.of('tick');
    assert.ok(ticks.every((t) => t.dropped === 0), 'a reading client drops nothing');
    const last = ticks.findLast((t) => t.streams[AllStreamsId]?.movingAverage !== null)!.streams[AllStreamsId]!;
    assert.ok(last.movingAverage! >= -1 && last.movingAverage! <= 1);

    const messages = client.of('message');
    assert.deepEqual(new Set(messages.map((m) => m.id)), new Set(sent.map((m) => m.id)));
    for (const m of messages) {
      assert.equal(m.label, labelOf.get(m.id), `label of ${m.id}`);
      assert.equal(m.source, 'live-test');
      assert.deepEqual(m.streams, []);
    }

    // A redelivered classifier batch publishes the same scored messages again: not counted.
    await pulse.bus.publish(Topics.scored, stored.map((m) => ({ key: m.id, value: m })));
    await sleep(500);
    assert.equal(client.tickTotals().count, n);
    assert.equal(client.of('message').length, messages.length);

    await client.close();
    const again = await connect();
    again.send({ type: 'subscribe', streams: 'all', window: '1h' });
    const fresh = await again.next('snapshot');
    assert.equal(fresh.bucket, '10s');
    const buckets = fresh.streams[AllStreamsId]!.buckets;
    assert.equal(buckets.reduce((s, b) => s + b.count, 0), n);
    for (const l of Labels) assert.equal(buckets.reduce((s, b) => s + b[l], 0), expected[l], l);
    await waitFor(() => again.of('status').some((s) => s.lag === 0), 10_000);
  });

  it('answers a bad frame with an error event and stays usable', async () => {
    const client = await connect();
    const frames: Array<[string, RegExp]> = [
      ['not json', /not JSON/],
      [JSON.stringify({ type: 'subscribe', streams: 'all', window: '2h' }), /window/],
      [JSON.stringify({ type: 'dance' }), /type/],
      [JSON.stringify({ type: 'subscribe', streams: 'all', window: { from: '2026-01-02T00:00:00Z', to: '2026-01-01T00:00:00Z' } }), /from must be before to/],
    ];
    for (const [frame, reason] of frames) {
      const since = client.events.length;
      client.send(frame);
      const error = await client.next('error', since);
      assert.equal(error.code, 'FRAME_INVALID');
      assert.match(error.message, reason);
    }
    const since = client.events.length;
    client.send({ type: 'subscribe', streams: ['acme'], sources: ['nowhere'], window: '24h' });
    const snapshot = await client.next('snapshot', since);
    assert.equal(snapshot.bucket, '5m');
    assert.deepEqual(snapshot.sources, ['nowhere']);
    assert.deepEqual(snapshot.streams.acme, { buckets: [], movingAverage: null, volume: 0 });
    // A window that ended in the past is history: a snapshot and no ticks.
    client.send({ type: 'subscribe', streams: 'all', window: { from: '2026-01-01T00:00:00Z', to: '2026-01-01T01:00:00Z' } });
    const history = await client.next('snapshot', client.events.indexOf(snapshot) + 1);
    assert.equal(history.live, false);
    assert.equal(history.bucket, '10s');
    assert.equal(client.ws.readyState, client.ws.OPEN);
  });
});

describe('live hub: fan-out, slow clients and alerts', () => {
  const transport = new MemoryTransport({ partitions: 2 });
  const bus = new TypedBus(transport);
  let metrics: Metrics;
  let live: LiveSocket;
  let server: http.Server;
  let url: string;
  const slowBytes = 64 * 1024;

  before(async () => {
    await bus.start();
    metrics = createMetrics();
    // The store only answers snapshots here; the live part comes from the bus alone.
    const hub = await LiveHub.start(
      { bus, store: { stats: { buckets: async () => [] }, ping: async () => {} }, lag: new ClassifierLag(bus), metrics },
      { messageRate: 50_000, slowBytes },
    );
    live = new LiveSocket(hub);
    server = http.createServer((_req, res) => res.writeHead(404).end());
    server.on('upgrade', (req, socket, head) => live.handleUpgrade(req, socket, head));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    await live.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await bus.close();
  });

  let seq = 0;
  /** `n` scored messages over the last 4 minutes, ~700 bytes each on the wire. */
  function scoredBatch(n: number): ScoredMessage[] {
    const now = Date.now();
    return Array.from({ length: n }, (_, i) => {
      const at = new Date(now - (i % 240) * 1000).toISOString();
      const prediction = predictionFromProbs(i % 2 ? { negative: 0.7, neutral: 0.2, positive: 0.1 } : { negative: 0.1, neutral: 0.2, positive: 0.7 });
      return {
        id: `s-${seq++}`, ts: at, receivedAt: at, source: `src-${i % 3}`, text: 'y'.repeat(600),
        ...prediction, model: 'test', streams: i % 4 ? [] : ['acme'], classifiedAt: at,
      };
    });
  }
  const publish = (messages: ScoredMessage[]) => bus.publish(Topics.scored, messages.map((m) => ({ key: m.id, value: m })));
  const droppedTicks = async () => (await metrics.liveTicksDropped.get()).values[0]?.value ?? 0;

  it('skips ticks for a client that stops reading, bounds what it queues, and catches it up exactly', async () => {
    const slow = await LiveClient.connect(url);
    const fast = await LiveClient.connect(url);
    try {
      for (const c of [slow, fast]) c.send({ type: 'subscribe', streams: 'all', window: '5m' });
      await Promise.all([slow.next('snapshot'), fast.next('snapshot')]);
      slow.ws.pause(); // stops reading from its socket: the kernel buffers fill, then the server's queue

      let published = 0;
      let maxQueued = 0;
      const deadline = Date.now() + 20_000;
      while ((await droppedTicks()) < 5) {
        assert.ok(Date.now() < deadline, 'no tick was dropped within 20 s');
        await publish(scoredBatch(1000));
        published += 1000;
        await sleep(100);
        maxQueued = Math.max(maxQueued, (await metrics.liveBufferedBytes.get()).values[0]?.value ?? 0);
      }
      for (let i = 0; i < 10; i++) {
        await publish(scoredBatch(1000));
        published += 1000;
        await sleep(100);
        maxQueued = Math.max(maxQueued, (await metrics.liveBufferedBytes.get()).values[0]?.value ?? 0);
      }
      // Above the slow bound nothing but the odd alert is queued: at most about one tick
      // (≤ 300 seconds of points) and one tick's sampled messages (≤ 1000 × ~1 KB) beyond it.
      assert.ok(maxQueued < slowBytes + 1.5 * 1024 * 1024, `queued up to ${maxQueued} bytes`);

      await waitFor(() => fast.tickTotals().count === published, 10_000);
      assert.ok(fast.of('tick').every((t) => t.dropped === 0), 'only the slow client drops');

      slow.ws.resume();
      await waitFor(() => slow.tickTotals().count === published, 20_000);
      assert.ok(slow.of('tick').some((t) => t.dropped > 0), 'a tick says how many were skipped before it');
      // Nothing lost: the tick after the skipped ones carried their increments.
      for (const stream of [AllStreamsId, 'acme']) {
        const { scoreSum: slowSum, ...slowCounts } = slow.tickTotals(stream);
        const { scoreSum: fastSum, ...fastCounts } = fast.tickTotals(stream);
        assert.deepEqual(slowCounts, fastCounts, stream);
        assert.ok(Math.abs(slowSum - fastSum) < 1e-6, stream);
      }
      await waitFor(() => slow.of('status').some((s) => s.dropped > 0), 5_000);
    } finally {
      await Promise.all([slow.close(), fast.close()]);
    }
  });

  it('projects one delta per filter: streams and sources', async () => {
    const bySource = await LiveClient.connect(url);
    try {
      bySource.send({ type: 'subscribe', streams: ['acme'], sources: ['src-0', 'src-1'], window: '5m' });
      await bySource.next('snapshot');
      const batch = scoredBatch(120);
      await publish(batch);
      const expected = batch.filter((m) => m.streams.includes('acme') && m.source !== 'src-2').length;
      await waitFor(() => bySource.tickTotals('acme').count === expected, 10_000);
      assert.equal(bySource.of('tick').every((t) => Object.keys(t.streams).every((s) => s === 'acme')), true);
      const sampled = bySource.of('message');
      assert.ok(sampled.length > 0 && sampled.every((m) => m.streams.includes('acme') && m.source !== 'src-2'));
    } finally {
      await bySource.close();
    }
  });

  it('relays alerts of the subscribed streams and skips records that do not parse', async () => {
    const all = await LiveClient.connect(url);
    const other = await LiveClient.connect(url);
    try {
      all.send({ type: 'subscribe', streams: 'all', window: '5m' });
      other.send({ type: 'subscribe', streams: ['other'], window: '5m' });
      await Promise.all([all.next('snapshot'), other.next('snapshot')]);
      const record = alertFixture({ id: 'a-1', stream: 'acme' });
      // Past the types, as any producer could: the bus dead-letters it and the hub never sees it.
      await transport.publish(Topics.alerts, [{ key: 'junk', value: '{"id":' }]);
      await dashboardChannel(bus).send(record, 'opened', { deliveryId: 'd-1', signal: new AbortController().signal });
      const got = await all.next('alert');
      const expected: LiveAlert = {
        id: 'a-1', stream: 'acme', kind: record.kind, severity: record.severity, direction: record.direction, status: 'open', reason: record.reason,
        at: record.openedAt, updatedAt: record.updatedAt,
      };
      assert.deepEqual({ ...got }, { type: 'alert', ...expected });
      await sleep(200);
      assert.equal(other.of('alert').length, 0);
    } finally {
      await Promise.all([all.close(), other.close()]);
    }
  });
});
