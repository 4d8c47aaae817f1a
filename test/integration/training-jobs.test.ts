/**
 * Training jobs over chdb, through the real child process and trainer (lib/training/jobs.ts →
 * job-process.ts → models/train/finetune.py): a tiny job (300 base rows, 1 epoch) with people's
 * labels and a set succeeds, registers a model the runtime loads with its evaluation beside the
 * champion's; one job at a time; cancellation kills the process and sticks.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Audit, type Actor } from '../../lib/audit.ts';
import { loadConfig } from '../../lib/config.ts';
import type { TrainedModelMetrics } from '../../lib/contracts/training-jobs.ts';
import { openStore, type Store } from '../../lib/store/index.ts';
import { isHeldBack } from '../../lib/training/held-back.ts';
import { TrainingJobs } from '../../lib/training/jobs.ts';
import { Classifier } from '../../models/runtime/classifier.ts';
import { waitFor } from '../support/wait.ts';

const editor: Actor = { principal: { kind: 'user', id: 'u-editor', email: 'editor@example.com' }, ip: '127.0.0.1' };

/** Finance-news sentences, the domain the shipped model reads worst. */
const domain = [
  ['Operating profit rose to EUR 13.1 mn from EUR 8.7 mn', 'positive'],
  ['Net sales decreased by 5 % compared with the previous year', 'negative'],
  ['The company is headquartered in Helsinki', 'neutral'],
  ['Shares fell 3 % after the profit warning', 'negative'],
  ['The order is worth about EUR 2 mn', 'neutral'],
  ['Earnings per share increased to EUR 0.45', 'positive'],
] as const;

describe('training jobs (chdb, real trainer)', { timeout: 240_000 }, () => {
  let store: Store;
  let dataDir: string;
  let jobs: TrainingJobs;

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-training-jobs-'));
    const config = loadConfig({ ...process.env, PULSE_DATA_DIR: dataDir, PULSE_DEVICE: 'cpu' });
    store = await openStore(config.store);
    const at = new Date().toISOString();
    await store.labels.append(
      Array.from({ length: 60 }, (_, i) => {
        const [text, label] = domain[i % domain.length]!;
        return { messageId: `m-${i}`, ts: at, at, label, modelLabel: 'neutral', model: 'sha256:x', text: `${text} (${i})`, by: { kind: 'user', id: 'u', name: 'u@example.com' } };
      }),
    );
    const set = { id: 'set-1', name: 'finance', domain: 'finance', format: 'csv' as const, rows: 2, refused: 0, createdAt: at, createdBy: 'u@example.com' };
    await store.trainingSets.insert({ set, refusals: [] }, [{ line: 2, text: 'Revenue grew strongly', label: 'positive' }, { line: 3, text: 'The loss widened', label: 'negative' }]);
    jobs = new TrainingJobs(
      { jobs: store.trainingJobs, models: store.models, sets: store.trainingSets, audit: new Audit(store.audit) },
      { modelsDir: config.modelsDir, datasetsDir: config.datasetsDir, model: config.model, baseRows: 300, evalRows: 100 },
    );
  });

  after(async () => {
    await jobs?.stop();
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('trains on labels and a set, one job at a time, and registers a model the runtime loads', async () => {
    const started = Date.now();
    const job = await jobs.start(editor, { sets: ['set-1'], includeLabels: true, epochs: 1 });
    assert.equal(job.state, 'queued');
    await assert.rejects(jobs.start(editor, { sets: [], includeLabels: true, epochs: 1 }), { code: 'CONFLICT' });
    await jobs.settled();
    const done = await jobs.get(job.id);
    assert.equal(done.state, 'succeeded', done.reason ?? '');
    assert.equal(done.progress, 1);
    assert.ok(done.dev && done.dev.epoch >= 0, 'the last epoch\'s dev figures are kept');
    assert.ok(Date.now() - started < 120_000, `took ${Date.now() - started} ms`);

    const model = await store.models.get(done.modelVersion!);
    assert.ok(model);
    assert.equal(model.source, 'trained');
    assert.equal(model.createdBy, 'editor@example.com');
    const heldBack = Array.from({ length: 60 }, (_, i) => `m-${i}`).filter(isHeldBack).length;
    assert.deepEqual(model.data.peopleLabels, { trained: 60 - heldBack, heldBack });
    const metrics = model.metrics as unknown as TrainedModelMetrics;
    assert.deepEqual(metrics.comparisons.map((c) => c.set), ['held-back labels', 'tweeteval-val', 'sst2-dev', 'airline-dev']);
    assert.equal(metrics.comparisons[0]!.challenger.n, heldBack);
    assert.ok(metrics.comparisons[1]!.champion.classes.neutral!.f1 > 0);
    assert.equal(metrics.comparisons[2]!.challenger.classes.neutral, undefined, 'SST-2 is judged negative vs positive only');

    const classifier = await Classifier.load({ ...loadConfig({ MODEL_DIR: model.dir, PULSE_DEVICE: 'cpu' }).model });
    try {
      assert.equal((await classifier.classify(['profits rose', 'the loss widened'])).length, 2);
    } finally {
      await classifier.close();
    }
    const audit = await store.audit.list({ limit: 50 });
    const actions = audit.entries.map((e) => e.action);
    assert.ok(actions.includes('training-job.start') && actions.includes('training-job.finish'), actions.join());
  });

  it('cancels a running job: its process is killed and it stays cancelled', async () => {
    const job = await jobs.start(editor, { sets: [], includeLabels: true, epochs: 3 });
    await waitFor(async () => (await jobs.get(job.id)).state === 'running', 60_000, 100);
    const cancelled = await jobs.cancel(editor, job.id);
    assert.equal(cancelled.state, 'cancelled');
    assert.match(cancelled.reason ?? '', /editor@example\.com/);
    await jobs.settled();
    await new Promise((r) => setTimeout(r, 1500)); // a late line would have been stored by now
    assert.equal((await jobs.get(job.id)).state, 'cancelled');
    await assert.rejects(jobs.cancel(editor, job.id), { code: 'CONFLICT' });
    assert.deepEqual(fs.readdirSync(path.join(dataDir, 'models', '.jobs')), [], 'the scratch folder is removed');
  });
});
