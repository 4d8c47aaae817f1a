/**
 * The `messages` table: what the classifier writes (idempotently, with a group commit), the
 * message list of the dashboard reads, newest first, and the messages people label, by id.
 * What it answers carries people's latest label beside the model's (lib/store/labels.ts).
 */
import { z } from 'zod';
import { AllStreamsId, type MessagesPage, type MessagesQuery } from '../contracts/api.ts';
import { PulseError } from '../errors.ts';
import { log } from '../log.ts';
import type { ScoredMessage, StoredMessage } from '../message.ts';
import { Labels } from '../sentiment.ts';
import { GroupCommit, type GroupCommitPacing } from './group-commit.ts';
import type { LabelRepository } from './labels.ts';
import { checkDates, checkPageLimit, Filters, idLookups, jsonText, pageOf, parseRows, sourceEquals, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

export interface InsertResult {
  inserted: number;
  /** Messages of the batch that were already stored, or repeated within the batch. */
  duplicates: number;
}

/**
 * Inserts start at least 150 ms apart unless a full classifier batch's worth of rows waits
 * (PULSE_BATCH_MAX's default): below saturation a message waits up to that much longer to be
 * stored and the engine does a fraction of the work; at saturation batches are full and go at
 * once. bench:pipeline on 2 cores, back-to-back → paced: 1,000 msgs/s offered, server CPU 121 →
 * 65 %, p50 ingest → visible 268 → 325 ms; 5,000 msgs/s, CPU 147 → 122 %, p99 747 → 637 ms;
 * 13,000 offered (saturated), 8,517 → 8,579 msgs/s sustained (three runs each, alternated).
 */
const insertPacing: GroupCommitPacing = { spacingMs: 150, enoughRows: 1024 };

const MessageRow = z.object({
  id: z.string(),
  ts: sqlDateTimeText,
  received_at: sqlDateTimeText,
  classified_at: sqlDateTimeText,
  source: z.string(),
  author: z.string().nullable(),
  lang: z.string().nullable(),
  url: z.string().nullable(),
  text: z.string(),
  meta: jsonText.pipe(z.record(z.string(), z.unknown())).nullable(),
  label: z.enum(Labels),
  confidence: z.number(),
  p_negative: z.number(),
  p_neutral: z.number(),
  p_positive: z.number(),
  score: z.number(),
  model: z.string(),
  streams: z.array(z.string()),
});
type MessageRow = z.infer<typeof MessageRow>;
const messageColumns = Object.keys(MessageRow.shape).join(', ');

export class MessageRepository {
  private readonly writes = new GroupCommit((batches: ReadonlyArray<readonly ScoredMessage[]>) => this.insertNew(batches), insertPacing);

  constructor(
    private readonly sql: SqlClient,
    private readonly labels: Pick<LabelRepository, 'latestOf'>,
  ) {}

  /**
   * Stores a batch of scored messages with one insert, idempotently by message id: ids already
   * stored (and repeats within the batch) are dropped before the insert. This write-path check
   * is what keeps `sentiment_1s` exact when the bus redelivers a batch: its materialized view
   * sums whatever is inserted, so a second insert of a message would count it twice in the
   * SummingMergeTree. The ReplacingMergeTree of `messages` (same id and ts, fixed at ingest)
   * is the second line of defence for the raw rows.
   *
   * Check-then-insert is only exact if nothing inserts the same ids in between, so inserts of
   * this process run one at a time (the {@link GroupCommit}); across processes the bus keys
   * partitions by message id, so one id is written by one consumer (outside a rebalance, where
   * the raw table still collapses it).
   */
  insert(rows: readonly ScoredMessage[]): Promise<InsertResult> {
    return this.writes.submit(rows);
  }

  /** Resolves when no insert is running (the store waits for this before it closes). */
  settled(): Promise<void> {
    return this.writes.settled();
  }

  /** Stored messages, newest first, one page at a time (keyset pagination on (ts, id)). */
  async list(q: MessagesQuery): Promise<MessagesPage> {
    checkPageLimit(q.limit);
    if (q.label !== undefined && !Labels.includes(q.label)) {
      throw new PulseError('QUERY_INVALID', `unknown label ${JSON.stringify(q.label)}`);
    }
    checkDates(q.from, q.to);
    // One more than asked tells whether another page follows.
    const filters = new Filters({ limit: q.limit + 1 })
      .equal('label', q.label)
      .with(q.source === undefined ? undefined : sourceEquals(q.source))
      .range('ts', q.from, q.to)
      .after(q.cursor, 'ts', 'id');
    const stream = q.stream ?? AllStreamsId;
    if (stream !== AllStreamsId) filters.add('has(streams, {stream:String})', { stream });
    if (q.q) filters.add('positionCaseInsensitiveUTF8(text, {q:String}) > 0', { q: q.q });
    // FINAL: a row the ReplacingMergeTree has not collapsed yet is still shown once.
    const rows = await this.sql.query(
      `SELECT ${messageColumns}
       FROM messages FINAL
       ${filters.where}
       ORDER BY ts DESC, id DESC
       LIMIT {limit:UInt32}`,
      filters.params,
    );
    const page = pageOf(parseRows(MessageRow, rows).map(fromRow), q.limit, (m) => [m.ts, m.id]);
    return { messages: await this.withHumanLabels(page.rows), ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /**
   * The stored messages of these ids (at most one query's worth, SqlClient.maxArrayParam), in no
   * particular order; an unknown id is left out. By id alone: the id's skip index (migration 10)
   * spares most of the table. Without FINAL, which would turn the index off: of a message not yet
   * collapsed by the ReplacingMergeTree, its latest classification is taken, as FINAL would.
   */
  async find(ids: readonly string[]): Promise<StoredMessage[]> {
    if (!ids.length) return [];
    if (ids.length > this.sql.maxArrayParam) throw new PulseError('QUERY_INVALID', `at most ${this.sql.maxArrayParam} ids at once`);
    const rows = await this.sql.query(
      `SELECT ${messageColumns}
       FROM messages
       WHERE id IN {ids:Array(String)}
       ORDER BY classified_at DESC
       LIMIT 1 BY id`,
      { ids: [...ids] },
    );
    return this.withHumanLabels(parseRows(MessageRow, rows).map(fromRow));
  }

  private async withHumanLabels(messages: ScoredMessage[]): Promise<StoredMessage[]> {
    const latest = await this.labels.latestOf(messages);
    return messages.map((m) => ({ ...m, humanLabel: latest.get(m.id) ?? null }));
  }

  /** One lookup and one insert for several batches; each batch learns what was new in it. */
  private async insertNew(batches: ReadonlyArray<readonly ScoredMessage[]>): Promise<InsertResult[]> {
    const seen = new Set<string>();
    const firsts = batches.map((rows) => rows.filter((m) => !seen.has(m.id) && seen.add(m.id)));
    const stored = await this.storedIds(firsts.flat());
    const fresh = firsts.map((rows) => rows.filter((m) => !stored.has(m.id)));
    await this.sql.insert('messages', fresh.flat().map(toRow));
    const results = batches.map((rows, i) => ({ inserted: fresh[i]!.length, duplicates: rows.length - fresh[i]!.length }));
    const duplicates = results.reduce((n, r) => n + r.duplicates, 0);
    if (duplicates) log.debug({ duplicates }, 'store dropped duplicate messages');
    return results;
  }

  /** Which of these messages are stored already; the (ts, id) primary key prunes the lookup. */
  private async storedIds(batch: readonly ScoredMessage[]): Promise<Set<string>> {
    const stored = new Set<string>();
    for (const lookup of idLookups(batch, this.sql.maxArrayParam)) {
      const found = await this.sql.query<{ id: string }>(
        `SELECT DISTINCT id FROM messages
         WHERE ts BETWEEN {min:DateTime64(3, 'UTC')} AND {max:DateTime64(3, 'UTC')} AND id IN {ids:Array(String)}`,
        lookup,
      );
      for (const { id } of found) stored.add(id);
    }
    return stored;
  }
}

function toRow(m: ScoredMessage): Record<string, unknown> {
  return {
    id: m.id,
    ts: sqlDateTime(new Date(m.ts)),
    received_at: sqlDateTime(new Date(m.receivedAt)),
    classified_at: sqlDateTime(new Date(m.classifiedAt)),
    source: m.source,
    author: m.author ?? null,
    lang: m.lang ?? null,
    url: m.url ?? null,
    text: m.text,
    meta: m.meta ? JSON.stringify(m.meta) : null,
    label: m.label,
    confidence: m.confidence,
    p_negative: m.probs.negative,
    p_neutral: m.probs.neutral,
    p_positive: m.probs.positive,
    score: m.score,
    model: m.model,
    streams: m.streams,
  } satisfies Record<keyof MessageRow, unknown>;
}

function fromRow(r: MessageRow): ScoredMessage {
  return {
    id: r.id,
    ts: r.ts,
    receivedAt: r.received_at,
    source: r.source,
    text: r.text,
    ...(r.author !== null ? { author: r.author } : {}),
    ...(r.lang !== null ? { lang: r.lang } : {}),
    ...(r.url !== null ? { url: r.url } : {}),
    ...(r.meta !== null ? { meta: r.meta } : {}),
    label: r.label,
    confidence: r.confidence,
    probs: { negative: r.p_negative, neutral: r.p_neutral, positive: r.p_positive },
    score: r.score,
    model: r.model,
    streams: r.streams,
    classifiedAt: r.classified_at,
  };
}
