/**
 * The schema, as versioned migrations applied in order at start and recorded in
 * `schema_migrations`, plus retention: the TTL of the time-series tables follows
 * `retentionDays` and a changed setting takes effect on the next start.
 *
 * ClickHouse has no transactional DDL, so a migration is recorded only after all of its
 * statements ran, and every statement must be idempotent (`IF NOT EXISTS`, …): a start that
 * died halfway simply runs the whole migration again.
 */
import { z } from 'zod';
import { PulseError } from '../errors.ts';
import { log } from '../log.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';
import { TermCountsBuffer, TermCountsView, termRows } from './term-tokens.ts';

export interface Migration {
  version: number;
  name: string;
  statements(ctx: { retentionDays: number }): string[];
}

/** Tables whose rows expire, and the date-time each row's age is counted from. */
const retained = {
  messages: 'toDateTime(ts)',
  sentiment_1s: 'second',
  alerts: 'toDateTime(created_at)',
  dead_letters: 'toDateTime(at)',
  alert_deliveries: 'toDateTime(at)',
  term_counts: 'bucket',
  shadow_labels: 'toDateTime(ts)',
  drift_readings: 'toDateTime(at)',
} as const;
type RetainedTable = keyof typeof retained;

/** The one spelling of a table's TTL, shared by CREATE (migrations) and ALTER (retention). */
function ttl(table: RetainedTable, retentionDays: number): string {
  return `TTL ${retained[table]} + INTERVAL ${retentionDays} DAY`;
}

