/**
 * `npm run eval:detector`: the series detector (the one `npm run detect` runs) scored on the
 * NAB subset in DATASETS_DIR/nab with NAB's own rules (harness/anomaly/nab-score.ts), next to
 * NAB's null detector and a re-implementation of its windowed-Gaussian baseline.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadNabCorpus, type CorpusFile } from '../harness/anomaly/nab-corpus.ts';
import {
  bestThreshold,
  normalizedScore,
  probationLength,
  scoreAt,
  scoresByThreshold,
  sweepRows,
  type Profile,
  type SweepRow,
} from '../harness/anomaly/nab-score.ts';
import { erfc } from '../harness/anomaly/score.ts';
import { defaultSeriesRules, detectSeries } from '../harness/anomaly/series-detector.ts';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';

const help = `Usage: npm run eval:detector

Runs the anomaly detector over every series of the Numenta Anomaly Benchmark subset in
DATASETS_DIR/nab (data/*/*.csv) and scores it with NAB's rules: anomaly windows from
labels/combined_windows.json, the scaled sigmoid, the probation period, and the cost
profiles of config/profiles.json. Prints per-profile scores, normalised so that the null
detector scores 0 and the perfect detector 100, and a per-file table.

Two scores per profile:
  NAB       the threshold on anomaly_score that NAB's optimiser picks for the corpus
            (a sweep over every distinct score, best total kept) — NAB's procedure;
  deployed  the detector's own alerts (the alert column of npm run detect), no tuning.`;

interface Scored {
  file: CorpusFile;
  scores: ArrayLike<number>;
  alerts: ArrayLike<number>;
}

/** Sweep rows of every file, window ids numbered across the corpus. */
function corpusRows(files: readonly Scored[], profile: Profile, pick: (s: Scored) => ArrayLike<number>): SweepRow[] {
  const rows: SweepRow[] = [];
  let firstWindowId = 0;
  for (const s of files) {
    rows.push(...sweepRows({ name: s.file.name, scores: pick(s), windows: s.file.windows }, profile.costMatrix, firstWindowId));
    firstWindowId += s.file.windows.length;
  }
  return rows;
}

/**
 * NAB's windowed-Gaussian detector (nab/detectors/gaussian): the tail probability of each
 * value under a normal fitted to the previous 1,000 values; the published 39.6 is this on
 * the full corpus, and running it here gives the comparable figure for the subset.
 */
function windowedGaussian(values: readonly number[]): Float64Array {
  const size = 1000;
  const out = new Float64Array(values.length);
  let sum = 0;
  let sumSq = 0;
  for (let i = 0; i < values.length; i++) {
    const n = Math.min(i, size);
    if (n > 0) {
      const mean = sum / n;
      const sd = Math.sqrt(Math.max(0, sumSq / n - mean * mean)) || 1e-6;
      out[i] = 1 - 0.5 * erfc(Math.abs(values[i]! - mean) / sd / Math.SQRT2);
    }
    sum += values[i]!;
    sumSq += values[i]! ** 2;
    if (i >= size) {
      sum -= values[i - size]!;
      sumSq -= values[i - size]! ** 2;
    }
  }
  return out;
}

function pad(text: string | number, width: number): string {
  return String(text).padStart(width);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) return void console.log(help);
  const dir = path.join(loadConfig().datasetsDir, 'nab');
  const corpus = loadNabCorpus(dir);
  const started = performance.now();
  const scored: Scored[] = corpus.files.map((file) => ({ file, ...detectSeries(file.series.values) }));
  const seconds = (performance.now() - started) / 1000;
  const rows = corpus.files.reduce((n, f) => n + f.series.values.length, 0);
  const windows = corpus.files.reduce((n, f) => n + f.windows.length, 0);
  const gaussian = corpus.files.map((f) => windowedGaussian(f.series.values));
  const r = defaultSeriesRules;

  console.log(`NAB subset: ${corpus.files.length} series, ${rows.toLocaleString('en')} rows, ${windows} anomaly windows (${dir})`);
  console.log(`This is a ${corpus.files.length}-file subset of NAB's 58: its scores are not comparable one to one with the published`);
  console.log(`full-corpus scoreboard; the windowed Gaussian below is run on the same subset for that reason.`);
  console.log(
    `detector: |z| ≥ ${r.zThreshold} on ${r.consecutive} row(s), windows of 1–${r.maxWindow} rows, baseline ${r.baselineRows} rows, ` +
      `cooldown ${r.cooldownRows} rows; ${seconds.toFixed(1)} s for the corpus`,
  );
  console.log(`threshold: NAB's procedure — the one threshold on anomaly_score that maximises the corpus total, per profile\n`);

  console.log('profile                 detector (NAB threshold)   detector (deployed alerts)   windowed Gaussian (NAB threshold)   null');
  const standard = corpus.profiles.find((p) => p.name === 'standard') ?? corpus.profiles[0]!;
  let standardThreshold = 0.5;
  for (const profile of corpus.profiles) {
    const cost = profile.costMatrix;
    const nullScore = bestThreshold(scoresByThreshold(corpusRows(scored, profile, (s) => new Float64Array(s.scores.length).fill(0.5)), cost)).score;
    const norm = (raw: number) => normalizedScore(raw, nullScore, windows, cost).toFixed(1);
    const best = bestThreshold(scoresByThreshold(corpusRows(scored, profile, (s) => s.scores), cost));
    const deployed = scoreAt(corpusRows(scored, profile, (s) => s.alerts), cost, 1);
    const wg = bestThreshold(scoresByThreshold(corpusRows(scored, profile, (s) => gaussian[scored.indexOf(s)]!), cost));
    if (profile === standard) standardThreshold = best.threshold;
    console.log(
      `${profile.name.padEnd(22)} ${pad(norm(best.score), 6)} (score ≥ ${best.threshold.toFixed(4)})   ${pad(norm(deployed.score), 16)}   ${pad(norm(wg.score), 20)}               ${pad(norm(nullScore), 5)}`,
    );
  }

  console.log(`\nper file (standard profile, NAB threshold ${standardThreshold.toFixed(4)}; rows after probation only):`);
  console.log('file                                                         rows  windows  detected  outside windows  raw score');
  for (const s of scored) {
    const name = s.file.name;
    const fileRows = sweepRows({ name, scores: s.scores, windows: s.file.windows }, standard.costMatrix);
    const result = scoreAt(fileRows, standard.costMatrix, standardThreshold);
    const probation = probationLength(s.scores.length);
    const detections = [...Array(s.scores.length).keys()].filter((i) => i >= probation && s.scores[i]! >= standardThreshold);
    const inWindow = (i: number) => s.file.windows.some(([a, b]) => i >= a && i <= b);
    const detected = s.file.windows.filter(([a, b]) => detections.some((i) => i >= a && i <= b)).length;
    const falseAlerts = detections.filter((i) => !inWindow(i)).length;
    console.log(
      `${name.padEnd(58)} ${pad(s.scores.length, 6)} ${pad(s.file.windows.length, 8)} ${pad(detected, 9)} ${pad(falseAlerts, 16)} ${pad(result.score.toFixed(2), 10)}`,
    );
  }
}

runCli(main);
