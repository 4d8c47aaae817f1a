/**
 * One training job's process, started by lib/training/runner.ts (never run on the server's event
 * loop): builds the data (a sample of the base data, people's labels minus the held-back fifth,
 * the chosen sets), tokenises it with the serving tokenizer, fine-tunes with
 * models/train/finetune.py, moves the folder to `<modelsDir>/<version>/`, then evaluates the
 * challenger and the champion with the product's own runtime (models/runtime) and writes
 * metrics.json. Speaks to its parent in JSON lines on stdout (./progress-lines.ts); exits when
 * its parent goes (stdin closes), taking the trainer with it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { Comparison, SetFigures, TrainedModelMetrics } from '../contracts/training-jobs.ts';
import { readDataset, textKey, type DatasetName, type LabelledText } from '../datasets.ts';
import { Labels, type Label } from '../sentiment.ts';
import { repoRoot } from '../paths.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';
import { ModelPool } from '../../models/runtime/pool.ts';
import { Tokenizer } from '../../models/runtime/tokenizer.ts';
import { setFigures, type Truth } from './evaluate.ts';
import { heldBackText, splitHeldBack } from './held-back.ts';
import { LineSplitter, parseJobLine, type ProgressLine, type ResultLine } from './progress-lines.ts';

const Text = z.object({ id: z.string(), text: z.string(), label: z.enum(Labels) });

/** What the parent hands the process, as a JSON file (people's texts can be many). */
export const JobSpec = z.object({
  jobId: z.string(),
  /** The folder fine-tuned (a pulse-cnn model: the shipped one unless MODEL_DIR names another). */
  baseDir: z.string(),
  /** The model the challenger is compared with (the champion, else the configured model). */
  championDir: z.string(),
  modelsDir: z.string(),
  workDir: z.string(),
  datasetsDir: z.string(),
  epochs: z.number().int().min(1),
  /** Rows of the base data trained on: CI-sized by default. */
  baseRows: z.number().int().min(0),
  /** Rows of each dev set evaluated. */
  evalRows: z.number().int().min(1),
  threads: z.number().int().min(1),
  model: z.object({ maxTokens: z.number().int(), batchSize: z.number().int(), neutralThreshold: z.number(), device: z.enum(['auto', 'cpu', 'cuda']) }),
  labels: z.array(Text),
  sets: z.array(Text),
  setIds: z.array(z.string()),
});
export type JobSpec = z.infer<typeof JobSpec>;

/** The shares of the job's progress each phase takes, laid end to end. */
const share = { data: 0.05, training: 0.8 } as const;
/** The base data sampled: the human-labelled tweets the shipped model trusts most (weight 1 in train.py). */
const baseDatasets: DatasetName[] = ['semeval', 'airline-train'];
/** The dev sets `npm run eval:model` reports, compared on their first `evalRows` rows. */
const devSets: DatasetName[] = ['tweeteval-val', 'sst2-dev', 'airline-dev'];
/** The most one row of people's labels or sets counts against a base row (see {@link weigh}). */
const maxDomainWeight = 4;

function say(line: ProgressLine | ResultLine): void {
  process.stdout.write(JSON.stringify(line) + '\n');
}

function hashOf(seed: string, text: string): number {
  return createHash('sha1').update(seed).update(text).digest().readUInt32BE(0);
}

/** A fixed sample of the base data, without any text of the dev sets (they judge the result). */
function baseSample(spec: JobSpec): LabelledText[] {
  if (!spec.baseRows) return [];
  const judged = new Set(devSets.flatMap((n) => readDataset(spec.datasetsDir, n)).map((r) => textKey(r.text)));
  const pool = baseDatasets.flatMap((n) => readDataset(spec.datasetsDir, n)).filter((r) => !judged.has(textKey(r.text)));
  return pool
    .map((r) => ({ r, h: hashOf('pulse-finetune-base:', r.text) }))
    .sort((a, b) => a.h - b.h)
    .slice(0, spec.baseRows)
    .map(({ r }) => r);
}

interface Row {
  text: string;
  label: Label;
  /** People's labels and sets: the domain the job adapts to. */
  domain: boolean;
}

/**
 * Row weights: the domain's rows together weigh as much as the base rows (up to
 * {@link maxDomainWeight} each, so a handful of labels does not swamp the model), times the
 * inverse frequency of the row's class, so macro recall is what is optimised.
 */
