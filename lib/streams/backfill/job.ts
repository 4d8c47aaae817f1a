/**
 * A backfill job: one stream version's pass over the stored messages of the past, bringing
 * their `streams` (and every per-stream aggregate) in line with that version. The job row is
 * the job's whole state (lib/store/backfills.ts), so a restarted server resumes it where it
 * stopped; the API shows it as the stream's `backfill`.
 */
export const BackfillStates = ['waiting', 'running', 'finished', 'failed', 'superseded'] as const;
/**
 * `waiting`: until every process matches with the version and what was classified before is
 * stored; `superseded`: a newer version of the stream (or its deletion) took over.
 */
export type BackfillState = (typeof BackfillStates)[number];

export interface BackfillJob {
  stream: string;
  version: number;
  /** Bumped on every write; the highest is the job's current state. */
  revision: number;
  query: string;
  sources: string[];
  state: BackfillState;
  /** Messages with an event time from here on are checked… */
  rangeFrom: string;
  /** …when classified before this moment; those classified later were tagged live. */
  cutoff: string;
  /** Messages with an event time before it are done. */
  cursor: string;
  /** Messages to check (0 until the job runs). */
  total: number;
  scanned: number;
  added: number;
  removed: number;
  /** Messages of the range in the stream once finished. */
  matched: number;
  startedAt: string;
  updatedAt: string;
  finishedAt?: string;
  error?: string;
}

/** What the API shows of a stream's latest job (`GET /api/streams`, `GET /api/streams/:id`). */
export type StreamBackfill = Pick<
  BackfillJob,
  'version' | 'state' | 'rangeFrom' | 'cutoff' | 'total' | 'scanned' | 'added' | 'removed' | 'matched' | 'startedAt' | 'finishedAt' | 'error'
>;

export function publicBackfill(job: BackfillJob): StreamBackfill {
  const { version, state, rangeFrom, cutoff, total, scanned, added, removed, matched, startedAt, finishedAt, error } = job;
  return {
    version, state, rangeFrom, cutoff, total, scanned, added, removed, matched, startedAt,
    ...(finishedAt ? { finishedAt } : {}),
    ...(error ? { error } : {}),
  };
}