export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'messages, per-second sentiment, alerts, streams',
    statements: ({ retentionDays }) => [
      // Every scored field. ORDER BY (ts, id) serves time-range reads and makes an id lookup
      // within a batch's time range cheap; a redelivered message has the same id and ts (both
      // fixed at ingest), so ReplacingMergeTree collapses it onto one row, keeping the latest
      // classification.
      `CREATE TABLE IF NOT EXISTS messages (
        id String,
        ts DateTime64(3, 'UTC'),
        received_at DateTime64(3, 'UTC'),
        classified_at DateTime64(3, 'UTC'),
        source LowCardinality(String),
        author Nullable(String),
        lang LowCardinality(Nullable(String)),
        url Nullable(String),
        text String,
        meta Nullable(String) COMMENT 'JSON object',
        label Enum8('negative' = 1, 'neutral' = 2, 'positive' = 3),
        confidence Float32,
        p_negative Float32,
        p_neutral Float32,
        p_positive Float32,
        score Float32 COMMENT 'p_positive - p_negative',
        model LowCardinality(String),
        streams Array(String)
      )
      ENGINE = ReplacingMergeTree(classified_at)
      PARTITION BY toDate(ts)
      ORDER BY (ts, id)
      ${ttl('messages', retentionDays)}`,
      // Per second, stream and source. Rows of one key are summed by merges whenever they
      // happen, so readers always aggregate with sum() … GROUP BY.
      `CREATE TABLE IF NOT EXISTS sentiment_1s (
        second DateTime('UTC'),
        stream LowCardinality(String) COMMENT '* = all messages',
        source LowCardinality(String),
        count UInt64,
        negative UInt64,
        neutral UInt64,
        positive UInt64,
        score_sum Float64
      )
      ENGINE = SummingMergeTree
      PARTITION BY toDate(second)
      ORDER BY (stream, source, second)
      ${ttl('sentiment_1s', retentionDays)}`,
      // Runs on every block inserted into messages. It sees inserts, not the table, which is
      // why the write path must never insert a message twice (see MessageRepository.insert).
      // '*' is AllStreamsId (lib/contracts/api.ts): every message also counts under it.
      `CREATE MATERIALIZED VIEW IF NOT EXISTS sentiment_1s_mv TO sentiment_1s AS
      SELECT
        toDateTime(ts, 'UTC') AS second,
        stream,
        source,
        count() AS count,
        countIf(label = 'negative') AS negative,
        countIf(label = 'neutral') AS neutral,
        countIf(label = 'positive') AS positive,
        sum(toFloat64(score)) AS score_sum
      FROM messages
      ARRAY JOIN arrayConcat(['*'], streams) AS stream
      GROUP BY second, stream, source`,
      // One row per change of an alert; the latest updated_at wins.
      `CREATE TABLE IF NOT EXISTS alerts (
        id String,
        stream LowCardinality(String),
        created_at DateTime64(3, 'UTC'),
        updated_at DateTime64(3, 'UTC'),
        status Enum8('open' = 1, 'acknowledged' = 2, 'resolved' = 3),
        severity LowCardinality(String),
        direction LowCardinality(String),
        z Float64,
        payload String COMMENT 'JSON object'
      )
      ENGINE = ReplacingMergeTree(updated_at)
      ORDER BY id
      ${ttl('alerts', retentionDays)}`,
      // Configuration, never expired: one row per version of a stream, the highest wins;
      // deleting writes a new version with deleted = 1.
      `CREATE TABLE IF NOT EXISTS streams (
        id String,
        version UInt64,
        name String,
        query String,
        sources Array(String),
        rule String COMMENT 'JSON object',
        created_at DateTime64(3, 'UTC'),
        deleted UInt8
      )
      ENGINE = ReplacingMergeTree(version)
      ORDER BY id`,
    ],
  },
  {
    version: 2,
    name: 'dead letters',
    statements: ({ retentionDays }) => [
      // What pulse.dlq carried, so operators can see refused messages without a Kafka client.
      // `key` is the letter's place on the bus: a redelivered letter collapses onto one row.
      `CREATE TABLE IF NOT EXISTS dead_letters (
        at DateTime64(3, 'UTC'),
        key String,
        stage LowCardinality(String),
        reason String,
        message_id Nullable(String),
        payload String COMMENT 'JSON: the original payload'
      )
      ENGINE = ReplacingMergeTree
      PARTITION BY toDate(at)
      ORDER BY (at, key)
      ${ttl('dead_letters', retentionDays)}`,
    ],
  },
  {
    version: 3,
    name: 'alert deliveries',
    statements: ({ retentionDays }) => [
      // One row per attempt to deliver an alert event to a channel. Every attempt is a fact of
      // its own, so a plain MergeTree: nothing to collapse. ORDER BY alert_id first because the
      // table is read one alert at a time; alerts are few, so no partitioning (as `alerts`).
      `CREATE TABLE IF NOT EXISTS alert_deliveries (
        at DateTime64(3, 'UTC') COMMENT 'when the attempt ended',
        alert_id String,
        delivery_id String COMMENT 'one per alert event and channel, the same on every retry',
        channel LowCardinality(String),
        target String COMMENT 'redacted: scheme, host and port only',
        event Enum8('opened' = 1, 'updated' = 2, 'resolved' = 3),
        attempt UInt16,
        status Enum8('ok' = 1, 'failed' = 2, 'refused' = 3),
        http_status Nullable(UInt16),
        error Nullable(String)
      )
      ENGINE = MergeTree
      ORDER BY (alert_id, at)
      ${ttl('alert_deliveries', retentionDays)}`,
    ],
  },
  {
    version: 4,
    name: 'stream channels, alert kind',
    statements: () => [
      // The alert channels of a stream version: JSON array of lib/streams/stream.ts StoredChannel.
      `ALTER TABLE streams ADD COLUMN IF NOT EXISTS channels String DEFAULT '[]' COMMENT 'JSON array'`,
      // The history page filters on it (sentiment or volume).
      `ALTER TABLE alerts ADD COLUMN IF NOT EXISTS kind LowCardinality(String) DEFAULT 'sentiment' AFTER stream`,
    ],
  },
  {
    version: 5,
    name: 'users, API keys, sessions, audit log',
    statements: () => [
      // Configuration tables hold one row per version, the highest wins (as streams).
      `CREATE TABLE IF NOT EXISTS users (
        id String,
        version UInt64,
        email String,
        role LowCardinality(String),
        password_hash String COMMENT 'argon2id',
        sessions_since DateTime64(3, 'UTC') COMMENT 'sessions created earlier are void (password changed)',
        disabled UInt8,
        created_at DateTime64(3, 'UTC'),
        updated_at DateTime64(3, 'UTC')
      )
      ENGINE = ReplacingMergeTree(version)
      ORDER BY id`,
      `CREATE TABLE IF NOT EXISTS api_keys (
        id String,
        version UInt64,
        name String,
        secret_hash String COMMENT 'SHA-256 of the token secret',
        scopes Array(LowCardinality(String)),
        created_by String,
        created_at DateTime64(3, 'UTC'),
        revoked_at Nullable(DateTime64(3, 'UTC'))
      )
      ENGINE = ReplacingMergeTree(version)
      ORDER BY id`,
      // Written at most once a minute per key: a key in use must not cost a row per request.
      `CREATE TABLE IF NOT EXISTS api_key_usage (
        id String,
        last_used_at DateTime64(3, 'UTC')
      )
      ENGINE = ReplacingMergeTree(last_used_at)
      ORDER BY id`,
      // A logout or a revocation writes the row again with revoked_at; expired rows go a day later.
      `CREATE TABLE IF NOT EXISTS sessions (
        id_hash String COMMENT 'SHA-256 of the cookie value',
        user_id String,
        created_at DateTime64(3, 'UTC'),
        expires_at DateTime64(3, 'UTC'),
        revoked_at Nullable(DateTime64(3, 'UTC')),
        updated_at DateTime64(3, 'UTC')
      )
      ENGINE = ReplacingMergeTree(updated_at)
      ORDER BY id_hash
      TTL toDateTime(expires_at) + INTERVAL 1 DAY`,
      // Kept without expiry: who changed what is asked long after.
      `CREATE TABLE IF NOT EXISTS audit_log (
        at DateTime64(3, 'UTC'),
        id String,
        actor_kind LowCardinality(String),
        actor_id String,
        actor_name String,
        action LowCardinality(String),
        target_kind LowCardinality(String),
        target_id String,
        ip String,
        detail String COMMENT 'JSON object'
      )
      ENGINE = ReplacingMergeTree
      ORDER BY (at, id)`,
    ],
  },
  {
    version: 6,
    name: 'alert delivery events: escalated, acknowledged',
    statements: () => [
      // People's actions and escalations are delivered to the channels too. Adding enum values
      // at the end changes only the table's metadata, no row is rewritten.
      `ALTER TABLE alert_deliveries MODIFY COLUMN event Enum8('opened' = 1, 'updated' = 2, 'resolved' = 3, 'escalated' = 4, 'acknowledged' = 5)`,
    ],
  },
  {
    version: 7,
    name: 'top terms per minute and hour',
    statements: ({ retentionDays }) => [
      // Messages holding a term (word, #hashtag or @mention: lib/store/term-tokens.ts) per
      // minute, ten minutes and hour, stream ('*' = all), source and label. The grains share one
      // table, so an insert into messages writes one part for all of them: on the write path the
      // part, not the rows in it, is what costs (bench:terms). The coarse grains let a day's top
      // terms read ~24 rows per term instead of 1,440. Counts are signed: a stream created or
      // changed later adds or takes away its messages' terms (StreamAggregate). Readers sum().
      `CREATE TABLE IF NOT EXISTS term_counts (
        grain Enum8('minute' = 1, 'ten_minutes' = 2, 'hour' = 3),
        bucket DateTime('UTC') COMMENT 'start of the minute, ten minutes or hour',
        stream LowCardinality(String) COMMENT '* = all messages',
        source LowCardinality(String),
        kind Enum8('term' = 1, 'hashtag' = 2, 'mention' = 3),
        term String,
        negative Int32,
        neutral Int32,
        positive Int32
      )
      ENGINE = SummingMergeTree
      PARTITION BY toDate(bucket)
      ORDER BY (grain, stream, bucket, source, kind, term)
      ${ttl('term_counts', retentionDays)}`,
      // The view writes here, and the buffer writes a part of term_counts every 10 s: a part per
      // classified batch would double the insert's CPU (bench:terms). Migration 16 replaced both.
      `CREATE TABLE IF NOT EXISTS term_counts_buffer AS term_counts
      ENGINE = Buffer(currentDatabase(), term_counts, 1, 10, 10, 0, 1000000, 0, 100000000)`,
      // Like sentiment_1s_mv, it sees inserts only: messages stored before this migration are
      // not counted (a backfill of all of them would stall the start of a large store).
      `CREATE MATERIALIZED VIEW IF NOT EXISTS term_counts_mv TO term_counts_buffer AS ${termRows({ kind: 'view' })}`,
    ],
  },
  {
    version: 8,
    name: 'stream backfill jobs',
    statements: () => [
      // One job per stream version whose query or sources changed: it brings the stored messages
      // of the past (ts >= range_from, classified before cutoff) in line with that version
      // (lib/streams/backfill/). A job is rewritten as it goes; the highest revision wins. The
      // query and sources are the version's own, so a resumed job needs nothing else.
      `CREATE TABLE IF NOT EXISTS stream_backfills (
        stream String,
        version UInt64,
        revision UInt64 COMMENT 'bumped on every write of the job',
        query String,
        sources Array(String),
        state Enum8('waiting' = 1, 'running' = 2, 'finished' = 3, 'failed' = 4, 'superseded' = 5),
        range_from DateTime64(3, 'UTC'),
        cutoff DateTime64(3, 'UTC') COMMENT 'messages classified from here on were tagged live',
        cursor DateTime64(3, 'UTC') COMMENT 'messages with ts before it are done',
        total UInt64 COMMENT 'messages to check, counted when the job starts running',
        scanned UInt64,
        added UInt64,
        removed UInt64,
        matched UInt64 COMMENT 'messages of the range in the stream, counted when finished',
        started_at DateTime64(3, 'UTC'),
        updated_at DateTime64(3, 'UTC'),
        finished_at Nullable(DateTime64(3, 'UTC')),
        error Nullable(String)
      )
      ENGINE = ReplacingMergeTree(revision)
      ORDER BY (stream, version)`,
    ],
  },
  {
    version: 9,
    name: 'example streams',
    statements: () => [
      // Set on the streams Pulse creates on a first run with the demo on (lib/demo/examples.ts),
      // so the dashboard can badge them and remove them all in one click.
      `ALTER TABLE streams ADD COLUMN IF NOT EXISTS example UInt8 DEFAULT 0`,
    ],
  },
  {
    version: 10,
    name: 'people\'s labels',
    statements: () => [
      // Append-only: every label a person gives is a row, the latest per message wins (argMax on
      // `at`). Ordered by the message's (ts, id) like `messages`, so the labels of a listed page
      // or of a window are read by range. The text is kept with the label so it stays a whole
      // training example (text, label) after the message itself is past its retention; like
      // the audit log, people's work has no TTL.
      `CREATE TABLE IF NOT EXISTS message_labels (
        message_id String,
        ts DateTime64(3, 'UTC') COMMENT 'the message''s event time',
        at DateTime64(3, 'UTC') COMMENT 'when the person labelled it',
        label Enum8('negative' = 1, 'neutral' = 2, 'positive' = 3),
        model_label Enum8('negative' = 1, 'neutral' = 2, 'positive' = 3) COMMENT 'the stored message''s label then',
        model LowCardinality(String) COMMENT 'the model that gave model_label',
        text String,
        by_kind LowCardinality(String),
        by_id String,
        by_name String COMMENT 'email, key name, or someone (open mode)'
      )
      ENGINE = MergeTree
      ORDER BY (ts, message_id, at)`,
      // Labelling finds messages by id alone (the API has no time); the skip index lets that
      // lookup read only the granules that may hold the ids. Parts written before it have no
      // index and are read whole until retention removes them.
      `ALTER TABLE messages ADD INDEX IF NOT EXISTS message_id_bloom id TYPE bloom_filter(0.01) GRANULARITY 1`,
    ],
  },
  {
    version: 11,
    name: 'labelled training sets',
    statements: () => [
      // One row per set, rewritten once when it is deleted (the highest revision wins). The
      // first refused rows are kept with it, so the set's page can still say why later. Like
      // people's labels, uploaded sets have no TTL: they are data to train on, not traffic.
      `CREATE TABLE IF NOT EXISTS training_sets (
        id String,
        revision UInt32,
        name String,
        domain String,
        format Enum8('csv' = 1, 'jsonl' = 2),
        rows UInt32 COMMENT 'accepted rows, in training_set_rows',
        refused UInt32 COMMENT 'refused rows, all of them',
        refusals String COMMENT 'JSON [{line, reason}]: the first refused rows',
        created_by String,
        created_at DateTime64(3, 'UTC'),
        deleted UInt8
      )
      ENGINE = ReplacingMergeTree(revision)
      ORDER BY id`,
      `CREATE TABLE IF NOT EXISTS training_set_rows (
        set_id String,
        line UInt32 COMMENT 'the row''s line in the uploaded file',
        text String,
        label Enum8('negative' = 1, 'neutral' = 2, 'positive' = 3)
      )
      ENGINE = MergeTree
      ORDER BY (set_id, line)`,
    ],
  },  {
    version: 12,
    name: 'model registry, champions and shadows',
    statements: ({ retentionDays }) => [
      // One row per model version (the hash of its weights); registering it again (its
      // evaluation added later) writes a newer row, the highest `updated_at` wins. Models are
      // what people trained: like their labels, the registry has no TTL.
      `CREATE TABLE IF NOT EXISTS models (
        version String,
        name String,
        dir String COMMENT 'absolute folder every classifier process can read',
        source LowCardinality(String) COMMENT 'shipped, trained or folder',
        created_at DateTime64(3, 'UTC'),
        created_by Nullable(String),
        data String COMMENT 'JSON: what it was trained on',
        metrics String COMMENT 'JSON: its evaluation',
        updated_at DateTime64(3, 'UTC')
      )
      ENGINE = ReplacingMergeTree(updated_at)
      ORDER BY version`,
      // Append-only: every promotion and rollback is a row; the latest row names the champion
      // (an empty version: the configured model). Every classifier process polls it.
      `CREATE TABLE IF NOT EXISTS model_champions (
        id String,
        at DateTime64(3, 'UTC'),
        action LowCardinality(String) COMMENT 'promote or rollback',
        from_version String COMMENT 'empty: the configured model',
        to_version String COMMENT 'empty: the configured model',
        by String
      )
      ENGINE = MergeTree
      ORDER BY (at, id)`,
      // Append-only like the champions: the latest row says which challenger runs in shadow on
      // which share of live traffic (an empty version: none).
      `CREATE TABLE IF NOT EXISTS model_shadows (
        id String,
        at DateTime64(3, 'UTC'),
        version String COMMENT 'empty: shadow stopped',
        sample Float64,
        by String
      )
      ENGINE = MergeTree
      ORDER BY (at, id)`,
      // The challenger's label of a sampled message beside the champion's; traffic, so it
      // expires with the messages.
      `CREATE TABLE IF NOT EXISTS shadow_labels (
        id String,
        ts DateTime64(3, 'UTC') COMMENT 'the message''s event time',
        version String COMMENT 'the challenger',
        champion_version String COMMENT 'the champion as its rows name it: name@version',
        champion_label Enum8('negative' = 1, 'neutral' = 2, 'positive' = 3),
        challenger_label Enum8('negative' = 1, 'neutral' = 2, 'positive' = 3)
      )
      ENGINE = MergeTree
      PARTITION BY toDate(ts)
      ORDER BY (version, ts, id)
      ${ttl('shadow_labels', retentionDays)}`,
    ],
  },
  {
    version: 13,
    name: 'training jobs',
    statements: () => [
      // Append-only: every change of a job's state is a row, the highest revision per job wins
      // (lib/store/training-jobs.ts). A job is a record of what trained which model: no TTL.
      `CREATE TABLE IF NOT EXISTS training_jobs (
        id String,
        revision UInt32,
        state Enum8('queued' = 1, 'running' = 2, 'succeeded' = 3, 'failed' = 4, 'cancelled' = 5),
        progress Float64 COMMENT '0-1 over the whole job',
        phase String,
        epochs UInt16,
        sets Array(String),
        include_labels UInt8,
        dev String COMMENT 'JSON {epoch, accuracy, macroRecall} of the last epoch, or null',
        model_version Nullable(String),
        reason Nullable(String),
        created_by String,
        created_at DateTime64(3, 'UTC'),
        updated_at DateTime64(3, 'UTC')
      )
      ENGINE = MergeTree
      ORDER BY (id, revision)`,
    ],
  },
  {
    version: 14,
    name: 'training job cancellations',
    statements: () => [
      // Append-only: a cancel asked for through the API of any server; the one trainer
      // (lib/training/runner.ts) reads it for its job and kills the job's process.
      `CREATE TABLE IF NOT EXISTS training_job_cancels (
        job_id String,
        at DateTime64(3, 'UTC'),
        by String
      )
      ENGINE = MergeTree
      ORDER BY (job_id, at)`,
    ],
  },
  {
    version: 15,
    name: 'drift watch',
    statements: ({ retentionDays }) => [
      // One reference per model and stream (lib/drift/watch.ts takes it once the model has
      // scored enough of the stream's messages); a newer one replaces it.
      `CREATE TABLE IF NOT EXISTS drift_references (
        model String COMMENT 'name@version, as messages.model',
        stream String,
        taken_at DateTime64(3, 'UTC'),
        from_ts DateTime64(3, 'UTC'),
        to_ts DateTime64(3, 'UTC'),
        profile String COMMENT 'JSON DriftProfile (lib/drift/profile.ts)'
      )
      ENGINE = ReplacingMergeTree(taken_at)
      ORDER BY (model, stream)`,
      `CREATE TABLE IF NOT EXISTS drift_readings (
        at DateTime64(3, 'UTC'),
        model String,
        stream String,
        state Enum8('reference' = 1, 'few' = 2, 'steady' = 3, 'drifting' = 4),
        messages UInt32,
        psi_confidence Float64,
        psi_labels Float64,
        psi_unknown Float64,
        unknown_rate Float64,
        reference_unknown_rate Float64
      )
      ENGINE = MergeTree
      ORDER BY (model, stream, at)
      ${ttl('drift_readings', retentionDays)}`,
    ],
  },
  {
    version: 16,
    name: 'term counts flushed in the background',
    statements: () => [
      // Migration 7's buffer had one layer, flushed every 10 s by whichever insert found it due,
      // or by the engine's background flush holding that layer's lock: either way the inserts of
      // classified batches stood still for the flush, ~450 ms of sorting and summing 10 s of term
      // rows at 5,000 msgs/s (bench:pipeline: the worst second's latency +300 ms every 10 s).
      // Now only the background flushes (flush_time), one layer at a time, and an insert that
      // finds one layer locked writes into the other; every 2 s rather than 10, so a flush's CPU
      // comes in small pieces (sustained msgs/s at saturation the same as with 10 s, three runs
      // each). The 30-s min/max conditions only bound memory should the background flush fail.
      // A process killed with chdb loses up to 2 s of term counts (Store.close flushes).
      //
      // New names, each statement idempotent and safe when several processes start at once:
      // the old view is dropped first, so messages stored between these statements (only by a
      // process already running) are not counted, rather than counted twice. Dropping a Buffer
      // table writes what it holds into term_counts.
      'DROP VIEW IF EXISTS term_counts_mv',
      'DROP TABLE IF EXISTS term_counts_buffer',
      `CREATE TABLE IF NOT EXISTS ${TermCountsBuffer} AS term_counts
      ENGINE = Buffer(currentDatabase(), term_counts, 2, 30, 30, 0, 1000000, 0, 100000000, 2, 0, 0)`,
      `CREATE MATERIALIZED VIEW IF NOT EXISTS ${TermCountsView} TO ${TermCountsBuffer} AS ${termRows({ kind: 'view' })}`,
    ],
  },
];

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  applied_at DateTime64(3, 'UTC')
)
ENGINE = ReplacingMergeTree
ORDER BY version`;

const VersionRow = z.object({ version: z.number().int() });
const TableRow = z.object({ name: z.string(), engine_full: z.string() });

export interface MigrationResult {
  /** Versions applied by this run, in order; empty when the schema was up to date. */
  applied: number[];
  /** Tables whose TTL this run changed to the configured retention. */
  retentionChanged: string[];
}

/** Brings the schema up to date and the TTLs to `retentionDays`; safe to run any number of times. */
export async function migrate(
  sql: SqlClient,
  retentionDays: number,
  all: readonly Migration[] = migrations,
): Promise<MigrationResult> {
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new PulseError('CONFIG_INVALID', `retentionDays must be a positive integer, got ${retentionDays}`);
  }
  const applied: number[] = [];
  let step = 'reading schema_migrations';
  try {
    await sql.command(createMigrationsTable);
    const rows = z.array(VersionRow).parse(await sql.query('SELECT DISTINCT version FROM schema_migrations'));
    const done = new Set(rows.map((r) => r.version));
    const current = Math.max(0, ...done);
    const latest = Math.max(0, ...all.map((m) => m.version));
    if (current > latest) {
      log.warn({ schemaVersion: current, codeVersion: latest }, 'store schema is newer than this code');
    }
    for (const m of [...all].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      step = `migration ${m.version} (${m.name})`;
      for (const statement of m.statements({ retentionDays })) await sql.command(statement);
      await sql.insert('schema_migrations', [{ version: m.version, name: m.name, applied_at: sqlDateTime(new Date()) }]);
      log.info({ version: m.version, name: m.name }, 'store migration applied');
      applied.push(m.version);
    }
  } catch (err) {
    throw new PulseError('STORE_MIGRATION_FAILED', `store ${step} failed: ${(err as Error).message}`, { cause: err });
  }
  return { applied, retentionChanged: await applyRetention(sql, retentionDays) };
}

/**
 * Sets each retained table's TTL to `retentionDays` where it differs. Only the table
 * definition changes (`materialize_ttl_after_modify = 0`): rows are not rewritten now, the
 * new TTL applies as parts are merged, so a start never stalls on a rewrite of all data.
 */
async function applyRetention(sql: SqlClient, retentionDays: number): Promise<string[]> {
  const changed: string[] = [];
  try {
    const tables = z.array(TableRow).parse(
      await sql.query(
        'SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN {names:Array(String)}',
        { names: Object.keys(retained) },
      ),
    );
    for (const table of Object.keys(retained) as RetainedTable[]) {
      const engine = tables.find((t) => t.name === table)?.engine_full ?? '';
      // ClickHouse spells `INTERVAL n DAY` back as `toIntervalDay(n)`; anything else (a
      // spelling this code does not know) just gets the ALTER, which is harmless.
      if (/\bTTL\b.*\btoIntervalDay\((\d+)\)/.exec(engine)?.[1] === String(retentionDays)) continue;
      await sql.command(`ALTER TABLE ${table} MODIFY ${ttl(table, retentionDays)} SETTINGS materialize_ttl_after_modify = 0`);
      changed.push(table);
    }
  } catch (err) {
    throw new PulseError('STORE_MIGRATION_FAILED', `setting the retention to ${retentionDays} days failed: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (changed.length) log.info({ retentionDays, tables: changed }, 'store retention changed');
  return changed;
}
