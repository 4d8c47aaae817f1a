import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { windowRows } from '../../harness/anomaly/nab-corpus.ts';
import {
  bestThreshold,
  normalizedScore,
  probationLength,
  scaledSigmoid,
  scoreAt,
  scoresByThreshold,
  sweepRows,
  type CostMatrix,
  type ScoredFile,
} from '../../harness/anomaly/nab-score.ts';

const standard: CostMatrix = { tpWeight: 1, fpWeight: 0.11, fnWeight: 1, tnWeight: 1 };
const maxTp = scaledSigmoid(-1);
const close = (actual: number, expected: number, what = '') => assert.ok(Math.abs(actual - expected) < 1e-9, `${what} ${actual} ≠ ${expected}`);

/** 40 rows (probation: the first 6), one window over rows 20…29; detections where given. */
function file(detections: number[], windows: Array<[number, number]> = [[20, 29]]): ScoredFile {
  const scores = new Float64Array(40);
  for (const i of detections) scores[i] = 1;
  return { name: 'f.csv', scores, windows };
}

/** Raw score of a file at threshold 1 (detections are the rows set to 1). */
const raw = (f: ScoredFile, cost = standard) => scoreAt(sweepRows(f, cost), cost, 1).score;

describe('NAB scaled sigmoid', () => {
  it('is +0.987 at the left edge of a window, 0 at the right edge, −0.987 one window past it, −1 from 3 on', () => {
    close(scaledSigmoid(-1), 2 / (1 + Math.exp(-5)) - 1);
    close(scaledSigmoid(-1), 0.9866142981514305);
    close(scaledSigmoid(0), 0);
    close(scaledSigmoid(1), -0.9866142981514305);
    assert.equal(scaledSigmoid(3), -1);
    assert.equal(scaledSigmoid(10), -1);
  });

  it('probation is 15 % of a file, at most 750 rows', () => {
    assert.equal(probationLength(40), 6);
    assert.equal(probationLength(4032), 604);
    assert.equal(probationLength(22_695), 750);
  });
});

describe('NAB scoring of one file', () => {
  it('a missed window costs fnWeight; nothing detected in a file without windows scores 0', () => {
    close(raw(file([])), -1);
    close(raw(file([], [])), 0);
  });

  it('a detection at the left edge earns the full tpWeight, at the right edge much less', () => {
    close(raw(file([20])), 1);
    close(raw(file([29])), scaledSigmoid(-1 / 10) / maxTp, 'right edge: position −1/width');
    close(raw(file([25])), scaledSigmoid(-5 / 10) / maxTp);
  });

  it('only the earliest detection in a window counts', () => {
    close(raw(file([25, 29])), raw(file([25])));
    close(raw(file([22, 25, 28])), raw(file([22])));
  });

  it('a detection before any window costs the full fpWeight, one after a window less the closer it is', () => {
    close(raw(file([10])), -1 - 0.11);
    // Two rows past the right edge: position 2 / (width − 1).
    close(raw(file([20, 31])), 1 + 0.11 * scaledSigmoid(2 / 9));
    assert.ok(raw(file([20, 31])) > raw(file([20, 38])), 'a late detection costs less than a far one');
  });

  it('ignores everything in the probation period', () => {
    close(raw(file([0, 3, 5])), -1);
    close(raw(file([6])), -1 - 0.11, 'row 6 is the first scored row');
  });

  it('profiles weigh misses and false positives differently', () => {
    const lowFn: CostMatrix = { tpWeight: 1, fpWeight: 0.11, fnWeight: 2, tnWeight: 1 };
    const lowFp: CostMatrix = { tpWeight: 1, fpWeight: 0.22, fnWeight: 1, tnWeight: 1 };
    close(raw(file([]), lowFn), -2);
    close(raw(file([10]), lowFp), -1 - 0.22);
  });
});

describe('NAB threshold sweep and normalisation', () => {
  it('scores every distinct threshold and picks the best one', () => {
    // Row 21 (in the window) scores 0.9, an early false positive 0.95, noise 0.1.
    const scores = new Float64Array(40).fill(0.1);
    scores[12] = 0.95;
    scores[21] = 0.9;
    const rows = sweepRows({ name: 'f', scores, windows: [[20, 29]] }, standard);
    const sweep = scoresByThreshold(rows, standard);
    assert.deepEqual(
      sweep.map((s) => s.threshold),
      [1.1, 0.95, 0.9, 0.1],
    );
    close(sweep[0]!.score, -1, 'nothing detected');
    close(sweep[1]!.score, -1 - 0.11, 'only the false positive');
    close(sweep[2]!.score, scaledSigmoid(-9 / 10) / maxTp - 0.11);
    const best = bestThreshold(sweep);
    assert.equal(best.threshold, 0.9);
    assert.equal(best.tp, 1);
    assert.equal(best.fp, 1);
    // A threshold between two scores behaves as the next score above it.
    close(scoreAt(rows, standard, 0.92).score, sweep[1]!.score);
  });

  it('sweeps several files together with their own windows', () => {
    const a = sweepRows(file([20]), standard, 0);
    const b = sweepRows(file([]), standard, 1);
    close(bestThreshold(scoresByThreshold([...a, ...b], standard)).score, 1 - 1);
  });

  it('normalises so that the null detector scores 0 and the perfect one 100', () => {
    const windows = 3;
    const nullScore = -windows * standard.fnWeight;
    close(normalizedScore(nullScore, nullScore, windows, standard), 0);
    close(normalizedScore(windows * standard.tpWeight, nullScore, windows, standard), 100);
    close(normalizedScore(0, nullScore, windows, standard), 50);
  });

  it('maps window times to rows as NAB does: the first row with that exact time', () => {
    const times = [0, 5, 10, 15, 10, 15, 20];
    assert.deepEqual(windowRows(times, 5, 15), [1, 3]);
    assert.deepEqual(windowRows(times, 6, 19), [2, 5], 'edges between rows: first row after the start, last before the end');
    assert.equal(windowRows(times, 21, 30), null);
  });
});