function weigh(rows: readonly Row[]): number[] {
  const domain = rows.filter((r) => r.domain).length;
  const domainWeight = domain ? Math.min(maxDomainWeight, Math.max(1, (rows.length - domain) / domain)) : 1;
  const mass: Record<Label, number> = { negative: 0, neutral: 0, positive: 0 };
  const source = rows.map((r) => (r.domain ? domainWeight : 1));
  rows.forEach((r, i) => (mass[r.label] += source[i]!));
  const total = Labels.reduce((n, l) => n + mass[l], 0);
  return rows.map((r, i) => (source[i]! * total) / (3 * mass[r.label]));
}

function tokenIds(tokenizer: Tokenizer, texts: readonly string[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += 512) {
    const enc = tokenizer.encode(texts.slice(i, i + 512));
    for (let r = 0; r < enc.batchSize; r++) {
      const row: number[] = [];
      for (let c = 0; c < enc.seqLen; c++) if (enc.attentionMask[r * enc.seqLen + c] === 1n) row.push(Number(enc.inputIds[r * enc.seqLen + c]));
      out.push(row);
    }
  }
  return out;
}

function writeRows(file: string, tokenizer: Tokenizer, rows: readonly Row[], weights: readonly number[]): void {
  const ids = tokenIds(tokenizer, rows.map((r) => r.text));
  fs.writeFileSync(file, rows.map((r, i) => JSON.stringify({ ids: ids[i], y: Labels.indexOf(r.label), w: Number(weights[i]!.toFixed(4)) })).join('\n') + '\n');
}

