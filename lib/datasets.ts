/**
 * Readers for the labelled datasets described in ../shared/datasets/README.md.
 * Training, evaluation and (later) the demo replay all read them through here, so every
 * consumer sees the same texts, labels and splits.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { normalizeText } from '../models/runtime/normalize.ts';
import { PulseError } from './errors.ts';
import type { Label } from './sentiment.ts';

export interface LabelledText {
  text: string;
  label: Label;
  /** Where the row came from, e.g. `semeval`, `airline`, `extra/gop_debate_dfe`. */
  source: string;
  /** True when the source only says negative vs positive (SST-2): neutral is unknown, not absent. */
  binary: boolean;
}

export interface IronyText {
  text: string;
  ironic: boolean;
}

function readText(dir: string, rel: string): string {
  const file = path.join(dir, rel);
  if (!fs.existsSync(file)) {
    throw new PulseError('DATASET_NOT_FOUND', `dataset file not found: ${file} (set DATASETS_DIR)`);
  }
  return fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
}

function lines(dir: string, rel: string): string[] {
  const out = readText(dir, rel).split('\n');
  if (out.at(-1) === '') out.pop();
  return out;
}

const tweetEvalSentiment: Label[] = ['negative', 'neutral', 'positive'];

function tweetEval(dir: string, task: string, split: string): Array<{ text: string; label: number }> {
  const texts = lines(dir, `tweeteval/${task}/${split}_text.txt`);
  const labels = lines(dir, `tweeteval/${task}/${split}_labels.txt`);
  if (texts.length !== labels.length) {
    throw new PulseError('DATASET_INVALID', `tweeteval/${task}/${split}: ${texts.length} texts but ${labels.length} labels`);
  }
  return texts.map((text, i) => ({ text: text.trim(), label: Number(labels[i]) }));
}

/** SemEval files escape some characters as literal `\u2019` and wrap some texts in quotes. */
function cleanSemEval(text: string): string {
  let t = text.trim().replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  if (t.length > 1 && t.startsWith('"') && t.endsWith('"')) t = t.slice(1, -1).replace(/""/g, '"');
  return t;
}

function asLabel(value: string, where: string): Label {
  if (value === 'negative' || value === 'neutral' || value === 'positive') return value;
  throw new PulseError('DATASET_INVALID', `${where}: unexpected label ${JSON.stringify(value)}`);
}

function starsToLabel(stars: number): Label {
  return stars <= 2 ? 'negative' : stars === 3 ? 'neutral' : 'positive';
}

/** VADER ground truth is a mean human valence in [−4, 4]; |v| < 0.5 is read as neutral. */
function valenceToLabel(v: number): Label {
  return v <= -0.5 ? 'negative' : v >= 0.5 ? 'positive' : 'neutral';
}

/** A fixed, seeded 10 % of the airline tweets is held out as a dev slice that training never sees. */
export function isAirlineDev(text: string): boolean {
  const h = createHash('sha1').update('pulse-airline-dev:').update(text).digest();
  return h.readUInt32BE(0) % 10 === 0;
}

function airline(dir: string, dev: boolean): LabelledText[] {
  const rows = parseCsv(readText(dir, 'airline-tweets/train.csv'), { columns: true, skip_empty_lines: true }) as Array<
    Record<string, string>
  >;
  return rows
    .filter((r) => r.text && isAirlineDev(r.text) === dev)
    .map((r) => ({ text: r.text!.trim(), label: asLabel(r.airline_sentiment ?? '', 'airline'), source: 'airline', binary: false }));
}

function tsvRows(dir: string, rel: string): string[][] {
  return lines(dir, rel).map((l) => l.split('\t'));
}

function vader(dir: string, file: string, source: string): LabelledText[] {
  return tsvRows(dir, `vader-groundtruth/${file}`)
    .filter((r) => r.length >= 3)
    .map((r) => ({ text: r.slice(2).join(' ').trim(), label: valenceToLabel(Number(r[1])), source, binary: false }));
}

function sst2(dir: string, file: string): LabelledText[] {
  return tsvRows(dir, `sst2/${file}`)
    .slice(1)
    .map((r) => ({ text: (r[1] ?? '').trim(), label: r[0] === '1' ? 'positive' : 'negative', source: 'sst2', binary: true }));
}

const semevalFiles = [
  'twitter-2013train-A.tsv', 'twitter-2013dev-A.tsv', 'twitter-2013test-A.tsv', 'twitter-2014test-A.tsv',
  'twitter-2014sarcasm-A.tsv', 'twitter-2015train-A.tsv', 'twitter-2015test-A.tsv', 'twitter-2016train-A.tsv',
  'twitter-2016dev-A.tsv', 'twitter-2016devtest-A.tsv', 'twitter-2016test-A.tsv',
];
/**
 * The latest tweets of the SemEval files (2016 test): a dev set from the future. `semeval` still
 * lists them, so training jobs' base sample (lib/training/job-process.ts) stays the one their
 * figures were measured with; `npm run model:train` drops them as the dev set's texts.
 */
const semevalFutureFile = 'twitter-2016test-A.tsv';

function semevalRows(dir: string, file: string): LabelledText[] {
  return tsvRows(dir, `semeval2017-task4a/${file}`)
    .filter((r) => r.length >= 3)
    .map((r) => ({ text: cleanSemEval(r[2]!), label: asLabel(r[1]!, file), source: 'semeval', binary: false }));
}

