/**
 * `npm run eval:model`: accuracy of the configured model (default: the shipped one) and of two
 * rule-based peers from npm on the held-out sets. Every figure in models/README.md comes from here.
 */
import { parseArgs } from 'node:util';
import Sentiment from 'sentiment';
import vader from 'vader-sentiment';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { datasets, readDataset, readIrony, type DatasetName, type LabelledText } from '../lib/datasets.ts';
import { Labels, type Label } from '../lib/sentiment.ts';
import { ModelPool } from '../models/runtime/pool.ts';

const help = `Usage: npm run eval:model [-- --datasets DIR]

Prints, per held-out set (the eval sets, then the dev set semeval2016-test: tweets later than
every training tweet, never trained on), accuracy, macro-averaged recall and per-class recall for
the configured model (MODEL_DIR, default: models/pulse-sentiment), VADER (vader-sentiment) and
AFINN (sentiment), plus how often ironic tweets are labelled positive.
Binary sets (SST-2) compare negative vs positive only: a system's side is the sign of its
score (positive − negative); a score of exactly 0 counts as wrong.`;

interface Judgement {
  label: Label;
  /** Positive minus negative, for deciding binary sets. */
  score: number;
}

type System = (texts: string[]) => Promise<Judgement[]>;

const afinn = new Sentiment();
/** The conventional VADER cut-offs: compound ≥ 0.05 positive, ≤ −0.05 negative. */
const vaderSystem: System = async (texts) =>
  texts.map((t) => {
    const c = vader.SentimentIntensityAnalyzer.polarity_scores(t).compound;
    return { label: c >= 0.05 ? 'positive' : c <= -0.05 ? 'negative' : 'neutral', score: c };
  });
const afinnSystem: System = async (texts) =>
  texts.map((t) => {
    const s = afinn.analyze(t).score;
    return { label: s > 0 ? 'positive' : s < 0 ? 'negative' : 'neutral', score: s };
  });

interface Scores {
  n: number;
  accuracy: number;
  macroRecall: number;
  recall: Partial<Record<Label, number>>;
}

export function score(rows: LabelledText[], judged: Judgement[]): Scores {
  const binary = rows.every((r) => r.binary);
  const hits: Partial<Record<Label, number>> = {};
  const seen: Partial<Record<Label, number>> = {};
  rows.forEach((r, i) => {
    const j = judged[i]!;
    const guess: Label | undefined = binary ? (j.score > 0 ? 'positive' : j.score < 0 ? 'negative' : undefined) : j.label;
    seen[r.label] = (seen[r.label] ?? 0) + 1;
    hits[r.label] = (hits[r.label] ?? 0) + (guess === r.label ? 1 : 0);
  });
  const recall: Partial<Record<Label, number>> = {};
  for (const l of Labels) if (seen[l]) recall[l] = hits[l]! / seen[l]!;
  const recalls = Object.values(recall);
  return {
    n: rows.length,
    accuracy: Object.values(hits).reduce((a, b) => a + b, 0) / rows.length,
    macroRecall: recalls.reduce((a, b) => a + b, 0) / recalls.length,
    recall,
  };
}

const pct = (x: number | undefined) => (x === undefined ? '    –' : (100 * x).toFixed(1).padStart(5));

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { datasets: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) return void console.log(help);
  const config = loadConfig(values.datasets ? { ...process.env, DATASETS_DIR: values.datasets } : process.env);
  const pool = await ModelPool.start(config.model);
  const modelSystem: System = async (texts) => pool.classify(texts);
  const systems: Array<[string, System]> = [[`${pool.info.model}`, modelSystem], ['vader', vaderSystem], ['afinn', afinnSystem]];
  try {
    console.log(`model: ${pool.info.dir} (provider ${pool.info.provider})\n`);
    console.log('dataset          system             n   acc  macroR  negR  neuR  posR');
    const heldOutSets = (Object.keys(datasets) as DatasetName[]).filter((n) => datasets[n].role !== 'train');
    for (const name of heldOutSets) {
      const rows = readDataset(config.datasetsDir, name);
      for (const [system, run] of systems) {
        const s = score(rows, await run(rows.map((r) => r.text)));
        console.log(
          `${name.padEnd(16)} ${system.padEnd(16)} ${String(s.n).padStart(5)} ${pct(s.accuracy)} ${pct(s.macroRecall)}  ${pct(s.recall.negative)} ${pct(s.recall.neutral)} ${pct(s.recall.positive)}`,
        );
      }
    }
    const ironic = readIrony(config.datasetsDir, 'val').filter((r) => r.ironic).map((r) => r.text);
    console.log(`\nironic tweets (tweeteval/irony val, n=${ironic.length}) labelled positive:`);
    for (const [system, run] of systems) {
      const judged = await run(ironic);
      console.log(`  ${system.padEnd(16)} ${pct(judged.filter((j) => j.label === 'positive').length / ironic.length)} %`);
    }
  } finally {
    await pool.close();
  }
}

runCli(main);
