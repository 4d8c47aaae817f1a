/**
 * The Numenta Anomaly Benchmark's scoring rules (NAB v1.1, nab/sweeper.py), so that a score
 * printed here can be compared with the published scoreboard:
 *
 * - each labelled anomaly has a window around it; the first 15 % of every file (at most 750
 *   rows) is probation, where nothing counts;
 * - a detection is a row whose anomaly score reaches the threshold. Inside a window only the
 *   earliest detection counts, weighted by a scaled sigmoid of its position (≈ 1 at the left
 *   edge, 0 at the right edge, so early is better); a window without one costs fnWeight;
 * - every detection outside a window costs fpWeight, scaled by the same sigmoid of its
 *   distance past the previous window (a late detection of the last anomaly costs little, a
 *   detection far from any anomaly costs the full fpWeight);
 * - the threshold is the one that maximises the corpus total, per profile (NAB's optimiser:
 *   a sweep over every distinct anomaly score), and the total is normalised so the null
 *   detector (never detects) scores 0 and the perfect one (detects every window at its left
 *   edge, nothing else) scores 100.
 */

export interface CostMatrix {
  tpWeight: number;
  fpWeight: number;
  fnWeight: number;
  tnWeight: number;
}

export interface Profile {
  name: string;
  costMatrix: CostMatrix;
}

/** A labelled file: anomaly scores per row and its windows as [first, last] row indices. */
export interface ScoredFile {
  name: string;
  scores: ArrayLike<number>;
  windows: ReadonlyArray<readonly [number, number]>;
}

/** One scorable (post-probation) row, ready for the threshold sweep. */
export interface SweepRow {
  score: number;
  /** What a detection here adds: tp weight inside a window, a (negative) fp weight outside. */
  weight: number;
  /** Corpus-wide window id, or −1 outside windows. */
  window: number;
}

export interface ThresholdScore {
  threshold: number;
  score: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

/** 2·sigmoid(−5x) − 1: +0.987 at −1 (left edge of a window), 0 at the right edge, −0.987 at +1. */
export function scaledSigmoid(position: number): number {
  return position >= 3 ? -1 : 2 / (1 + Math.exp(5 * position)) - 1;
}

export const probationFraction = 0.15;

export function probationLength(rows: number): number {
  return Math.min(Math.floor(probationFraction * rows), probationFraction * 5000);
}

/**
 * Weights of every scorable row of a file (sweeper.calcSweepScore). Window ids start at
 * `firstWindowId`, so that the rows of many files can be swept together.
 */
export function sweepRows(file: ScoredFile, cost: CostMatrix, firstWindowId = 0): SweepRow[] {
  const n = file.scores.length;
  const probation = probationLength(n);
  const maxTp = scaledSigmoid(-1);
  const rows: SweepRow[] = [];
  let w = 0;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const win = file.windows[w];
    const inside = win !== undefined && i >= win[0] && i <= win[1];
    let weight: number;
    if (inside) {
      const width = win[1] - win[0] + 1;
      weight = (scaledSigmoid(-(win[1] - i + 1) / width) * cost.tpWeight) / maxTp;
    } else {
      // NAB divides by (width − 1); a one-row window would divide by 0, so it counts as 1.
      const position = prevRight < 0 ? 3 : Math.abs(prevRight - i) / Math.max(1, prevWidth - 1);
      weight = scaledSigmoid(position) * cost.fpWeight;
    }
    if (i >= probation) rows.push({ score: file.scores[i]!, weight, window: inside ? firstWindowId + w : -1 });
    if (inside && i === win[1]) {
      prevRight = i;
      prevWidth = win[1] - win[0] + 1;
      w++;
    }
  }
  return rows;
}

/**
 * The score at every threshold (sweeper.calcScoreByThreshold): rows sorted by anomaly score,
 * highest first; lowering the threshold past a row makes it a detection. Answers one entry
 * per distinct score, plus the threshold 1.1 that detects nothing, highest threshold first.
 */
export function scoresByThreshold(rows: readonly SweepRow[], cost: CostMatrix): ThresholdScore[] {
  const sorted = [...rows].sort((a, b) => b.score - a.score);
  // Windows with at least one scorable row; each starts as a miss.
  const best = new Map<number, number>();
  for (const r of rows) if (r.window >= 0) best.set(r.window, -cost.fnWeight);
  let windowTotal = -cost.fnWeight * best.size;
  let fpTotal = 0;
  let tp = 0;
  let fp = 0;
  let fn = rows.filter((r) => r.window >= 0).length;
  let tn = rows.length - fn;
  const out: ThresholdScore[] = [];
  let threshold = 1.1;
  for (const r of sorted) {
    if (r.score !== threshold) {
      out.push({ threshold, score: windowTotal + fpTotal, tp, fp, fn, tn });
      threshold = r.score;
    }
    if (r.window >= 0) {
      tp++;
      fn--;
      const prev = best.get(r.window)!;
      if (r.weight > prev) {
        best.set(r.window, r.weight);
        windowTotal += r.weight - prev;
      }
    } else {
      fp++;
      tn--;
      fpTotal += r.weight;
    }
  }
  out.push({ threshold, score: windowTotal + fpTotal, tp, fp, fn, tn });
  return out;
}

/** The best threshold of a sweep; ties go to the highest threshold, as NAB's stable sort does. */
export function bestThreshold(sweep: readonly ThresholdScore[]): ThresholdScore {
  return sweep.reduce((a, b) => (b.score > a.score ? b : a));
}

/**
 * The score of one file's rows at a given threshold (sweeper.scoreDataSet): the last sweep
 * entry whose threshold is still ≥ the given one.
 */
export function scoreAt(rows: readonly SweepRow[], cost: CostMatrix, threshold: number): ThresholdScore {
  const sweep = scoresByThreshold(rows, cost);
  let match = sweep[0]!;
  for (const s of sweep) {
    if (s.threshold < threshold) break;
    match = s;
  }
  return match;
}

/** NAB's normalisation: 100 · (raw − null) / (perfect − null), perfect = windows · tpWeight. */
export function normalizedScore(raw: number, nullScore: number, windows: number, cost: CostMatrix): number {
  const perfect = windows * cost.tpWeight;
  return (100 * (raw - nullScore)) / (perfect - nullScore);
}
