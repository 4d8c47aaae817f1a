/**
 * `npm start` until the streaming pipeline lands: replays real labelled tweets through the
 * model pool at a steady rate and prints each prediction next to the human label, with a
 * running agreement figure. Ctrl-C stops it.
 */
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { readDataset, type LabelledText } from '../lib/datasets.ts';
import { isPulseError } from '../lib/errors.ts';
import { Labels } from '../lib/sentiment.ts';
import { ModelPool } from './runtime/pool.ts';

const help = `Usage: npm start [-- --rate N --limit N]

Classifies a stream of real labelled tweets (TweetEval validation and the airline dev slice
from DATASETS_DIR) with the shipped model and prints prediction, confidence, human label and
text, then the running agreement.

Options:
  --rate N    messages per second (default 5)
  --limit N   stop after N messages (default: run until Ctrl-C)
  -h, --help  show this help`;

/** Used when ../shared/datasets is not beside the checkout, so a fresh clone still demos. */
const fallback: LabelledText[] = [
  ['I absolutely love the new update, everything is faster!', 'positive'],
  ['Flight delayed three hours and nobody tells us anything. Awful.', 'negative'],
  ['The store opens at 9am on Saturdays.', 'neutral'],
  ['Best customer service I have had in years, thank you!', 'positive'],
  ['My order arrived broken and support never answered.', 'negative'],
  ['New version 2.4 is out today.', 'neutral'],
].map(([text, label]) => ({ text: text!, label: label as LabelledText['label'], source: 'builtin', binary: false }));

const colour = { negative: '\x1b[31m', neutral: '\x1b[90m', positive: '\x1b[32m' } as const;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { rate: { type: 'string', default: '5' }, limit: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return void console.log(help);
  const config = loadConfig();
  let stream: LabelledText[];
  try {
    stream = [...readDataset(config.datasetsDir, 'tweeteval-val'), ...readDataset(config.datasetsDir, 'airline-dev')];
  } catch (err) {
    if (!isPulseError(err, 'DATASET_NOT_FOUND')) throw err;
    console.log(`datasets not found at ${config.datasetsDir}; replaying built-in examples`);
    stream = fallback;
  }
  const pool = await ModelPool.start(config.model);
  console.log(`model ${pool.info.model} on ${pool.info.provider}, ${pool.size} inference threads\n`);
  const rate = Math.max(0.1, Number(values.rate));
  const limit = values.limit === undefined ? Infinity : Number(values.limit);
  const counts = Object.fromEntries(Labels.map((l) => [l, 0])) as Record<(typeof Labels)[number], number>;
  let agreed = 0;
  let n = 0;
  const stop = () => {
    void pool.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  while (n < limit) {
    const item = stream[n % stream.length]!;
    const [p] = await pool.classify([item.text]);
    n++;
    counts[p!.label]++;
    if (p!.label === item.label) agreed++;
    const text = item.text.length > 90 ? `${item.text.slice(0, 87)}...` : item.text;
    console.log(`${colour[p!.label]}${p!.label.padEnd(8)}\x1b[0m ${p!.confidence.toFixed(2)}  human: ${item.label.padEnd(8)}  ${text}`);
    if (n % 25 === 0) {
      console.log(`  — ${n} messages: ${Labels.map((l) => `${l} ${counts[l]}`).join(', ')}; agrees with humans on ${((100 * agreed) / n).toFixed(1)} %`);
    }
    await new Promise((r) => setTimeout(r, 1000 / rate));
  }
  await pool.close();
}

runCli(main);
