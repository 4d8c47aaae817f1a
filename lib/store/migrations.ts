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
