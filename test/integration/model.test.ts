import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Worker } from 'node:worker_threads';
import { loadConfig } from '../../lib/config.ts';
import { isPulseError } from '../../lib/errors.ts';
import { repoRoot } from '../../lib/paths.ts';
import { Classifier } from '../../models/runtime/classifier.ts';
import { InferenceThreadName, ModelPool } from '../../models/runtime/pool.ts';

const run = promisify(execFile);

const obvious: Array<[string, 'negative' | 'neutral' | 'positive']> = [
  ['I love this phone, it is absolutely amazing!', 'positive'],
  ['Thank you so much, best service ever :)', 'positive'],
  ['This is the worst airline, they lost my bag and were rude.', 'negative'],
  ['I hate waiting on hold for two hours, terrible support', 'negative'],
  ['The meeting is scheduled for Tuesday at 3pm.', 'neutral'],
  ['The new store opens on Main Street next week.', 'neutral'],
];

describe('shipped model', () => {
  let pool: ModelPool;
  before(async () => {
    pool = await ModelPool.start({ ...loadConfig({ PULSE_MODEL_THREADS: '2', PULSE_MODEL_BATCH: '16' }).model });
  });
  after(() => pool.close());

  it('loads on the CPU provider with three labels', () => {
    assert.equal(pool.size, 2);
    assert.equal(pool.info.provider, 'cpu');
    assert.deepEqual(pool.info.classes, ['negative', 'neutral', 'positive']);
  });

  it('names its inference threads, so that the OS tells them from Node\'s other threads', { skip: process.platform !== 'linux' }, () => {
    const names = fs.readdirSync('/proc/self/task').map((tid) => fs.readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim());
    // At least one per thread of the pool: threads ONNX Runtime starts from one inherit its name.
    assert.ok(names.filter((n) => n === InferenceThreadName).length >= pool.size, names.join(', '));
  });

  it('classifies obvious sentences correctly', async () => {
    const predictions = await pool.classify(obvious.map(([t]) => t));
    predictions.forEach((p, i) => assert.equal(p.label, obvious[i]![1], obvious[i]![0]));
  });

  it('keeps input order across batches and threads, matching one classifier', async () => {
    const texts = Array.from({ length: 203 }, (_, i) => `${obvious[i % obvious.length]![0]} #${i} ${'really '.repeat(i % 7)}`);
    const pooled = await pool.classify(texts);
    const single = await Classifier.load(loadConfig({ PULSE_DEVICE: 'cpu' }).model);
    try {
      const direct = await single.classify(texts);
      assert.equal(pooled.length, texts.length);
      pooled.forEach((p, i) => {
        assert.equal(p.label, direct[i]!.label);
        assert.ok(Math.abs(p.score - direct[i]!.score) < 1e-5);
      });
    } finally {
      await single.close();
    }
  });

  it('fails only the batch of a thread that dies, and replaces the thread', async () => {
    const slots = (pool as unknown as { slots: Array<{ worker: Worker; jobs: unknown[] }> }).slots;
    const victim = slots[0]!.worker;
    const texts = Array.from({ length: 64 }, (_, i) => `message number ${i}`);
    // The thread's death is delivered as the pool sees it, its 'exit' event, while the batch runs
    // on it. Terminating a thread in the middle of ONNX Runtime's native run() aborts the whole
    // process (a Napi::Error thrown into a torn-down environment), so the real thread finishes its
    // runs unheard (it was sent more than one) and is terminated once it answered them all.
    const inFlight = pool.classify(texts);
    const sent = slots[0]!.jobs.length;
    const finished = new Promise<void>((resolve) => {
      let answered = 0;
      victim.on('message', () => ++answered === sent && resolve());
    });
    victim.emit('exit', 1);
    await assert.rejects(inFlight, (e) => isPulseError(e, 'MODEL_INFERENCE_FAILED'));
    await finished;
    victim.removeAllListeners('exit'); // its real exit is not news to the pool
    await victim.terminate();
    const deadline = Date.now() + 30_000;
    while ((pool.size < 2 || slots.some((s) => s.worker === victim)) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(pool.size, 2);
    assert.ok(!slots.some((s) => s.worker === victim), 'the dead thread is gone');
    assert.equal((await pool.classify(texts)).length, 64);
  });

  it('sends each thread its next run while it works on one, and merges the small requests queued behind them into one batch, each caller getting its own predictions', async () => {
    const slots = (pool as unknown as { slots: Array<{ worker: Worker }> }).slots;
    const runs: number[] = [];
    const spies = slots.map((slot) => {
      const post = slot.worker.postMessage.bind(slot.worker);
      slot.worker.postMessage = (msg: { texts: string[] }) => (runs.push(msg.texts.length), post(msg));
      return () => void (slot.worker.postMessage = post);
    });
    try {
      const busy = pool.classify(Array.from({ length: 64 }, (_, i) => `keeping both threads busy ${i}`));
      assert.deepEqual(runs, [16, 16, 16, 16], 'two runs a thread sent at once, before any answer');
      const small = [0, 1, 2].map((k) => obvious.slice(k, k + 4).map(([t]) => t));
      const merged = await Promise.all(small.map((texts) => pool.classify(texts)));
      await busy;
      assert.deepEqual(runs.slice(4), [12], 'the three requests of 4 ran as one batch');
      for (const [k, texts] of small.entries()) {
        const alone = await pool.classify(texts);
        assert.deepEqual(merged[k]!.map((p) => p.label), alone.map((p) => p.label), `request ${k} got its own predictions`);
      }
    } finally {
      spies.forEach((restore) => restore());
    }
  });

  it('runs the requests of a failed merged batch again one by one: one caller does not fail another', async () => {
    const slots = (pool as unknown as { slots: Array<{ worker: Worker }> }).slots;
    let mergedRuns = 0;
    // The merged run fails in its thread, as a poisonous text would: it reaches the thread as
    // values that are no text. (The thread answers in turn, after the run before it.)
    const spies = slots.map((slot) => {
      const post = slot.worker.postMessage.bind(slot.worker);
      slot.worker.postMessage = (msg: { id: number; texts: unknown[] }) => {
        if (msg.texts.length !== 2) return post(msg);
        mergedRuns++;
        post({ ...msg, texts: [null, null] });
      };
      return () => void (slot.worker.postMessage = post);
    });
    try {
      const busy = pool.classify(Array.from({ length: 64 }, (_, i) => `keeping both threads busy ${i}`));
      const [love, hate] = await Promise.all([pool.classify(['I love it']), pool.classify(['I hate it'])]);
      await busy;
      assert.equal(mergedRuns, 1, 'the two requests ran merged once');
      assert.equal(love![0]!.label, 'positive');
      assert.equal(hate![0]!.label, 'negative');
    } finally {
      spies.forEach((restore) => restore());
    }
  });

  it('classifies edge-case inputs without failing', async () => {
    const predictions = await pool.classify(['', '😀😀😀', 'x'.repeat(10_000), 'Das ist großartig', 'bad \uD800 input']);
    assert.equal(predictions.length, 5);
    for (const p of predictions) assert.ok(p.confidence > 0 && p.confidence <= 1);
  });
});

describe('classify CLI', () => {
  const cli = path.join(repoRoot, 'models', 'classify.ts');
  const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');

  it('prints exactly one JSON object per input line, in order', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-cli-')), 'in.txt');
    fs.writeFileSync(file, obvious.map(([t]) => t).join('\n') + '\n');
    const { stdout } = await run(tsx, [cli, '--file', file], { env: { ...process.env, LOG_LEVEL: 'silent' } });
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines.length, obvious.length);
    lines.forEach((line, i) => {
      const parsed = JSON.parse(line);
      assert.deepEqual(Object.keys(parsed), ['label', 'probs']);
      assert.deepEqual(Object.keys(parsed.probs), ['negative', 'neutral', 'positive']);
      assert.equal(parsed.label, obvious[i]![1]);
    });
  });

  it('classifies a single text argument', async () => {
    const { stdout } = await run(tsx, [cli, 'what a wonderful day']);
    assert.equal(JSON.parse(stdout).label, 'positive');
  });

  it('exits non-zero with a clear message on a missing file or model', async () => {
    await assert.rejects(run(tsx, [cli, '--file', '/no/such/file.txt']), (e: { code: number; stderr: string }) => e.code === 1 && /input file not found/.test(e.stderr));
    await assert.rejects(
      run(tsx, [cli, 'hello'], { env: { ...process.env, MODEL_DIR: '/no/such/model' } }),
      (e: { code: number; stderr: string }) => e.code === 1 && /MODEL_NOT_FOUND.*\/no\/such\/model/.test(e.stderr),
    );
  });
});
