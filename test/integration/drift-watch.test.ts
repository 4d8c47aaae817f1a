/**
 * The drift watch on real ClickHouse SQL (chdb): a reference taken from the champion's first
 * messages of a stream, an hour like it read as steady, a run of drifting readings that opens a
 * model_drift alert only after the hold, its resolution when the stream looks like the
 * reference again, and the resolution of an open alert when another model takes over.
 * Scored rows are written directly with the confidences each phase needs; texts are real tweets.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Alert, AlertEvent } from '../../lib/alerts/alert.ts';
import { loadConfig, type DriftConfig } from '../../lib/config.ts';
import { readDataset } from '../../lib/datasets.ts';
import { driftStatus } from '../../lib/drift/status.ts';
import { servingModel } from '../../lib/drift/serving.ts';
import { DriftWatch } from '../../lib/drift/watch.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import { predictionFromProbs, type Label } from '../../lib/sentiment.ts';
import { openStore, type Store } from '../../lib/store/index.ts';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-drift-'));
const config = loadConfig({ PULSE_DATA_DIR: dataDir });
const minute = 60_000;
const drift: DriftConfig = { psi: 0.2, checkMs: minute, windowMs: 10 * minute, holdMs: 2 * minute, referenceMessages: 200, minMessages: 50 };
const tweets = readDataset(config.datasetsDir, 'tweeteval-val');
const base = Math.floor(Date.now() / minute) * minute - 3 * 3_600_000;

/** A deterministic spread in [0, 1). */
const spread = (i: number) => ((i * 0.6180339887) % 1 + 1) % 1;

describe('drift watch (chdb)', () => {
  let store: Store;
  let model: string;
  let now = base;
  const events: Array<{ alert: Alert; event: AlertEvent }> = [];
  let watch: DriftWatch;
  let next = 0;

  /** `n` messages of stream acme spread over [from, to), confidences in [low, high), scored by `model`. */
  async function insert(n: number, from: number, to: number, low: number, high: number): Promise<void> {
    const rows: ScoredMessage[] = Array.from({ length: n }, (_, k) => {
      const i = next++;
      const tweet = tweets[i % tweets.length]!;
      const confidence = low + (high - low) * spread(i);
      const rest = (1 - confidence) / 2;
      const probs = Object.fromEntries((['negative', 'neutral', 'positive'] as Label[]).map((l) => [l, l === tweet.label ? confidence : rest])) as Record<Label, number>;
      const ts = new Date(from + Math.floor(((to - from) * k) / n)).toISOString();
      return { id: `d${i}`, ts, receivedAt: ts, source: 'drift', text: tweet.text, ...predictionFromProbs(probs), model, streams: ['acme'], classifiedAt: ts };
    });
    await store.messages.insert(rows);
  }

  const stream = { id: 'acme', name: 'Acme launch', channels: [] };

  before(async () => {
    store = await openStore(config.store);
    model = (await servingModel(store.models, config.model.dir)).label;
    watch = new DriftWatch({
      drift: store.drift, alerts: store.alerts, models: store.models, model: config.model, config: drift,
      streams: () => [stream], notify: (alert, event) => events.push({ alert, event }), now: () => now,
    });
  });
  after(async () => {
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 5 });
  });

  const latest = async () => (await store.drift.latest(model)).find((r) => r.stream === 'acme')!;

  it('takes the reference from the champion\'s first messages, and reads a like hour as steady', async () => {
    await insert(400, base - 30 * minute, base - 20 * minute, 0.6, 1);
    await watch.check();
    const references = await store.drift.references(model);
    assert.equal(references.get('acme')?.profile.messages, 400);
    assert.ok(references.get('acme')!.profile.words > 1000, 'the sampled texts\' words were counted');
    assert.equal((await latest()).state, 'few', 'no messages in the window yet');

    await insert(300, base, base + 5 * minute, 0.6, 1);
    now = base + 5 * minute;
    await watch.check();
    const steady = await latest();
    assert.equal(steady.state, 'steady');
    assert.ok(steady.psiConfidence < 0.1 && steady.psiUnknown < 0.1 && steady.psiLabels < 0.1, JSON.stringify(steady));
  });

  it('opens a model_drift alert only once the drift held for the hold time, and resolves it when the stream is back', async () => {
    await insert(300, base + 5 * minute, base + 15 * minute, 0.34, 0.6);
    for (const at of [15, 16]) {
      now = base + at * minute;
      await watch.check();
      assert.equal((await latest()).state, 'drifting');
      assert.equal(events.length, 0, `no alert at minute ${at}: the drift has not held ${drift.holdMs / minute} minutes`);
    }
    now = base + 17 * minute;
    await watch.check();
    assert.deepEqual(events.map((e) => e.event), ['opened']);
    const { alert } = events[0]!;
    assert.equal(alert.kind, 'model_drift');
    assert.equal(alert.stream, 'acme');
    assert.equal(alert.drift?.model, model);
    assert.ok(alert.drift!.psi.confidence > 1, `confidence PSI ${alert.drift!.psi.confidence}`);
    assert.equal(alert.severity, 'critical');
    assert.match(alert.reason, /reads 'Acme launch' unlike its reference for 2 min: confidence PSI/);
    assert.equal(alert.examples.length, 5);
    assert.equal((await store.alerts.get(alert.id))?.status, 'open');

    const status = await driftStatus({ drift: store.drift, alerts: store.alerts, models: store.models, configuredModelDir: config.model.dir, config: drift, streamNames: () => new Map([['acme', 'Acme launch']]), now: () => now });
    const row = status.streams.find((s) => s.stream === 'acme')!;
    assert.equal(row.state, 'drifting');
    assert.equal(row.alertId, alert.id);
    assert.equal(row.driftingSince, new Date(base + 15 * minute).toISOString());

    await insert(300, base + 17 * minute, base + 30 * minute, 0.6, 1);
    now = base + 30 * minute;
    await watch.check();
    assert.deepEqual(events.map((e) => e.event), ['opened', 'resolved']);
    assert.match(events[1]!.alert.reason, /reads like the model's reference again/);
    assert.equal((await store.alerts.get(alert.id))?.status, 'resolved');
  });

  it('resolves an open drift alert when another model takes over, and starts that model\'s own reference', async () => {
    await insert(300, base + 30 * minute, base + 45 * minute, 0.34, 0.6);
    for (const at of [45, 46, 47]) {
      now = base + at * minute;
      await watch.check();
    }
    assert.deepEqual(events.map((e) => e.event), ['opened', 'resolved', 'opened']);
    const open = events[2]!.alert;

    const shipped = (await servingModel(store.models, config.model.dir)).dir;
    await store.models.register({ version: 'sha256:drifttest0001', name: 'acme-tuned', dir: shipped, source: 'trained', createdBy: 'test', data: {}, metrics: {} });
    await store.models.promote('sha256:drifttest0001', 'test');
    now = base + 48 * minute;
    await watch.check();
    assert.deepEqual(events.map((e) => e.event), ['opened', 'resolved', 'opened', 'resolved']);
    assert.equal(events[3]!.alert.id, open.id);
    assert.match(events[3]!.alert.reason, /no longer serves 'Acme launch' \(acme-tuned@sha256:drifttest0001 does/);
    const reading = (await store.drift.latest('acme-tuned@sha256:drifttest0001')).find((r) => r.stream === 'acme');
    assert.equal(reading?.state, 'reference', 'the new model has scored none of the stream yet');
  });
});
