/**
 * The store's domain API: what the classifier writes and what the server, the detector and the
 * dashboard read. Written once in ClickHouse SQL on a {@link SqlClient}; `Store.open` is the
 * only place that picks the backend.
 */
import { z } from 'zod';
import type { StoreConfig } from '../config.ts';
import { PulseError } from '../errors.ts';
import { log } from '../log.ts';
import type { Alert } from '../alerts/alert.ts';
import type { ScoredMessage } from '../message.ts';
import type { StreamRecord } from '../streams/stream.ts';
import { Labels, type Label, type SentimentPoint } from '../sentiment.ts';
import { ChdbClient } from './chdb.ts';
import { ServerClient } from './clickhouse.ts';
import { migrate } from './migrations.ts';
import { insertDeadLetters, listDeadLetters, type DeadLettersPage, type DeadLettersQuery, type StoredDeadLetter } from './dead-letters.ts';
import { insertDelivery, listDeliveries, type DeliveryAttempt } from './alert-deliveries.ts';
import { getAlert, getAlerts, insertAlert, listAlerts, type AlertsPage, type AlertsQuery } from './alerts.ts';
import { getStream, insertStreamVersion, listStreams, streamVersions } from './streams.ts';
import { exampleMessages, streamSeconds, termCounts, type ExampleMessage, type StreamSecond, type TermCounts, type TermCountsQuery } from './detector-reads.ts';
import { previewCandidates, type Candidate, type CandidatesQuery } from './stream-preview.ts';
import {
  getSession, insertKey, insertSession, insertUser, listKeys, listUsers, noteKeysUsed, type KeyRecord, type SessionRecord, type UserRecord,
} from './access.ts';
import { insertAudit, listAudit, type AuditEntry, type AuditQuery } from './audit.ts';
import { checkPageLimit, Filters, jsonText, pageOf, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient, type SqlParams } from './sql.ts';

export const Buckets = { '1s': 1, '10s': 10, '1m': 60, '5m': 300, '1h': 3600 } as const;
export type Bucket = keyof typeof Buckets;

/** The stream every message counts under, whichever keyword streams it matched. */
export const AllStreams = '*';

export interface StatsQuery {
  /** Default {@link AllStreams}. */
  stream?: string;
  /** Default: summed over all sources. */
  source?: string;
  /** Seconds in [from, to): `from` counts from the start of its second. */
  from: Date;
  to: Date;
  /** Buckets are aligned to multiples of their length since the Unix epoch, in UTC. */
  bucket: Bucket;
}

/** A stats bucket: `t` is its ISO start, `meanScore` the mean of p_positive − p_negative. */
export type StatsPoint = SentimentPoint;

export interface MessagesQuery {
  /** Default {@link AllStreams}. */
  stream?: string;
  label?: Label;
  source?: string;
  /** Case-insensitive substring of the text. */
  q?: string;
  /** Event time in [from, to). */
  from?: Date;
  to?: Date;
  /** 1 … {@link MaxPageSize}. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface MessagesPage {
  /** Newest first. */
  messages: ScoredMessage[];
  /** Present when there are more messages after this page. */
  nextCursor?: string;
}

export interface InsertResult {
  inserted: number;
  /** Messages of the batch that were already stored, or repeated within the batch. */
  duplicates: number;
}

export const MaxPageSize = 1000;
/** A stats answer has at most this many buckets: a wider range needs a coarser bucket. */
export const MaxBuckets = 100_000;
/**
 * Ids per existence lookup. @clickhouse/client sends parameters in the URL, which the server
 * caps (http_max_uri_size, 1 MiB); 1000 ids of up to 128 characters stay well below that.
 */
const lookupChunk = 1000;

const StatsRow = z.object({
  t: sqlDateTimeText,
  n: z.number(),
  neg: z.number(),
  neu: z.number(),
  pos: z.number(),
  score_total: z.number(),
});

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

