/**
 * The `training_jobs` table (migration 13): one row per change of a training job's state,
 * append-only; the highest revision of a job is its state. The API queues a job (revision 1,
 * lib/training/jobs.ts); every later revision is written by the one trainer
 * (lib/training/runner.ts). `training_job_cancels` (migration 14): cancellations asked for
 * through the API, append-only, which the trainer reads. Also the job's reads of what to train
 * on: people's latest labels and the rows of uploaded sets.
 */
import { z } from 'zod';
import { TrainingJobStates, type TrainingJob } from '../contracts/training-jobs.ts';
import { Labels, type Label } from '../sentiment.ts';
import { jsonText, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const JobRow = z.object({
  id: z.string(),
  revision: z.number().int(),
  state: z.enum(TrainingJobStates),
  progress: z.number(),
  phase: z.string(),
  epochs: z.number().int(),
  sets: z.array(z.string()),
  include_labels: z.number().int(),
  dev: jsonText.pipe(z.object({ epoch: z.number().int(), accuracy: z.number(), macroRecall: z.number() }).nullable()),
  model_version: z.string().nullable(),
  reason: z.string().nullable(),
  created_by: z.string(),
  created_at: sqlDateTimeText,
  updated_at: sqlDateTimeText,
});
type JobRow = z.infer<typeof JobRow>;
const columns = Object.keys(JobRow.shape).map((c) => (c === 'state' ? 'toString(state) AS state' : c)).join(', ');

/** A job as stored: its state and the revision it was written at. */
export interface StoredTrainingJob {
  job: TrainingJob;
  revision: number;
}

/** A labelled text to train or evaluate on. */
export interface TrainingText {
  /** A message's id (people's labels) or `<set>:<line>` (uploaded sets). */
  id: string;
  text: string;
  label: Label;
}

/** A cancellation asked for through the API: who asked (as the job's reason names them). */
export interface CancelRequest {
  by: string;
  at: string;
}

const CancelRow = z.object({ by: z.string(), at: sqlDateTimeText });

const TextRow = z.object({ id: z.string(), text: z.string(), label: z.enum(Labels) });

/** Jobs `GET /api/models/jobs` lists. */
const listed = 50;

export class TrainingJobRepository {
  constructor(private readonly sql: SqlClient) {}

  async save({ job, revision }: StoredTrainingJob): Promise<void> {
    await this.sql.insert('training_jobs', [{
      id: job.id, revision, state: job.state, progress: job.progress, phase: job.phase, epochs: job.epochs, sets: job.sets,
      include_labels: job.includeLabels ? 1 : 0, dev: JSON.stringify(job.dev), model_version: job.modelVersion, reason: job.reason,
      created_by: job.createdBy, created_at: sqlDateTime(new Date(job.createdAt)), updated_at: sqlDateTime(new Date(job.updatedAt)),
    }]);
  }

  /** The newest jobs first, each at its latest revision. */
  async list(): Promise<StoredTrainingJob[]> {
    return this.read(`ORDER BY created_at DESC, id LIMIT ${listed}`);
  }

  async get(id: string): Promise<StoredTrainingJob | undefined> {
    const [job] = await this.read('', `WHERE id = {id:String}`, { id });
    return job;
  }

  /** Jobs queued or running, the oldest first (one, unless two servers queued at the same moment). */
  async active(): Promise<StoredTrainingJob[]> {
    return this.read('ORDER BY created_at', '', {}, `WHERE state IN ('queued', 'running')`);
  }

  /** Asks the trainer to cancel the job (any number of times: the first request names who). */
  async requestCancel(jobId: string, by: string, at: Date): Promise<void> {
    await this.sql.insert('training_job_cancels', [{ job_id: jobId, at: sqlDateTime(at), by }]);
  }

  /** The first cancellation asked for the job, if any. */
  async cancelRequest(jobId: string): Promise<CancelRequest | undefined> {
    const rows = await this.sql.query(
      `SELECT by, at FROM training_job_cancels WHERE job_id = {id:String} ORDER BY at LIMIT 1`,
      { id: jobId },
    );
    return parseRows(CancelRow, rows)[0];
  }

  /** Every message's latest label as people gave it, with the text kept beside it. */
  async peopleLabels(): Promise<TrainingText[]> {
    const rows = await this.sql.query(
      `SELECT message_id AS id, argMax(text, at) AS text, toString(argMax(label, at)) AS label FROM message_labels GROUP BY message_id ORDER BY message_id`,
    );
    return parseRows(TextRow, rows);
  }

  /** The rows of these uploaded sets (deleted sets' rows are gone with them). */
  async setRows(setIds: readonly string[]): Promise<TrainingText[]> {
    if (!setIds.length) return [];
    const rows = await this.sql.query(
      `SELECT concat(set_id, ':', toString(line)) AS id, text, toString(label) AS label
       FROM training_set_rows WHERE set_id IN {ids:Array(String)} ORDER BY set_id, line`,
      { ids: [...setIds] },
    );
    return parseRows(TextRow, rows);
  }

  private async read(tail: string, inner = '', params: Record<string, unknown> = {}, outer = ''): Promise<StoredTrainingJob[]> {
    const rows = await this.sql.query(
      `SELECT ${columns} FROM (
         SELECT * FROM training_jobs ${inner} ORDER BY id, revision DESC LIMIT 1 BY id
       ) ${outer} ${tail}`,
      params,
    );
    return parseRows(JobRow, rows).map(fromRow);
  }
}

function fromRow(r: JobRow): StoredTrainingJob {
  return {
    revision: r.revision,
    job: {
      id: r.id, state: r.state, progress: r.progress, phase: r.phase, epochs: r.epochs, sets: r.sets, includeLabels: r.include_labels === 1,
      dev: r.dev, modelVersion: r.model_version, reason: r.reason, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at,
    },
  };
}
