/**
 * The `stream_backfills` table: one row per stream version's backfill job, rewritten as the job
 * goes (ReplacingMergeTree(revision): the highest revision is the job's state).
 */
import { z } from 'zod';
import { BackfillStates, type BackfillJob } from '../streams/backfill/job.ts';
import { parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const JobRow = z.object({
  stream: z.string(),
  version: z.number().int(),
  revision: z.number().int(),
  query: z.string(),
  sources: z.array(z.string()),
  state: z.enum(BackfillStates),
  range_from: sqlDateTimeText,
  cutoff: sqlDateTimeText,
  cursor: sqlDateTimeText,
  total: z.number().int(),
  scanned: z.number().int(),
  added: z.number().int(),
  removed: z.number().int(),
  matched: z.number().int(),
  started_at: sqlDateTimeText,
  updated_at: sqlDateTimeText,
  finished_at: sqlDateTimeText.nullable(),
  error: z.string().nullable(),
});
type JobRow = z.infer<typeof JobRow>;
const columns = Object.keys(JobRow.shape).map((c) => (c === 'state' ? 'toString(state) AS state' : c)).join(', ');

export class BackfillRepository {
  constructor(private readonly sql: SqlClient) {}

  async save(job: BackfillJob): Promise<void> {
    await this.sql.insert('stream_backfills', [toRow(job)]);
  }

  /** Each stream's job of its highest version, by stream id. */
  async latest(): Promise<Map<string, BackfillJob>> {
    const rows = await this.sql.query(`SELECT ${columns} FROM stream_backfills FINAL ORDER BY stream, version DESC LIMIT 1 BY stream`);
    return new Map(parseRows(JobRow, rows).map((r) => [r.stream, fromRow(r)]));
  }

  /** Jobs a stop or a crash left waiting or running, oldest version first. */
  async unfinished(): Promise<BackfillJob[]> {
    const rows = await this.sql.query(`SELECT ${columns} FROM stream_backfills FINAL WHERE state IN ('waiting', 'running') ORDER BY stream, version`);
    return parseRows(JobRow, rows).map(fromRow);
  }
}

function toRow(j: BackfillJob): Record<string, unknown> {
  return {
    stream: j.stream,
    version: j.version,
    revision: j.revision,
    query: j.query,
    sources: j.sources,
    state: j.state,
    range_from: sqlDateTime(new Date(j.rangeFrom)),
    cutoff: sqlDateTime(new Date(j.cutoff)),
    cursor: sqlDateTime(new Date(j.cursor)),
    total: j.total,
    scanned: j.scanned,
    added: j.added,
    removed: j.removed,
    matched: j.matched,
    started_at: sqlDateTime(new Date(j.startedAt)),
    updated_at: sqlDateTime(new Date(j.updatedAt)),
    finished_at: j.finishedAt ? sqlDateTime(new Date(j.finishedAt)) : null,
    error: j.error ?? null,
  } satisfies Record<keyof JobRow, unknown>;
}

function fromRow(r: JobRow): BackfillJob {
  return {
    stream: r.stream,
    version: r.version,
    revision: r.revision,
    query: r.query,
    sources: r.sources,
    state: r.state,
    rangeFrom: r.range_from,
    cutoff: r.cutoff,
    cursor: r.cursor,
    total: r.total,
    scanned: r.scanned,
    added: r.added,
    removed: r.removed,
    matched: r.matched,
    startedAt: r.started_at,
    updatedAt: r.updated_at,
    ...(r.finished_at !== null ? { finishedAt: r.finished_at } : {}),
    ...(r.error !== null ? { error: r.error } : {}),
  };
}