export class Store {
  /** Batches waiting for the running insert (see flush). */
  private readonly pendingWrites: Array<{ rows: readonly ScoredMessage[]; resolve(r: InsertResult): void; reject(e: unknown): void }> = [];
  private flushing = false;
  /** The running flush, awaited by close(). */
  private writes: Promise<void> = Promise.resolve();

  private constructor(private readonly sql: SqlClient) {}

  /** Which backend answers (for logs and the health endpoint). */
  get kind(): SqlClient['kind'] {
    return this.sql.kind;
  }

  /** Opens the configured backend and brings its schema and retention up to date. */
  static async open(config: StoreConfig): Promise<Store> {
    const client =
      config.kind === 'chdb'
        ? ChdbClient.open(config.dataDir)
        : await ServerClient.connect({ url: config.url, user: config.user, password: config.password, database: config.database });
    return Store.fromClient(client, config.retentionDays);
  }

  /** A store on a client someone else opened (tests); the store owns it from here on. */
  static async fromClient(client: SqlClient, retentionDays: number): Promise<Store> {
    try {
      await migrate(client, retentionDays);
    } catch (err) {
      await client.close().catch(() => {});
      throw err;
    }
    log.info({ backend: client.kind, retentionDays }, 'store open');
    return new Store(client);
  }

  async close(): Promise<void> {
    await this.writes;
    await this.sql.close();
  }

  async ping(): Promise<void> {
    try {
      await this.sql.query('SELECT 1');
    } catch (err) {
      throw new PulseError('STORE_UNAVAILABLE', `store does not answer: ${(err as Error).message}`, { cause: err });
    }
  }

  /**
   * Stores a batch of scored messages with one insert, idempotently by message id: ids already
   * stored (and repeats within the batch) are dropped before the insert. This write-path check
   * is what keeps `sentiment_1s` exact when the bus redelivers a batch: its materialized view
   * sums whatever is inserted, so a second insert of a message would count it twice in the
   * SummingMergeTree. The ReplacingMergeTree of `messages` (same id and ts, fixed at ingest)
   * is the second line of defence for the raw rows.
   *
   * Check-then-insert is only exact if nothing inserts the same ids in between, so inserts of
   * this process run one at a time; across processes the bus keys partitions by message id,
   * so one id is written by one consumer (outside a rebalance, where the raw table still
   * collapses it).
   */
  insertScored(rows: readonly ScoredMessage[]): Promise<InsertResult> {
    return new Promise((resolve, reject) => {
      this.pendingWrites.push({ rows, resolve, reject });
      if (!this.flushing) this.writes = this.flush();
    });
  }

