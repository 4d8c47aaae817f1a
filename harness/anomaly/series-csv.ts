/**
 * `timestamp,value` CSV files (the NAB format): a header row, then one row per observation in
 * time order. Timestamps are kept as written (the detector's output echoes them) and parsed
 * to epoch milliseconds: `YYYY-MM-DD HH:MM:SS[.ffffff]` as UTC, as NAB writes them, or any ISO
 * 8601 time. A timestamp earlier than the one before is accepted: the detector counts rows,
 * and NAB's own machine_temperature file steps back an hour once (a clock change).
 */
import fs from 'node:fs';
import { z } from 'zod';
import { PulseError } from '../../lib/errors.ts';

export interface Series {
  timestamps: string[];
  /** Epoch milliseconds of each row. */
  times: number[];
  values: number[];
}

const nabTime = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/** Epoch ms of a NAB or ISO 8601 timestamp; NaN if it is neither. */
export function parseTimestamp(text: string): number {
  const m = nabTime.exec(text);
  if (!m) return Date.parse(text);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Math.floor(Number(frac.padEnd(6, '0')) / 1000) : 0;
  return Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s), ms);
}

const Row = z.object({
  timestamp: z.string().refine((t) => Number.isFinite(parseTimestamp(t)), 'not a timestamp'),
  value: z
    .string()
    .trim()
    .min(1, 'empty value')
    .transform(Number)
    .refine((v) => Number.isFinite(v), 'not a finite number'),
});

export function readSeriesCsv(file: string): Series {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new PulseError('DATASET_NOT_FOUND', `file not found: ${file}`);
    throw new PulseError('DATASET_INVALID', `${file}: cannot read (${(err as Error).message})`, { cause: err });
  }
  return parseSeriesCsv(text, file);
}

export function parseSeriesCsv(text: string, where: string): Series {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  const header = lines[0]?.replace(/^\uFEFF/, '').trim();
  if (header !== 'timestamp,value') {
    throw new PulseError('DATASET_INVALID', `${where}:1: expected the header "timestamp,value", got ${JSON.stringify(header ?? '')}`);
  }
  const series: Series = { timestamps: [], times: [], values: [] };
  for (let i = 1; i < lines.length; i++) {
    const cells = lines[i]!.split(',');
    const parsed = cells.length === 2 ? Row.safeParse({ timestamp: cells[0]!.trim(), value: cells[1] }) : null;
    if (!parsed?.success) {
      const reason = parsed ? parsed.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ') : `expected 2 cells, got ${cells.length}`;
      throw new PulseError('DATASET_INVALID', `${where}:${i + 1}: ${reason}`);
    }
    series.timestamps.push(parsed.data.timestamp);
    series.times.push(parseTimestamp(parsed.data.timestamp));
    series.values.push(parsed.data.value);
  }
  if (!series.values.length) throw new PulseError('DATASET_INVALID', `${where}: no rows after the header`);
  return series;
}