/** Runs finetune.py, its progress lines scaled into the training phase's share. */
function fineTune(spec: JobSpec, outDir: string): Promise<void> {
  const python = spawn('/usr/bin/python3', [
    path.join(repoRoot, 'models/train/finetune.py'), '--base', spec.baseDir, '--work', spec.workDir, '--out', outDir,
    '--epochs', String(spec.epochs), '--threads', String(spec.threads), '--name', `pulse-sentiment-${spec.jobId.slice(0, 8)}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  trainer = python;
  const lines = new LineSplitter();
  let stderr = '';
  python.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of lines.push(chunk)) {
      const parsed = parseJobLine(line);
      if (parsed?.type === 'progress') say({ ...parsed, progress: share.data + parsed.progress * share.training });
    }
  });
  python.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)));
  return new Promise((resolve, reject) => {
    python.on('error', reject);
    python.on('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`the trainer exited with ${signal ?? code}: ${stderr.trim().split('\n').slice(-3).join(' | ') || 'no message'}`));
    });
  });
}

async function classifyAll(dir: string, spec: JobSpec, texts: readonly string[]) {
  const pool = await ModelPool.start({ dir, threads: 1, ...spec.model });
  try {
    return await pool.classify(texts);
  } finally {
    await pool.close();
  }
}

/** The evaluation sets: the held-back labels, then the dev sets' first rows. */
function evaluationSets(spec: JobSpec, heldBack: readonly Row[]): Array<{ name: string; texts: string[]; truths: Truth[] }> {
  const sets = heldBack.length ? [{ name: 'held-back labels', texts: heldBack.map((r) => r.text), truths: heldBack.map((r) => ({ label: r.label })) }] : [];
  for (const name of devSets) {
    const rows = readDataset(spec.datasetsDir, name).slice(0, spec.evalRows);
    sets.push({ name, texts: rows.map((r) => r.text), truths: rows.map((r) => ({ label: r.label, binary: r.binary })) });
  }
  return sets;
}

async function evaluate(spec: JobSpec, challengerDir: string, heldBack: readonly Row[]): Promise<Comparison[]> {
  const sets = evaluationSets(spec, heldBack);
  const texts = sets.flatMap((s) => s.texts);
  const figuresOf = async (dir: string): Promise<SetFigures[]> => {
    const predictions = await classifyAll(dir, spec, texts);
    let at = 0;
    return sets.map((s) => setFigures(s.truths, predictions.slice(at, (at += s.texts.length))));
  };
  const challenger = await figuresOf(challengerDir);
  say({ type: 'progress', progress: 0.93, phase: 'evaluating the champion' });
  const champion = await figuresOf(spec.championDir);
  return sets.map((s, i) => ({ set: s.name, challenger: challenger[i]!, champion: champion[i]! }));
}

async function main(): Promise<void> {
  const specFile = process.argv[2];
  if (!specFile || specFile === '--help' || specFile === '-h') {
    console.log('Usage: node --import tsx lib/training/job-process.ts SPEC.json\n\nRuns one training job (started by the trainer: lib/training/runner.ts); progress as JSON lines on stdout.');
    return;
  }
  const started = Date.now();
  const spec = JobSpec.parse(JSON.parse(fs.readFileSync(specFile, 'utf8')));
  say({ type: 'progress', progress: 0, phase: 'preparing data' });
  const { train: labelsOutside, heldBack } = splitHeldBack(spec.labels);
  // The held-back fifth is chosen by message id; its texts are kept out under every other id too.
  const isHeldBackText = heldBackText(heldBack);
  const unseen = (r: { text: string }) => !isHeldBackText(r.text);
  const labelsTrain = labelsOutside.filter(unseen);
  const asRow = (domain: boolean) => (r: { text: string; label: Label }): Row => ({ text: r.text, label: r.label, domain });
  const pool: Row[] = [...baseSample(spec).filter(unseen).map(asRow(false)), ...labelsTrain.map(asRow(true)), ...spec.sets.filter(unseen).map(asRow(true))];
  // A seeded tenth of what is trained on picks the epoch and feeds the progress bar's figures;
  // the held-back labels never do.
  const isDev = (r: Row) => hashOf('pulse-finetune-dev:', r.text) % 10 === 0;
  const train = pool.filter((r) => !isDev(r));
  const dev = pool.filter(isDev);
  if (!train.length) throw new Error('nothing to train on: no base data, no labels outside the held-back fifth, no set rows');
  const tokenizer = await Tokenizer.load(spec.baseDir, spec.model.maxTokens);
  fs.mkdirSync(spec.workDir, { recursive: true });
  writeRows(path.join(spec.workDir, 'train.jsonl'), tokenizer, train, weigh(train));
  writeRows(path.join(spec.workDir, 'dev.jsonl'), tokenizer, dev, dev.map(() => 1));
  say({ type: 'progress', progress: share.data, phase: 'training' });

  const trainedDir = path.join(spec.workDir, 'model');
  await fineTune(spec, trainedDir);
  const { version, name } = await modelIdentity(trainedDir);
  const baseVersion = (await modelIdentity(spec.baseDir)).version;
  // finetune.py keeps the base's own weights when no epoch beat them on the dev slice: that is no
  // challenger, and registering it under the base's version would overwrite the base's record.
  if (version === baseVersion) {
    throw new Error(`no epoch beat the base model ${version} on the dev slice, so its weights were kept and there is nothing new to compare or promote: label more messages, add a set or train more epochs`);
  }
  const dir = path.join(spec.modelsDir, version.replace(':', '-'));
  // The same weights trained twice are one model: the folder already there is kept.
  if (fs.existsSync(dir)) fs.rmSync(trainedDir, { recursive: true, force: true });
  else {
    fs.mkdirSync(spec.modelsDir, { recursive: true });
    fs.renameSync(trainedDir, dir);
  }

  say({ type: 'progress', progress: share.data + share.training, phase: 'evaluating the challenger' });
  const comparisons = await evaluate(spec, dir, heldBack.map(asRow(true)));
  const championVersion = (await modelIdentity(spec.championDir)).version;
  const metrics: TrainedModelMetrics = { championVersion, comparisons, trainingSeconds: Math.round((Date.now() - started) / 1000) };
  const data = {
    base: { datasets: baseDatasets, rows: pool.filter((r) => !r.domain).length },
    peopleLabels: { trained: labelsTrain.length, heldBack: heldBack.length },
    sets: spec.setIds,
    setRows: spec.sets.length,
    trainRows: train.length,
    devRows: dev.length,
    epochs: spec.epochs,
    baseModel: baseVersion,
  };
  fs.writeFileSync(path.join(dir, 'metrics.json'), JSON.stringify({ trainedAt: new Date().toISOString(), job: spec.jobId, data, ...metrics }, null, 2) + '\n');
  say({ type: 'result', version, name, dir, data, metrics: { ...metrics } });
}

/** The trainer running now, if any. */
let trainer: ChildProcess | null = null;
// The parent kills this process's group on cancel; this covers the parent dying instead.
process.stdin.on('end', () => {
  trainer?.kill('SIGKILL');
  process.exit(1);
});
process.stdin.resume();
main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(1);
  },
);