  /**
   * Group commit: batches that arrive while an insert is running wait for it and then go
   * into ClickHouse together, as one insert. Consumers working on several partitions at once
   * hand over small batches; this keeps them from paying one insert each.
   */
  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.pendingWrites.length) {
      const group = this.pendingWrites.splice(0);
      try {
        const results = await this.insertNew(group.map((w) => w.rows));
        group.forEach((w, i) => w.resolve(results[i]!));
      } catch (err) {
        for (const w of group) w.reject(err);
      }
    }
    this.flushing = false;
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
    for (let i = 0; i < batch.length; i += lookupChunk) {
      const chunk = batch.slice(i, i + lookupChunk);
      const times = chunk.map((m) => Date.parse(m.ts));
      const found = await this.sql.query<{ id: string }>(
        `SELECT DISTINCT id FROM messages
         WHERE ts BETWEEN {min:DateTime64(3, 'UTC')} AND {max:DateTime64(3, 'UTC')} AND id IN {ids:Array(String)}`,
        { min: new Date(Math.min(...times)), max: new Date(Math.max(...times)), ids: chunk.map((m) => m.id) },
      );
      for (const { id } of found) stored.add(id);
    }
    return stored;
  }

  /** Label counts and mean score per bucket, in time order, non-empty buckets only. */
  async stats(q: StatsQuery): Promise<StatsPoint[]> {
    if (!Object.hasOwn(Buckets, q.bucket)) throw new PulseError('QUERY_INVALID', `unknown bucket ${JSON.stringify(q.bucket)}`);
    const step = Buckets[q.bucket];
    checkDates(q.from, q.to);
    if (q.to <= q.from) throw new PulseError('QUERY_INVALID', 'from must be before to');
    if ((q.to.getTime() - q.from.getTime()) / 1000 / step > MaxBuckets) {
      throw new PulseError('QUERY_INVALID', `more than ${MaxBuckets} buckets of ${q.bucket}: use a coarser bucket`);
    }
    const params: SqlParams = {
      stream: q.stream ?? AllStreams,
      // The table holds whole seconds: a second is in the range when it starts in [from, to).
      from: new Date(Math.floor(q.from.getTime() / 1000) * 1000),
      to: q.to,
      step,
    };
    const where = ['stream = {stream:String}', "second >= {from:DateTime64(3, 'UTC')}", "second < {to:DateTime64(3, 'UTC')}"];
    if (q.source !== undefined) {
      where.push('source = {source:String}');
      params.source = q.source;
    }
    const rows = await this.sql.query(
      `SELECT
         toStartOfInterval(second, toIntervalSecond({step:UInt32})) AS t,
         sum(count) AS n,
         sum(negative) AS neg,
         sum(neutral) AS neu,
         sum(positive) AS pos,
         sum(score_sum) AS score_total
       FROM sentiment_1s
       WHERE ${where.join(' AND ')}
       GROUP BY t
       ORDER BY t`,
      params,
    );
    // Every stored second counted at least one message, so no bucket is empty or divides by 0.
    return parseRows(StatsRow, rows).map((r) => ({
      t: r.t,
      count: r.n,
      negative: r.neg,
      neutral: r.neu,
      positive: r.pos,
      meanScore: r.score_total / r.n,
    }));
  }

  /** Stored messages, newest first, one page at a time (keyset pagination on (ts, id)). */
  async messages(q: MessagesQuery): Promise<MessagesPage> {
    checkPageLimit(q.limit, MaxPageSize);
    if (q.label !== undefined && !Labels.includes(q.label)) {
      throw new PulseError('QUERY_INVALID', `unknown label ${JSON.stringify(q.label)}`);
    }
    checkDates(...[q.from, q.to].filter((d) => d !== undefined));
    // One more than asked tells whether another page follows.
    const filters = new Filters({ limit: q.limit + 1 })
      .equal('label', q.label)
      .equal('source', q.source)
      .range('ts', q.from, q.to)
      .after(q.cursor, 'ts', 'id');
    const stream = q.stream ?? AllStreams;
    if (stream !== AllStreams) filters.add('has(streams, {stream:String})', { stream });
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
    return { messages: page.rows, ...(page.nextCursor ? { nextCursor: page.nextCursor } : {}) };
  }

  /** Records dead letters from pulse.dlq (one insert); a redelivered letter collapses by its key. */
  insertDeadLetters(letters: readonly StoredDeadLetter[]): Promise<void> {
    return insertDeadLetters(this.sql, letters);
  }

  /** Dead letters, newest first, optionally of one stage (`ingest`, `classifier`, …). */
  deadLetters(q: DeadLettersQuery): Promise<DeadLettersPage> {
    return listDeadLetters(this.sql, q, MaxPageSize);
  }

  /** Records one attempt to deliver an alert event to a channel. */
  insertDelivery(attempt: DeliveryAttempt): Promise<void> {
    return insertDelivery(this.sql, attempt);
  }

  /** An alert's delivery attempts, newest first (at most {@link MaxPageSize}). */
  listDeliveries(alertId: string): Promise<DeliveryAttempt[]> {
    return listDeliveries(this.sql, alertId, MaxPageSize);
  }

  /** Writes a new version of a stream (its `version` must be above every stored one). */
  insertStreamVersion(stream: StreamRecord): Promise<void> {
    return insertStreamVersion(this.sql, stream);
  }

  /** Current versions of the streams that are not deleted. */
  listStreams(): Promise<StreamRecord[]> {
    return listStreams(this.sql);
  }

  /** The current version of a stream, deleted or not. */
  getStream(id: string): Promise<StreamRecord | undefined> {
    return getStream(this.sql, id);
  }

  /** Every version of a stream, newest first. */
  streamVersions(id: string): Promise<StreamRecord[]> {
    return streamVersions(this.sql, id);
  }

  /** Writes a version of an alert; the one with the latest `updatedAt` is the alert. */
  insertAlert(alert: Alert): Promise<void> {
    return insertAlert(this.sql, alert);
  }

  getAlert(id: string): Promise<Alert | undefined> {
    return getAlert(this.sql, id);
  }

  getAlerts(ids: readonly string[]): Promise<Map<string, Alert>> {
    return getAlerts(this.sql, ids);
  }

  /** Per-second aggregates of these streams in [from, to), seconds with messages only. */
  streamSeconds(streams: readonly string[], from: Date, to: Date): Promise<StreamSecond[]> {
    return streamSeconds(this.sql, streams, from, to);
  }

  /** Term frequencies of an alert's window against its baseline (top terms). */
  termCounts(q: TermCountsQuery): Promise<TermCounts> {
    return termCounts(this.sql, q);
  }

  /** The messages of a window that drove a shift. */
  exampleMessages(stream: string, from: Date, to: Date, order: 'negative' | 'positive' | 'newest', limit: number): Promise<ExampleMessage[]> {
    return exampleMessages(this.sql, stream, from, to, order, limit);
  }

  /** Stored messages that may match a stream being previewed. */
  previewCandidates(q: CandidatesQuery): Promise<Candidate[]> {
    return previewCandidates(this.sql, q);
  }

  /** Writes a version of a user (its `version` above every stored one). */
  insertUser(user: UserRecord): Promise<void> {
    return insertUser(this.sql, user);
  }

  /** Every user's current version, disabled ones included, by email. */
  listUsers(): Promise<UserRecord[]> {
    return listUsers(this.sql);
  }

  insertKey(key: KeyRecord): Promise<void> {
    return insertKey(this.sql, key);
  }

  /** Every key's current version (revoked ones included) with its last use, oldest first. */
  listKeys(): Promise<KeyRecord[]> {
    return listKeys(this.sql);
  }

  /** Key id → epoch ms of its latest use. */
  noteKeysUsed(used: ReadonlyMap<string, number>): Promise<void> {
    return noteKeysUsed(this.sql, used);
  }

  insertSession(session: SessionRecord): Promise<void> {
    return insertSession(this.sql, session);
  }

  getSession(idHash: string): Promise<SessionRecord | undefined> {
    return getSession(this.sql, idHash);
  }

  insertAudit(entry: AuditEntry): Promise<void> {
    return insertAudit(this.sql, entry);
  }

  /** The audit log, newest first. */
  audit(q: AuditQuery): Promise<{ entries: AuditEntry[]; nextCursor?: string }> {
    checkDates(...[q.from, q.to].filter((d) => d !== undefined));
    return listAudit(this.sql, q, MaxPageSize);
  }

  /** Alerts, newest opened first, with the history page's filters. */
  alerts(q: AlertsQuery): Promise<AlertsPage> {
    checkDates(...[q.from, q.to].filter((d) => d !== undefined));
    return listAlerts(this.sql, q, MaxPageSize);
  }
}

function checkDates(...dates: Date[]): void {
  for (const d of dates) {
    if (!(d instanceof Date) || Number.isNaN(d.getTime())) throw new PulseError('QUERY_INVALID', 'invalid date');
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
