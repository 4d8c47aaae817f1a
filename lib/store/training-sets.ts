/**
 * The `training_sets` and `training_set_rows` tables (migration 11): labelled sets uploaded for
 * training (lib/training/). A set's rows are written before its own row, so a set is listed
 * only once all of its rows are stored; an upload cut short leaves rows no set names, which
 * nothing reads.
 */
import { z } from 'zod';
import { Labels } from '../sentiment.ts';
import { TrainingSetFormats, type LabelledRow, type RowRefusal, type TrainingSet } from '../contracts/training-sets.ts';
import { jsonText, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const SetRow = z.object({
  id: z.string(),
  name: z.string(),
  domain: z.string(),
  format: z.enum(TrainingSetFormats),
  rows: z.number().int(),
  refused: z.number().int(),
  refusals: jsonText.pipe(z.array(z.object({ line: z.number().int(), reason: z.string() }))),
  created_by: z.string(),
  created_at: sqlDateTimeText,
});
const columns = Object.keys(SetRow.shape).map((c) => (c === 'format' ? 'toString(format) AS format' : c)).join(', ');

const SampleRow = z.object({ line: z.number().int(), text: z.string(), label: z.enum(Labels) });

/** Rows per insert: a 100,000-row set is written in a few inserts, none of them huge. */
const rowsPerInsert = 20_000;

export interface StoredTrainingSet {
  set: TrainingSet;
  /** The first refused rows, as the upload's answer listed them. */
  refusals: RowRefusal[];
}

function toSet(r: z.infer<typeof SetRow>): StoredTrainingSet {
  return {
    set: { id: r.id, name: r.name, domain: r.domain, format: r.format, rows: r.rows, refused: r.refused, createdAt: r.created_at, createdBy: r.created_by },
    refusals: r.refusals,
  };
}

export class TrainingSetRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Stores a new set: its rows, then the set itself (see the module's comment). */
  async insert(stored: StoredTrainingSet, rows: readonly LabelledRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += rowsPerInsert) {
      await this.sql.insert('training_set_rows', rows.slice(i, i + rowsPerInsert).map((r) => ({ set_id: stored.set.id, line: r.line, text: r.text, label: r.label })));
    }
    await this.sql.insert('training_sets', [this.row(stored, 1, false)]);
  }

  /** Every set not deleted, newest first. */
  async list(): Promise<TrainingSet[]> {
    const rows = await this.sql.query(`SELECT ${columns} FROM training_sets FINAL WHERE deleted = 0 ORDER BY created_at DESC, id`);
    return parseRows(SetRow, rows).map((r) => toSet(r).set);
  }

  async get(id: string): Promise<StoredTrainingSet | undefined> {
    const rows = await this.sql.query(`SELECT ${columns} FROM training_sets FINAL WHERE id = {id:String} AND deleted = 0`, { id });
    const [row] = parseRows(SetRow, rows);
    return row && toSet(row);
  }

  /** The set's first `limit` rows, in file order. */
  async sample(id: string, limit: number): Promise<LabelledRow[]> {
    const rows = await this.sql.query(
      `SELECT line, text, toString(label) AS label FROM training_set_rows WHERE set_id = {id:String} ORDER BY line LIMIT {limit:UInt32}`,
      { id, limit },
    );
    return parseRows(SampleRow, rows);
  }

  /** Marks the set deleted, then deletes its rows: once it is unlisted, a cut between the two leaves only unread rows. */
  async remove(stored: StoredTrainingSet): Promise<void> {
    await this.sql.insert('training_sets', [this.row(stored, 2, true)]);
    // mutations_sync = 2: returns once every replica has it (on a single server or chdb: once done).
    await this.sql.command('ALTER TABLE training_set_rows DELETE WHERE set_id = {id:String} SETTINGS mutations_sync = 2', { id: stored.set.id });
  }

  private row({ set, refusals }: StoredTrainingSet, revision: number, deleted: boolean) {
    return {
      id: set.id, revision, name: set.name, domain: set.domain, format: set.format, rows: set.rows, refused: set.refused,
      refusals: JSON.stringify(refusals), created_by: set.createdBy, created_at: sqlDateTime(new Date(set.createdAt)), deleted: deleted ? 1 : 0,
    };
  }
}
