/** `npm run --silent classify -- (--file PATH | TEXT...)`: one JSON prediction per text, in order. */
import fs from 'node:fs';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { PulseError } from '../lib/errors.ts';
import { ModelPool } from './runtime/pool.ts';

const help = `Usage: npm run --silent classify -- --file PATH
       npm run --silent classify -- "some text" ["more text" ...]

Classifies texts with the configured model (MODEL_DIR, default: the shipped model) and
prints exactly one JSON object per text, in input order:
  {"label":"positive","probs":{"negative":0.1,"neutral":0.2,"positive":0.7}}

Options:
  -f, --file PATH   one text per line ("-" reads standard input)
  -h, --help        show this help

Environment: MODEL_DIR, PULSE_DEVICE (auto|cpu|cuda), PULSE_MODEL_THREADS, PULSE_MODEL_BATCH,
PULSE_MAX_TOKENS, PULSE_NEUTRAL_THRESHOLD (two-label models only).`;

/** Lines are classified in chunks so a large file streams instead of loading whole. */
const chunkLines = 4096;

async function* chunks(input: NodeJS.ReadableStream): AsyncGenerator<string[]> {
  let chunk: string[] = [];
  for await (const line of readline.createInterface({ input, crlfDelay: Infinity })) {
    chunk.push(line);
    if (chunk.length === chunkLines) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length) yield chunk;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { file: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h', default: false } },
  });
  if (values.help) return void console.log(help);
  if (values.file === undefined && positionals.length === 0) throw new PulseError('INPUT_INVALID', `nothing to classify\n\n${help}`);
  if (values.file !== undefined && positionals.length > 0) throw new PulseError('INPUT_INVALID', 'give --file or texts, not both');
  if (values.file !== undefined && values.file !== '-' && !fs.existsSync(values.file)) {
    throw new PulseError('INPUT_INVALID', `input file not found: ${values.file}`);
  }
  const pool = await ModelPool.start(loadConfig().model);
  try {
    const source =
      values.file === undefined ? [positionals] : chunks(values.file === '-' ? process.stdin : fs.createReadStream(values.file));
    for await (const texts of source) {
      const predictions = await pool.classify(texts);
      const out = predictions.map((p) => JSON.stringify({ label: p.label, probs: p.probs })).join('\n');
      if (!process.stdout.write(out + '\n')) await new Promise((r) => process.stdout.once('drain', r));
    }
  } finally {
    await pool.close();
  }
}

runCli(main);
