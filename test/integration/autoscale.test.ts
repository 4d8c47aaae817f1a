/**
 * In-process classifier members that follow the lag (embedded runtime: in-process bus, chdb):
 * a server with a low threshold and short delays gets more messages than one member keeps up
 * with; `pulse_classifier_members` goes up to max and the scale counter counts the step, then
 * after the drain and the cool-down it goes back down to min; every posted message is stored
 * exactly once, and the live status says how many members there are and why they last changed.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { WebSocket } from 'ws';
import type { Bus, Subscription } from '../../lib/bus/bus.ts';
import { createBus } from '../../lib/bus/index.ts';
import { startClassifierService } from '../../lib/classify/service.ts';
import { loadConfig } from '../../lib/config.ts';
import type { ServerEventOf } from '../../lib/contracts/live.ts';
import { createMetrics } from '../../lib/metrics.ts';
import type { Label } from '../../lib/sentiment.ts';
import type { Store } from '../../lib/store/index.ts';
import { noStreams } from '../../lib/streams/matcher.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { waitFor } from '../support/wait.ts';

const lagThreshold = 200;
const cooldownMs = 2000;

describe('in-process classifier members follow the lag', { timeout: 90_000 }, () => {
  let pulse: Pulse;
  let dataDir: string;
  const from = new Date(Date.now() - 60_000).toISOString();
  let posted = 0;

  const metric = async (name: string) => {
    const text = await (await fetch(`${pulse.url}/metrics`)).text();
    return Number(new RegExp(`^${name.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);
  };
  const members = () => metric('pulse_classifier_members');
  const stored = async () => {
    const res = await fetch(`${pulse.url}/api/stats?from=${from}&bucket=1h`);
    const body = (await res.json()) as { buckets: Array<{ count: number } & Record<Label, number>> };
    return body.buckets.reduce((sum, b) => sum + b.count, 0);
  };
  /** One POST of `n` messages; waits out a 429 / 503 as a sender should. */
  const post = async (n: number) => {
    const body = Array.from({ length: n }, (_, i) => ({ id: `scale-${posted + i}`, source: 'autoscale', text: `message ${posted + i}: the service was great today` }));
    for (;;) {
      const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (res.status === 202) break;
      assert.ok(res.status === 429 || res.status === 503, `ingest answered ${res.status}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    posted += n;
  };

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-autoscale-'));
    pulse = await startPulse(
      loadConfig({
        ...process.env,
        PORT: '0', HOST: '127.0.0.1', PULSE_DEMO: '0', PULSE_UI: '0', PULSE_DATA_DIR: dataDir, PULSE_MODEL_THREADS: '2',
        PULSE_BATCH_MAX: '100', PULSE_BATCH_WAIT_MS: '20',
        PULSE_EMBEDDED_CLASSIFIERS: '1', PULSE_EMBEDDED_CLASSIFIERS_MAX: '2',
        PULSE_SCALE_LAG: String(lagThreshold), PULSE_SCALE_UP_AFTER_MS: '500', PULSE_SCALE_COOLDOWN_MS: String(cooldownMs),
      }),
    );
  });

  after(async () => {
    await pulse?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds a member while the lag stays above the threshold', async () => {
    assert.equal(await members(), 1);
    // More than one member of width 4 works off: the lag builds up until the second member joins.
    const deadline = Date.now() + 30_000;
    while ((await members()) < 2) {
      assert.ok(Date.now() < deadline, `no step up within 30 s (${posted} messages posted)`);
      await post(1000);
    }
    assert.equal(await metric('pulse_classifier_scale_events_total{direction="up"}'), 1);
    const health = (await (await fetch(`${pulse.url}/api/health`)).json()) as { workers: { inProcess: number } };
    assert.equal(health.workers.inProcess, 2);
  });

  it('removes it after the drain and the cool-down, and stores every message exactly once', async () => {
    await waitFor(async () => (await stored()) >= posted, 60_000, 250);
    await waitFor(async () => (await members()) === 1, cooldownMs + 10_000, 100);
    assert.equal(await metric('pulse_classifier_scale_events_total{direction="down"}'), 1);
    assert.equal(await stored(), posted, 'each message counted once');
    // Inserted rows: a redelivered batch (a partition changing hands mid-batch) would be a duplicate, not a second row.
    assert.equal(await metric('pulse_classifier_messages_total{result="stored"}'), posted);
  });

  it('says in the live status how many members there are and why they last changed', async () => {
    const ws = new WebSocket(`${pulse.url.replace(/^http/, 'ws')}/ws`);
    const status = await new Promise<ServerEventOf<'status'>>((resolve, reject) => {
      ws.on('message', (data) => {
        const event = JSON.parse(data.toString()) as { type: string };
        if (event.type === 'status') resolve(event as ServerEventOf<'status'>);
      });
      ws.once('error', reject);
    });
    ws.close();
    assert.equal(status.classifiers?.members, 1);
    assert.equal(status.classifiers?.lastScale?.direction, 'down');
    assert.deepEqual([status.classifiers?.lastScale?.from, status.classifiers?.lastScale?.to], [2, 1]);
    assert.match(status.classifiers?.lastScale?.reason ?? '', /^lag [\d,]+ ≤ 200 for \d+\.\d s$/);
  });
});

describe('a stop during a scale step', { timeout: 60_000 }, () => {
  it('wins: the member that was joining is stopped before the stop resolves, and none joins after it', async () => {
    const inner = createBus({ kind: 'memory', durable: null });
    await inner.start();
    let joins = 0;
    let releaseJoin: () => void = () => undefined;
    const joinHeld = new Promise<void>((resolve) => (releaseJoin = resolve));
    const stopped: boolean[] = [];
    // The second join (the step up) waits until the service has begun to stop.
    const bus: Bus = {
      kind: inner.kind, start: () => inner.start(), publish: (t, r) => inner.publish(t, r), lag: (g, t) => inner.lag(g, t),
      logStatus: () => inner.logStatus(), close: () => inner.close(),
      consume: async (options) => {
        const n = joins++;
        if (n > 0) await joinHeld;
        const member = await inner.consume(options);
        stopped[n] = false;
        return { stop: async (o) => { await member.stop(o); stopped[n] = true; } } satisfies Subscription;
      },
    };
    const metrics = createMetrics();
    const config = loadConfig({ ...process.env, PULSE_MODEL_THREADS: '1' });
    // Nothing is published here: the members never get a batch to insert.
    // No champion promoted, no shadow: the configured model serves.
    const store = {
      messages: { insert: async () => ({ inserted: 0, duplicates: 0 }) },
      models: { championVersion: async () => null, shadow: async () => null },
    } as unknown as Pick<Store, 'messages' | 'models'>;
    const service = await startClassifierService(
      { config, bus, store, metrics, streams: noStreams },
      1,
      { lagThreshold: 10, upAfterMs: 0, cooldownMs: 60_000, max: 3, readings: { latest: { ok: true, lag: 1000, at: Date.now() } } },
    );
    await waitFor(() => joins === 2, 5_000);
    const stopping = service.stop({ graceMs: 1000 });
    releaseJoin();
    await stopping;
    assert.deepEqual(stopped, [true, true], 'both members stopped before the stop resolved');
    assert.equal(service.members, 0);
    assert.equal((await metrics.scaleEvents.get()).values.length, 0, 'the step that lost to the stop is not counted');
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(joins, 2, 'no member joined after the stop');
    await inner.close();
  });
});
