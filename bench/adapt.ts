/**
 * `npm run bench:adapt`: how much a domain gains from people's labels. The shipped model, then
 * the model adapted with 200 / 500 / 1,000 labelled sentences of one domain through the
 * training jobs' own code (lib/training/job-process.ts → models/train/finetune.py), each
 * evaluated on the rest of that domain with the serving runtime: accuracy, macro recall, and the
 * job's wall time on this machine's cores.
 *
 * The domain: SemEval-2014 ABSA laptop review sentences (../shared/datasets/semeval2014-absa),
 * a sentence labelled by its aspects' polarities: positive when some aspect is positive and none
 * negative, negative the other way round, neutral when every aspect is neutral; sentences with
 * both, with a `conflict` aspect, or without aspects are left out.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { absaSentences, type AbsaSentence } from '../harness/absa-sentences.ts';
import { loadConfig } from '../lib/config.ts';
import { repoRoot } from '../lib/paths.ts';
import { setFigures } from '../lib/training/evaluate.ts';
import type { JobSpec } from '../lib/training/job-process.ts';
import { LineSplitter, parseJobLine, type ResultLine } from '../lib/training/progress-lines.ts';
import { modelIdentity } from '../models/runtime/model-identity.ts';
import { ModelPool } from '../models/runtime/pool.ts';

const help = `Usage: npm run bench:adapt [-- options]

Adapts the shipped model to laptop review sentences (SemEval-2014 ABSA) with 200, 500 and 1,000
labelled examples and evaluates each on the sentences not used for training.

Options:
  --sizes LIST    training sizes (default 200,500,1000)
  --epochs N      epochs per job (default 2, as a job started from the Models page)
  --base-rows N   base data rows mixed in (default 3000, as a job from the server)
  --json          print the results as JSON too
  -h, --help      show this help`;

function laptopSentences(datasetsDir: string): AbsaSentence[] {
  // A fixed order by hash: the training sizes are nested prefixes, the test set the same for all.
  return absaSentences(datasetsDir, 'laptop').sort((a, b) => hash(a.id) - hash(b.id));
}

const hash = (s: string) => createHash('sha1').update('pulse-adapt:').update(s).digest().readUInt32BE(0);

/**
 * The folder a job trained: its result's, or the base's where no epoch beat the base (the job
 * then fails, as a job from the page does, since there is nothing new to register; for this
 * benchmark it is a measurement: the domain's rows taught the model nothing the dev slice saw).
 */
async function adaptedDir(spec: JobSpec, specFile: string): Promise<{ dir: string; keptBase: boolean }> {
  try {
    return { dir: (await runJob(specFile)).dir, keptBase: false };
  } catch (err) {
    const trained = path.join(spec.workDir, 'model');
    const keptBase = fs.existsSync(trained) && (await modelIdentity(trained)).version === (await modelIdentity(spec.baseDir)).version;
    if (!keptBase) throw err;
    return { dir: spec.baseDir, keptBase };
  }
}

function runJob(specFile: string): Promise<ResultLine> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'lib/training/job-process.ts'), specFile], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = new LineSplitter();
  let result: ResultLine | null = null;
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of lines.push(chunk)) {
      const parsed = parseJobLine(line);
      if (parsed?.type === 'result') result = parsed;
    }
  });
  return new Promise((resolve, reject) => child.on('close', (code) => (code === 0 && result ? resolve(result) : reject(new Error(`job exited with ${code}`)))));
}

async function evaluate(dir: string, test: readonly AbsaSentence[]) {
  const config = loadConfig({ ...process.env, MODEL_DIR: dir, PULSE_DEVICE: 'cpu', PULSE_MODEL_THREADS: '2' });
  const pool = await ModelPool.start(config.model);
  try {
    return setFigures(test, await pool.classify(test.map((s) => s.text)));
  } finally {
    await pool.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: '200,500,1000' }, epochs: { type: 'string', default: '2' }, 'base-rows': { type: 'string', default: '3000' },
      json: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(help);
  const config = loadConfig({ ...process.env, PULSE_DEVICE: 'cpu' });
  const sizes = values.sizes.split(',').map(Number);
  const sentences = laptopSentences(config.datasetsDir);
  const largest = Math.max(...sizes);
  const test = sentences.slice(largest);
  const counts = (rows: readonly AbsaSentence[]) => Object.fromEntries((['negative', 'neutral', 'positive'] as const).map((l) => [l, rows.filter((r) => r.label === l).length]));
  console.log(`laptop sentences: ${sentences.length} labelled (${JSON.stringify(counts(sentences))}); test on ${test.length} not trained on; ${os.availableParallelism()} cores`);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-adapt-'));
  const results: Array<{ model: string; examples: number; accuracy: number; macroRecall: number; seconds: number | null }> = [];
  try {
    const shipped = await evaluate(config.model.dir, test);
    results.push({ model: 'shipped', examples: 0, accuracy: shipped.accuracy, macroRecall: shipped.macroRecall, seconds: null });
    for (const n of sizes) {
      const spec: JobSpec = {
        jobId: `adapt-${n}`, baseDir: config.model.dir, championDir: config.model.dir, modelsDir: path.join(tmp, 'models'), workDir: path.join(tmp, `work-${n}`),
        datasetsDir: config.datasetsDir, epochs: Number(values.epochs), baseRows: Number(values['base-rows']), evalRows: 1, threads: 2,
        model: { maxTokens: config.model.maxTokens, batchSize: config.model.batchSize, neutralThreshold: config.model.neutralThreshold, device: 'cpu' },
        // As an uploaded set: every row is trained on (people's labels would lose a fifth to the held-back split).
        labels: [], sets: sentences.slice(0, n), setIds: [`laptops-${n}`],
      };
      const specFile = path.join(tmp, `spec-${n}.json`);
      fs.writeFileSync(specFile, JSON.stringify(spec));
      const started = Date.now();
      const { dir, keptBase } = await adaptedDir(spec, specFile);
      const seconds = (Date.now() - started) / 1000;
      const adapted = await evaluate(dir, test);
      results.push({ model: keptBase ? 'kept base' : 'adapted', examples: n, accuracy: adapted.accuracy, macroRecall: adapted.macroRecall, seconds });
      console.log(`  ${n} examples: job ${seconds.toFixed(0)} s${keptBase ? ', no epoch beat the base: its weights kept' : ''}`);
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  console.log('\nmodel      examples  accuracy  macro recall  job time (s, incl. data, 2 evaluations)');
  for (const r of results) {
    console.log(`${r.model.padEnd(10)} ${String(r.examples).padStart(8)}  ${(100 * r.accuracy).toFixed(1).padStart(7)} %  ${(100 * r.macroRecall).toFixed(1).padStart(10)} %  ${r.seconds === null ? '–' : r.seconds.toFixed(0)}`);
  }
  if (values.json) console.log(JSON.stringify({ domain: 'semeval2014-absa laptops', test: test.length, results }));
  console.log(`\nReproduce: npm run bench:adapt -- --sizes ${values.sizes} --epochs ${values.epochs} --base-rows ${values['base-rows']}`);
}

await main();