/** A text as a model tells texts apart: case and everything but letters and digits ignored. */
export function textKey(text: string): string {
  return text.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '');
}

/**
 * Key under which two texts count as the same message: {@link textKey} of the text as the model
 * reads it (links and handles cleaned up first). Training drops every text whose key a dev or
 * eval set holds, and a dev set drops its eval texts.
 */
export function dedupKey(text: string): string {
  return textKey(normalizeText(text, 2000));
}

/**
 * The 2016 test tweets minus any text an eval set also holds (some are TweetEval validation
 * tweets under another name: tuning on them would tune on an eval set), each text once.
 */
function semevalFuture(dir: string): LabelledText[] {
  const evalSpecs = Object.values(datasets as Record<string, DatasetSpec>).filter((d) => d.role === 'eval');
  const evalKeys = new Set(evalSpecs.flatMap((d) => d.read(dir)).map((r) => dedupKey(r.text)));
  const seen = new Set<string>();
  return semevalRows(dir, semevalFutureFile).filter((r) => {
    const key = dedupKey(r.text);
    if (!key || evalKeys.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

interface DatasetSpec {
  description: string;
  /**
   * `dev` and `eval` sets are never trained on: training removes any text that also appears in
   * them. `dev` sets pick epochs and decision rules; `eval` sets are only reported.
   */
  role: 'train' | 'dev' | 'eval';
  read(dir: string): LabelledText[];
}

export const datasets = {
  'tweeteval-val': {
    description: 'TweetEval sentiment validation split (2,000 tweets, 3 classes)',
    role: 'eval',
    read: (dir) =>
      tweetEval(dir, 'sentiment', 'val').map((r) => ({
        text: r.text, label: tweetEvalSentiment[r.label] ?? 'neutral', source: 'tweeteval', binary: false,
      })),
  },
  'sst2-dev': {
    description: 'GLUE SST-2 dev (872 movie-review sentences, positive vs negative)',
    role: 'eval',
    read: (dir) => sst2(dir, 'dev.tsv'),
  },
  'airline-dev': {
    description: 'Seeded 10 % slice of the airline support tweets, held out from training',
    role: 'eval',
    read: (dir) => airline(dir, true),
  },
  'semeval2016-test': {
    description: 'SemEval-2016 Task 4A test tweets, later than every training tweet, minus the eval sets\' texts (3 classes)',
    role: 'dev',
    read: semevalFuture,
  },
  semeval: {
    description: 'SemEval-2013..2016 Task 4A tweets (3 classes; model:train drops the 2016 test ones, semeval2016-test)',
    role: 'train',
    read: (dir) => semevalFiles.flatMap((f) => semevalRows(dir, f)),
  },
  'airline-train': {
    description: 'Airline support tweets minus the dev slice (3 classes)',
    role: 'train',
    read: (dir) => airline(dir, false),
  },
  'sst2-train': {
    description: 'GLUE SST-2 train phrases (positive vs negative)',
    role: 'train',
    read: (dir) => sst2(dir, 'train.tsv'),
  },
  alexa: {
    description: 'Amazon Echo reviews, stars 1–2 negative, 3 neutral, 4–5 positive',
    role: 'train',
    read: (dir) =>
      tsvRows(dir, 'amazon-alexa/amazon_alexa.tsv')
        .slice(1)
        .filter((r) => r.length >= 4 && (r[3] ?? '').trim() !== '')
        .map((r) => ({ text: r[3]!.trim(), label: starsToLabel(Number(r[0])), source: 'alexa', binary: false })),
  },
  vader: {
    description: 'VADER ground truth (tweets, Amazon, movie, NYT snippets), valence ±0.5 → 3 classes',
    role: 'train',
    read: (dir) => [
      ...vader(dir, 'tweets_GroundTruth.txt', 'vader/tweets'),
      ...vader(dir, 'amazonReviewSnippets_GroundTruth.txt', 'vader/amazon'),
      ...vader(dir, 'movieReviewSnippets_GroundTruth.txt', 'vader/movies'),
      ...vader(dir, 'nytEditorialSnippets_GroundTruth.txt', 'vader/nyt'),
    ],
  },
  extra: {
    description: 'extra/labelled.tsv: 11 more labelled sets, mostly tweets (3 classes)',
    role: 'train',
    read: (dir) =>
      tsvRows(dir, 'extra/labelled.tsv')
        .slice(1)
        .filter((r) => r.length >= 3)
        .map((r) => ({
          text: r.slice(2).join(' ').trim(), label: asLabel(r[1]!, 'extra/labelled.tsv'), source: `extra/${r[0]}`, binary: false,
        })),
  },
} satisfies Record<string, DatasetSpec>;

export type DatasetName = keyof typeof datasets;
export const datasetNames = Object.keys(datasets) as DatasetName[];

export function readDataset(dir: string, name: DatasetName): LabelledText[] {
  return (datasets[name] as DatasetSpec).read(dir).filter((r) => r.text.length > 0);
}

/** SemEval-2018 irony (TweetEval): `train` for the irony experiment, `val` to report misreadings. */
export function readIrony(dir: string, split: 'train' | 'val'): IronyText[] {
  return tweetEval(dir, 'irony', split).map((r) => ({ text: r.text, ironic: r.label === 1 }));
}
