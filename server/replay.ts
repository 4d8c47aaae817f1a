/** `npm run replay`: streams a labelled dataset into a running Pulse through `POST /api/ingest`. */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { datasetNames } from '../lib/datasets.ts';
import { PulseError } from '../lib/errors.ts';
import { loadReplayRows, runReplay, type OutgoingMessage } from '../lib/ingest/replay.ts';

const help = `Usage: npm run replay -- --dataset <name|path> [--rate N] [--loop] [--source NAME]
                         [--limit N] [--url URL]

Replays labelled texts as a live stream with current timestamps through the ingest API of a
running Pulse (npm start, or the distributed server). The human label travels in meta.label.

  --dataset NAME|PATH  a dataset of DATASETS_DIR (${datasetNames.join(', ')})
                       or a .jsonl/.ndjson/.csv/.tsv file with a "text" column
                       (optional "label"/"sentiment" and "source")
  --rate N             messages per second (default 50)
  --loop               start again at the end (default: stop after one pass)
  --source NAME        source of every message (default: the row's own, else the dataset)
  --limit N            stop after N messages
  --url URL            server (default http://HOST:PORT from the environment)
  -h, --help           show this help

Environment: PULSE_API_KEY, a key with the ingest scope, when the server enforces
authentication (sent as "Authorization: Bearer …"). A 429 or 503 answer is waited off
(its Retry-After) and the batch sent again.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dataset: { type: 'string' }, rate: { type: 'string', default: '50' }, loop: { type: 'boolean', default: false },
      source: { type: 'string' }, limit: { type: 'string' }, url: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return void console.log(help);
  if (!values.dataset) throw new PulseError('INPUT_INVALID', '--dataset is required (see --help)');
  const rate = Number(values.rate);
  if (!(rate > 0)) throw new PulseError('INPUT_INVALID', `--rate must be a positive number, got ${values.rate}`);
  const limit = values.limit === undefined ? undefined : Number(values.limit);
  if (limit !== undefined && !(limit >= 0)) throw new PulseError('INPUT_INVALID', `--limit must be a number ≥ 0, got ${values.limit}`);
  const config = loadConfig();
  const base = values.url ?? `http://${config.server.host}:${config.server.port}`;
  const rows = loadReplayRows(config.datasetsDir, values.dataset);
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  let rejected = 0;
  /** A 4xx will not get better by retrying: the replay stops and the CLI fails with the reason. */
  let refusal: PulseError | undefined;
  const apiKey = process.env.PULSE_API_KEY?.trim();
  const send = async (messages: OutgoingMessage[]) => {
    const res = await fetch(new URL('/api/ingest', base), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}) },
      body: JSON.stringify(messages),
    });
    const body = (await res.json()) as { rejected?: unknown[]; error?: { code: string; message: string } };
    if (res.status === 429 || res.status === 503) {
      // Over the rate, or the classifiers are behind: wait as told, then the replay retries the batch.
      await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000, undefined, { signal: controller.signal }).catch(() => undefined);
      throw new Error(`server answered ${res.status} ${body.error?.code}`);
    }
    if (res.status >= 400 && res.status < 500) {
      refusal = new PulseError('INPUT_INVALID', `server refused the batch: ${res.status} ${body.error?.code}: ${body.error?.message}`);
      controller.abort();
      throw refusal;
    }
    if (!res.ok) throw new Error(`server answered ${res.status}`);
    rejected += body.rejected?.length ?? 0;
  };
  console.error(`replaying ${rows.length} rows of ${values.dataset} at ${rate} msgs/s to ${base}${values.loop ? ' (looping)' : ''}`);
  const sent = await runReplay({
    rows, dataset: values.dataset, rate, loop: values.loop, ...(values.source ? { source: values.source } : {}),
    ...(limit !== undefined ? { limit } : {}), send, signal: controller.signal,
  });
  if (refusal) throw refusal;
  console.error(`sent ${sent} messages, ${rejected} rejected by the server`);
}

runCli(main);
