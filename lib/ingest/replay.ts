/**
 * Replays labelled data as a live stream: the demo inside `npm start` and `npm run replay`.
 * Rows get current timestamps (none is sent, so ingest stamps the arrival time) and keep
 * their human label in `meta.label`, so predictions can be compared with it later.
 */
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parse as parseCsv } from 'csv-parse/sync';
import { datasetNames, readDataset, type DatasetName } from '../datasets.ts';
import { PulseError } from '../errors.ts';
import { log } from '../log.ts';

export interface ReplayRow {
  text: string;
  label?: string;
  source?: string;
  /** Its `meta.dataset`, where rows of several datasets are replayed together (the demo); default: the replay's. */
  dataset?: string;
}

export interface OutgoingMessage {
  source: string;
  text: string;
  meta: { dataset: string; label?: string };
}

const labelColumns = ['label', 'sentiment', 'airline_sentiment'];

function fromFile(file: string): ReplayRow[] {
  if (!fs.existsSync(file)) throw new PulseError('DATASET_NOT_FOUND', `replay file not found: ${file}`);
  const body = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  const ext = path.extname(file).toLowerCase();
  let records: Array<Record<string, unknown>>;
  if (ext === '.jsonl' || ext === '.ndjson') {
    records = body.split('\n').filter((l) => l.trim()).map((l, i) => {
      try {
        return JSON.parse(l) as Record<string, unknown>;
      } catch {
        throw new PulseError('DATASET_INVALID', `${file}:${i + 1}: not JSON`);
      }
    });
  } else if (ext === '.csv' || ext === '.tsv') {
    records = parseCsv(body, { columns: true, skip_empty_lines: true, delimiter: ext === '.tsv' ? '\t' : ',', relax_quotes: true });
  } else {
    throw new PulseError('DATASET_INVALID', `${file}: expected .jsonl, .ndjson, .csv or .tsv`);
  }
  const rows = records.flatMap((r) => {
    if (typeof r.text !== 'string' || !r.text.trim()) return [];
    const label = labelColumns.map((c) => r[c]).find((v) => typeof v === 'string' || typeof v === 'number');
    return [{ text: r.text, ...(label !== undefined ? { label: String(label) } : {}), ...(typeof r.source === 'string' ? { source: r.source } : {}) }];
  });
  if (!rows.length) throw new PulseError('DATASET_INVALID', `${file}: no rows with a non-empty "text" field`);
  return rows;
}

/** A dataset of ../shared/datasets by name (see lib/datasets.ts), or a JSONL/CSV/TSV file. */
export function loadReplayRows(datasetsDir: string, nameOrPath: string): ReplayRow[] {
  if ((datasetNames as string[]).includes(nameOrPath)) {
    return readDataset(datasetsDir, nameOrPath as DatasetName).map((r) => ({ text: r.text, label: r.label, source: r.source }));
  }
  return fromFile(path.resolve(nameOrPath));
}

export interface ReplayOptions {
  rows: ReplayRow[];
  dataset: string;
  /** Messages per second. */
  rate: number;
  loop: boolean;
  /** Overrides each row's own source. */
  source?: string;
  limit?: number;
  send(messages: OutgoingMessage[]): Promise<void>;
  signal?: AbortSignal;
}

const tickMs = 100;

/** Sends rows at `rate` per second in 100-ms slices; a failed send is retried, not skipped. */
export async function runReplay(o: ReplayOptions): Promise<number> {
  const total = o.loop ? (o.limit ?? Infinity) : Math.min(o.rows.length, o.limit ?? Infinity);
  const started = Date.now();
  let sent = 0;
  while (sent < total && !o.signal?.aborted) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * o.rate) + 1) - sent;
    if (due > 0) {
      const batch = Array.from({ length: due }, (_, i) => {
        const row = o.rows[(sent + i) % o.rows.length]!;
        return {
          source: o.source ?? row.source ?? o.dataset,
          text: row.text,
          meta: { dataset: row.dataset ?? o.dataset, ...(row.label !== undefined ? { label: row.label } : {}) },
        };
      });
      try {
        await o.send(batch);
        sent += due;
      } catch (err) {
        log.warn({ err: (err as Error).message }, 'replay send failed; retrying in 1 s');
        await sleep(1000, undefined, { signal: o.signal }).catch(() => undefined);
        continue;
      }
    }
    await sleep(tickMs, undefined, { signal: o.signal }).catch(() => undefined);
  }
  return sent;
}
