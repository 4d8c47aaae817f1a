/**
 * Training jobs over chdb, queued through the API's side (lib/training/jobs.ts) and run by a
 * separate trainer, as a `workers/trainer.ts` process would run them (lib/training/runner.ts →
 * job-process.ts → models/train/finetune.py): a tiny job (300 base rows, 5 epochs of ~6 steps:
 * fewer leave the finance sentences the shipped model reads neutral unmoved, and the job rightly
 * fails as no better than its base) with people's labels and a set succeeds, registers a model
 * the runtime loads with its evaluation beside the champion's; one job at a time; a cancel asked through another server's API reaches the
 * trainer, kills the process and sticks; one asked while no trainer runs is answered unsettled
 * and applied by the next trainer; a trainer's start fails the job a previous one left running,
 * with the reason, and runs the queued one.
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
import { leftRunningReason, TrainingRunner } from '../../lib/training/runner.ts';
import type { TrainingJob } from '../../lib/contracts/training-jobs.ts';
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
  /** A second server's API over the same store. */
  let otherServer: TrainingJobs;
  let runner: TrainingRunner | undefined;
  let startRunner: () => Promise<TrainingRunner>;
  const finished = async (id: string, timeoutMs: number): Promise<TrainingJob> => {
    await waitFor(async () => !['queued', 'running'].includes((await jobs.get(id)).state), timeoutMs, 200);
    return jobs.get(id);
  };

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
    const audit = new Audit(store.audit);
    jobs = new TrainingJobs({ jobs: store.trainingJobs, sets: store.trainingSets, audit });
    otherServer = new TrainingJobs({ jobs: store.trainingJobs, sets: store.trainingSets, audit });
    startRunner = () => TrainingRunner.start(
      { jobs: store.trainingJobs, models: store.models, audit },
      { modelsDir: config.modelsDir, datasetsDir: config.datasetsDir, model: config.model, baseRows: 300, evalRows: 100, pollMs: 200 },
    );
    runner = await startRunner();
  });

  after(async () => {
    await runner?.stop();
    await store?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('trains on labels and a set, one job at a time, and registers a model the runtime loads', async () => {
    const started = Date.now();
    const job = await jobs.start(editor, { sets: ['set-1'], includeLabels: true, epochs: 5 });
    assert.equal(job.state, 'queued');
    await assert.rejects(jobs.start(editor, { sets: [], includeLabels: true, epochs: 1 }), { code: 'CONFLICT' });
    await assert.rejects(otherServer.start(editor, { sets: [], includeLabels: true, epochs: 1 }), { code: 'CONFLICT' }, 'one job in the whole deployment');
    const done = await finished(job.id, 120_000);
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

  it('cancels a running job through another server\'s API: the trainer kills its process and it stays cancelled', async () => {
    const job = await jobs.start(editor, { sets: [], includeLabels: true, epochs: 3 });
    await waitFor(async () => (await jobs.get(job.id)).progress > 0, 60_000, 100);
    const { job: cancelled, settled } = await otherServer.cancel(editor, job.id);
    assert.equal(settled, true);
    assert.equal(cancelled.state, 'cancelled');
    assert.match(cancelled.reason ?? '', /editor@example\.com/);
    await new Promise((r) => setTimeout(r, 1500)); // a late line would have been stored by now
    assert.equal((await jobs.get(job.id)).state, 'cancelled');
    await assert.rejects(jobs.cancel(editor, job.id), { code: 'CONFLICT' });
    assert.deepEqual(fs.readdirSync(path.join(dataDir, 'models', '.jobs')), [], 'the scratch folder is removed');
  });

  it('answers a cancel unsettled while no trainer runs; the next trainer cancels the job without running it', async () => {
    await runner!.stop();
    runner = undefined;
    const job = await jobs.start(editor, { sets: [], includeLabels: true, epochs: 1 });
    const quick = new TrainingJobs({ jobs: store.trainingJobs, sets: store.trainingSets, audit: new Audit(store.audit) }, { cancelWaitMs: 300, cancelPollMs: 100 });
    const answer = await quick.cancel(editor, job.id);
    assert.deepEqual([answer.settled, answer.job.state], [false, 'queued']);
    runner = await startRunner();
    const done = await finished(job.id, 10_000);
    assert.equal(done.state, 'cancelled');
    assert.match(done.reason ?? '', /editor@example\.com/);
    assert.equal(done.dev, null, 'it never ran');
  });

  it('fails at a trainer\'s start only the job a previous trainer left running, and runs the queued one', async () => {
    await runner!.stop();
    runner = undefined;
    const at = (s: number) => new Date(Date.now() - s * 1000).toISOString();
    const base = { progress: 0.4, phase: 'epoch 1 of 2', epochs: 2, sets: [], includeLabels: true, dev: null, modelVersion: null, reason: null, createdBy: 'editor@example.com' };
    const left: TrainingJob = { ...base, id: 'left-running', state: 'running', createdAt: at(60), updatedAt: at(30) };
    const queued: TrainingJob = { ...base, id: 'queued-next', state: 'queued', progress: 0, phase: 'queued', createdAt: at(10), updatedAt: at(10) };
    await store.trainingJobs.save({ job: left, revision: 3 });
    await store.trainingJobs.save({ job: queued, revision: 1 });
    runner = await startRunner();
    const failed = await jobs.get(left.id);
    assert.deepEqual([failed.state, failed.reason], ['failed', leftRunningReason]);
    // The queued one runs: its process reports progress (then it is cancelled, to keep the test short).
    await waitFor(async () => (await jobs.get(queued.id)).progress > 0, 60_000, 100);
    assert.equal((await jobs.get(queued.id)).state, 'running');
    assert.equal((await jobs.cancel(editor, queued.id)).job.state, 'cancelled');
  });
});
