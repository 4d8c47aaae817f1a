/**
 * The NAB corpus as shipped in `DATASETS_DIR/nab`: `data/<category>/<name>.csv`, the anomaly
 * windows in `labels/combined_windows.json` and the cost profiles in `config/profiles.json`,
 * all validated on load.
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { PulseError } from '../../lib/errors.ts';
import type { Profile } from './nab-score.ts';
import { parseTimestamp, readSeriesCsv, type Series } from './series-csv.ts';

const Timestamp = z.string().refine((t) => Number.isFinite(parseTimestamp(t)), 'not a timestamp');
const WindowsFile = z.record(z.string(), z.array(z.tuple([Timestamp, Timestamp])));
const Weight = z.number().nonnegative();
const ProfilesFile = z.record(
  z.string(),
  z.object({ CostMatrix: z.object({ tpWeight: Weight, fpWeight: Weight, fnWeight: Weight, tnWeight: Weight }) }),
);

export interface CorpusFile {
  /** `category/name.csv`, the key of the labels. */
  name: string;
  series: Series;
  /** Anomaly windows as [first, last] row indices. */
  windows: Array<[number, number]>;
}

export interface Corpus {
  files: CorpusFile[];
  profiles: Profile[];
}

function readJson<T>(file: string, schema: z.ZodType<T>): T {
  if (!fs.existsSync(file)) throw new PulseError('DATASET_NOT_FOUND', `NAB file not found: ${file} (set DATASETS_DIR)`);
  let json: unknown;
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new PulseError('DATASET_INVALID', `${file}: not JSON (${(err as Error).message})`, { cause: err });
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new PulseError('DATASET_INVALID', `${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

/**
 * Row indices of a window given as times. NAB's windows start and end on rows of the file and
 * NAB takes the first row with exactly that time; a window edge between rows falls back to
 * the first row after its start and the last row before its end.
 */
export function windowRows(times: readonly number[], start: number, end: number): [number, number] | null {
  let first = times.indexOf(start);
  if (first < 0) first = times.findIndex((t) => t >= start);
  let last = times.indexOf(end);
  if (last < 0) last = times.findLastIndex((t) => t <= end);
  return first >= 0 && last >= first ? [first, last] : null;
}

export function loadNabCorpus(dir: string): Corpus {
  const dataDir = path.join(dir, 'data');
  if (!fs.existsSync(dataDir)) throw new PulseError('DATASET_NOT_FOUND', `NAB data not found: ${dataDir} (set DATASETS_DIR)`);
  const windows = readJson(path.join(dir, 'labels', 'combined_windows.json'), WindowsFile);
  const profiles = Object.entries(readJson(path.join(dir, 'config', 'profiles.json'), ProfilesFile)).map(([name, p]) => ({
    name,
    costMatrix: p.CostMatrix,
  }));
  const names = fs
    .readdirSync(dataDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => fs.readdirSync(path.join(dataDir, d.name)).filter((f) => f.endsWith('.csv')).map((f) => `${d.name}/${f}`))
    .sort();
  if (!names.length) throw new PulseError('DATASET_INVALID', `${dataDir}: no data/<category>/*.csv files`);
  const files = names.map((name): CorpusFile => {
    const labelled = windows[name];
    if (!labelled) throw new PulseError('DATASET_INVALID', `${name} has no entry in labels/combined_windows.json`);
    const series = readSeriesCsv(path.join(dataDir, name));
    const rows = labelled.map(([start, end]) => {
      const r = windowRows(series.times, parseTimestamp(start), parseTimestamp(end));
      if (!r) throw new PulseError('DATASET_INVALID', `${name}: window ${start} … ${end} holds no rows`);
      return r;
    });
    return { name, series, windows: rows };
  });
  return { files, profiles };
}
