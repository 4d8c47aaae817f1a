/**
 * Training jobs' pure parts: the held-back fifth of people's labels (by a hash of the id),
 * the child process's progress lines, the job's state moves, and the evaluation's figures.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrainingJob } from '../../lib/contracts/training-jobs.ts';
import { setFigures } from '../../lib/training/evaluate.ts';
import { heldBackText, isHeldBack, splitHeldBack } from '../../lib/training/held-back.ts';
import { canMove, moveJob } from '../../lib/training/job-state.ts';
import { LineSplitter, parseJobLine } from '../../lib/training/progress-lines.ts';

describe('held-back labels', () => {
  it('holds back about a fifth, the same ids every time', () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => `message-${i}`);
    const { train, heldBack } = splitHeldBack(ids.map((id) => ({ id })));
    assert.equal(train.length + heldBack.length, ids.length);
    assert.ok(Math.abs(heldBack.length / ids.length - 0.2) < 0.02, `${heldBack.length}`);
    assert.deepEqual(splitHeldBack(ids.map((id) => ({ id }))).heldBack, heldBack);
    for (const { id } of heldBack) assert.equal(isHeldBack(id), true);
    for (const { id } of train) assert.equal(isHeldBack(id), false);
  });
});

describe('held-back texts', () => {
  it('keeps a held-back label\'s text out under any other id: case and punctuation aside', () => {
    const isHeld = heldBackText([{ text: 'The battery dies in an hour!' }]);
    assert.equal(isHeld('the battery dies in an hour'), true);
    assert.equal(isHeld('THE BATTERY... dies in an hour :('), true);
    assert.equal(isHeld('The battery lasts all day'), false);
  });
});

describe('progress lines', () => {
  it('reads progress and result lines and ignores anything else', () => {
    assert.deepEqual(parseJobLine('{"type":"progress","progress":0.5,"phase":"epoch 1 of 2","dev":{"epoch":1,"accuracy":0.8,"macroRecall":0.7}}'), {
      type: 'progress', progress: 0.5, phase: 'epoch 1 of 2', dev: { epoch: 1, accuracy: 0.8, macroRecall: 0.7 },
    });
    assert.equal(parseJobLine('{"type":"result","version":"sha256:ab","name":"m","dir":"/m","data":{},"metrics":{}}')?.type, 'result');
    for (const line of ['', 'epoch 1/2: loss 0.3', '{"level":30,"msg":"model pool ready"}', '{"type":"progress","progress":1.5,"phase":"x"}', '{not json']) {
      assert.equal(parseJobLine(line), null, line);
    }
  });

  it('splits chunks into whole lines, a partial one kept for the next chunk', () => {
    const lines = new LineSplitter();
    assert.deepEqual(lines.push('{"a":1}\n{"b"'), ['{"a":1}']);
    assert.deepEqual(lines.push(':2}\n'), ['{"b":2}']);
    assert.deepEqual(lines.push('tail'), []);
    assert.deepEqual(lines.end(), ['tail']);
  });
});

describe('job states', () => {
  const at = '2026-12-06T00:00:00.000Z';
  const queued: TrainingJob = {
    id: 'j', state: 'queued', progress: 0, phase: 'queued', epochs: 2, sets: [], includeLabels: true, dev: null,
    modelVersion: null, reason: null, createdBy: 'e', createdAt: at, updatedAt: at,
  };
  const now = new Date('2026-12-06T00:01:00Z');

  it('runs, keeps progress from going back and the last dev figures, then finishes once', () => {
    const dev = { epoch: 1, accuracy: 0.8, macroRecall: 0.75 };
    let job = moveJob(queued, { state: 'running', progress: 0.5, phase: 'epoch 1 of 2', dev }, now);
    job = moveJob(job, { state: 'running', progress: 0.4, phase: 'epoch 2 of 2' }, now);
    assert.equal(job.progress, 0.5);
    assert.deepEqual(job.dev, dev);
    const done = moveJob(job, { state: 'succeeded', modelVersion: 'sha256:ab' }, now);
    assert.deepEqual([done.state, done.progress, done.modelVersion, done.updatedAt], ['succeeded', 1, 'sha256:ab', now.toISOString()]);
    assert.throws(() => moveJob(done, { state: 'running', progress: 1, phase: 'x' }, now), { code: 'CONFLICT' });
  });

  it('a finished job never moves; a queued one cannot succeed without running', () => {
    for (const end of ['succeeded', 'failed', 'cancelled'] as const) {
      for (const to of ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const) assert.equal(canMove(end, to), false);
    }
    assert.equal(canMove('queued', 'succeeded'), false);
    assert.equal(canMove('queued', 'cancelled'), true);
    const cancelled = moveJob(queued, { state: 'cancelled', reason: 'cancelled by e' }, now);
    assert.equal(cancelled.reason, 'cancelled by e');
  });
});

describe('evaluation figures', () => {
  const p = (label: 'negative' | 'neutral' | 'positive', score: number) => ({ label, score });

  it('gives per-class precision, recall and F1, accuracy and macro recall', () => {
    const truths = [{ label: 'negative' as const }, { label: 'negative' as const }, { label: 'neutral' as const }, { label: 'positive' as const }];
    const f = setFigures(truths, [p('negative', -0.9), p('neutral', 0), p('neutral', 0), p('negative', -0.2)]);
    assert.equal(f.n, 4);
    assert.equal(f.accuracy, 0.5);
    assert.deepEqual(f.classes.negative, { precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    assert.deepEqual(f.classes.neutral, { precision: 0.5, recall: 1, f1: 2 / 3, support: 1 });
    assert.deepEqual(f.classes.positive, { precision: 0, recall: 0, f1: 0, support: 1 });
    assert.equal(f.macroRecall, 0.5);
  });

  it('judges binary sets by the score\'s sign, neutral absent', () => {
    const f = setFigures([{ label: 'positive', binary: true }, { label: 'negative', binary: true }], [p('neutral', 0.1), p('neutral', 0)]);
    assert.equal(f.classes.neutral, undefined);
    assert.equal(f.classes.positive!.recall, 1);
    assert.equal(f.classes.negative!.recall, 0, 'a score of exactly 0 is wrong');
  });
});
