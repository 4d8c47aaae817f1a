import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { PulseError } from './errors.ts';
import { repoRoot, shippedModelDir } from './paths.ts';

const intFromEnv = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
/** `1`/`true`/`yes` and `0`/`false`/`no`, as people write switches in env files. */
const switchFromEnv = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const optionalString = z
  .string()
  .optional()
  .transform((v) => (v && v.trim() ? v.trim() : undefined));

const EnvSchema = z.object({
  MODEL_DIR: z.string().min(1).default(shippedModelDir),
  PULSE_DEVICE: z.enum(['auto', 'cpu', 'cuda']).default('auto'),
  /** Worker threads in the inference pool, one ONNX session each. */
  PULSE_MODEL_THREADS: intFromEnv(1, 64).default(Math.max(1, Math.min(4, os.availableParallelism()))),
  /** Texts per inference call; larger requests are split across the pool's threads. */
  PULSE_MODEL_BATCH: intFromEnv(1, 1024).default(64),
  /** Longer inputs are truncated; tweets average ~30 word pieces, reviews ~60. */
  PULSE_MAX_TOKENS: intFromEnv(8, 512).default(128),
  /** Two-label (SST-2 style) models answer neutral below this confidence. */
  PULSE_NEUTRAL_THRESHOLD: z.coerce.number().min(0.5).max(1).default(0.7),
  DATASETS_DIR: z.string().min(1).default(path.resolve(repoRoot, '..', 'shared', 'datasets')),
  /** Where training jobs write the models they train (`<dir>/<version>/`); default `<PULSE_DATA_DIR>/models`. In the distributed runtime, a volume every worker mounts. */
  PULSE_MODELS_DIR: optionalString,

  /** Comma-separated `host:port` list; unset = the in-process bus. */
  KAFKA_BROKERS: optionalString,
  /** The in-process bus keeps its records in a durable log under PULSE_DATA_DIR (default); `0`: in memory only. */
  PULSE_BUS_DURABLE: switchFromEnv.default(true),
  /** The durable log keeps at most this much for idle groups (or groups to come): the oldest records go first. */
  PULSE_BUS_RETENTION_MB: intFromEnv(1, 1_048_576).default(512),
  /** … and records no older than this. What a live group has not committed is never dropped. */
  PULSE_BUS_RETENTION_HOURS: intFromEnv(1, 24 * 365).default(24),
  /** Health degrades when the durable log's disk has less free space than this, before writes fail. */
  PULSE_DISK_MIN_FREE_MB: intFromEnv(0, 1_048_576).default(1024),
  KAFKA_CLIENT_ID: z.string().min(1).default('pulse'),
  /** Partitions of each topic created at start-up: the unit of classifier parallelism. */
  PULSE_TOPIC_PARTITIONS: intFromEnv(1, 1024).default(6),
  KAFKA_REPLICATION_FACTOR: intFromEnv(1, 16).default(1),
  /**
   * How long the group coordinator waits for a silent classifier before giving its partitions
   * to the others. librdkafka's mock cluster (the tests' broker) also makes every rebalance
   * after a group's first join wait this long less 1 s, so tests set Kafka's minimum, 6 s.
   */
  KAFKA_SESSION_TIMEOUT_MS: intFromEnv(6_000, 300_000).default(30_000),

  /** `http(s)://host:8123`; unset = embedded ClickHouse (chdb) under PULSE_DATA_DIR. */
  CLICKHOUSE_URL: optionalString,
  CLICKHOUSE_USER: z.string().default('default'),
  CLICKHOUSE_PASSWORD: z.string().default(''),
  CLICKHOUSE_DB: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a plain identifier').default('pulse'),
  PULSE_DATA_DIR: z.string().min(1).default(path.join(repoRoot, 'data')),
  /** Days a message (and its per-second aggregates) is kept before ClickHouse's TTL drops it. */
  PULSE_RETENTION_DAYS: intFromEnv(1, 3650).default(30),

  /** Micro-batch bounds of the classifier: at most this many messages … */
  PULSE_BATCH_MAX: intFromEnv(1, 10_000).default(1024),
  /** … or whatever arrived within this many milliseconds. */
  PULSE_BATCH_WAIT_MS: intFromEnv(1, 10_000).default(100),
  /** Classifier consumers inside the server process; default: 1 on the in-process bus, 0 with Kafka. The fewest when they autoscale. */
  PULSE_EMBEDDED_CLASSIFIERS: intFromEnv(0, 64).optional(),
  /** The most in-process classifier members autoscaling may run; default: as many as can each have a batch in flight. */
  PULSE_EMBEDDED_CLASSIFIERS_MAX: intFromEnv(1, 64).optional(),
  /** In-process classifier members follow the lag between the two bounds above; `0`: a fixed set of PULSE_EMBEDDED_CLASSIFIERS. */
  PULSE_SCALE: switchFromEnv.default(true),
  /** Classifier lag (raw messages not committed) above which capacity is added … */
  PULSE_SCALE_LAG: intFromEnv(1, 100_000_000).default(1000),
  /** … once it has stayed above for this long (and this long after the previous step up). */
  PULSE_SCALE_UP_AFTER_MS: intFromEnv(0, 3_600_000).default(2000),
  /** One member is removed once the lag has stayed at or under PULSE_SCALE_LAG for this long. */
  PULSE_SCALE_COOLDOWN_MS: intFromEnv(0, 86_400_000).default(30_000),

  /** How often each process re-reads the keyword streams: a saved change reaches it within this (plus a read). */
  PULSE_STREAMS_POLL_MS: intFromEnv(100, 60_000).default(1000),
  /** The detector inside the server process; default: on with the in-process bus, off with Kafka (run `workers/detector.ts`). */
  PULSE_EMBEDDED_DETECTOR: switchFromEnv.optional(),
  /** The trainer (training jobs) inside the server process; off where `workers/trainer.ts` runs it: one per deployment. */
  PULSE_EMBEDDED_TRAINER: switchFromEnv.default(true),
  /** Detector tick, and how old a second must be before it is read (messages still in flight land first). */
  PULSE_DETECT_TICK_MS: intFromEnv(100, 60_000).default(1000),
  PULSE_DETECT_SETTLE_MS: intFromEnv(0, 60_000).default(1500),
  /** How long a value must stay back before its alert resolves (streams whose rule sets no `resolveHoldSeconds`). */
  PULSE_ALERT_RESOLVE_AFTER_MS: intFromEnv(1000, 3_600_000).default(120_000),
  /** Alerts on all messages together (the "all" stream, dashboard only): a sensitivity, or `off`. */
  PULSE_ALL_STREAM_ALERTS: z.enum(['off', 'low', 'medium', 'high']).default('medium'),
  /**
   * Drift watch (lib/drift/): every PULSE_DRIFT_CHECK_MS the detector compares each stream's
   * last PULSE_DRIFT_WINDOW_MS with the champion's reference; a model_drift alert opens once
   * the population stability index stayed over PULSE_DRIFT_PSI for PULSE_DRIFT_HOLD_MS. The
   * reference is taken once the champion scored PULSE_DRIFT_REFERENCE_MESSAGES of the stream;
   * a window with fewer than PULSE_DRIFT_MIN_MESSAGES is not judged.
   */
  PULSE_DRIFT_PSI: z.coerce.number().positive().max(10).default(0.2),
  PULSE_DRIFT_CHECK_MS: intFromEnv(1000, 3_600_000).default(300_000),
  PULSE_DRIFT_WINDOW_MS: intFromEnv(10_000, 86_400_000).default(3_600_000),
  PULSE_DRIFT_HOLD_MS: intFromEnv(0, 86_400_000).default(3_600_000),
  PULSE_DRIFT_REFERENCE_MESSAGES: intFromEnv(10, 10_000_000).default(1000),
  PULSE_DRIFT_MIN_MESSAGES: intFromEnv(10, 10_000_000).default(200),

  /** The first admin, created at start if no user has this email; setting it enforces authentication. */
  PULSE_ADMIN_EMAIL: optionalString,
  PULSE_ADMIN_PASSWORD: optionalString,
  /** Serve without authentication on a non-loopback address (nobody configured): refused unless set. */
  PULSE_INSECURE: switchFromEnv.default(false),
  PULSE_SESSION_TTL_MINUTES: intFromEnv(1, 60 * 24 * 30).default(720),
  /** How often users and API keys are re-read (a revocation applies within this and the session cache). */
  PULSE_AUTH_POLL_MS: intFromEnv(100, 60_000).default(1000),
  /** `/api/health` and `/metrics`: `local` open to loopback clients only, `open` to all, `read` need the read permission. */
  PULSE_HEALTH_ACCESS: z.enum(['local', 'open', 'read']).default('local'),
  /** Take the client address from X-Forwarded-For (behind a reverse proxy you trust); off: the socket's address. */
  PULSE_TRUST_PROXY: switchFromEnv.default(false),
  /** Ingest limits: messages per second per key (or user) and per client address, and the burst of each. */
  PULSE_INGEST_RATE_PER_KEY: intFromEnv(1, 10_000_000).default(20_000),
  PULSE_INGEST_RATE_PER_IP: intFromEnv(1, 10_000_000).default(20_000),
  PULSE_INGEST_BURST: intFromEnv(1, 10_000_000).default(20_000),
  /** Ingest answers 503 while the classifiers are this many raw messages behind. */
  PULSE_INGEST_MAX_BACKLOG: intFromEnv(1, 100_000_000).default(200_000),
  /** Open WebSocket connections (/ws and /ws/ingest together) per key or user, or per address in open mode. */
  PULSE_WS_CONNECTIONS_PER_KEY: intFromEnv(1, 10_000).default(20),

  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: intFromEnv(0, 65535).default(3000),
  /**
   * How long a stop (SIGTERM / SIGINT) may take to finish in-flight work: ingest requests,
   * classifier batches, the detector's tick, alert deliveries. Below `docker stop`'s 10 s, so
   * that the store and the bus still close cleanly before the process is killed.
   */
  PULSE_SHUTDOWN_GRACE_MS: intFromEnv(0, 600_000).default(8_000),
  /** Port of the Prometheus `/metrics` endpoint of a standalone worker process. */
  PULSE_METRICS_PORT: intFromEnv(0, 65535).default(9464),

  /** Demo replay inside `npm start`; default: on with the in-process bus, off with Kafka. */
  PULSE_DEMO: switchFromEnv.optional(),
  /** Messages per second of the demo in all: three quarters TweetEval tweets, a quarter airline support tweets. */
  PULSE_DEMO_RATE: z.coerce.number().positive().max(100_000).default(20),
  /**
   * The demo's scripted incident (lib/demo/incident.ts), a negative storm in an example stream:
   * first this many seconds after the start, then every PULSE_DEMO_INCIDENT_EVERY seconds
   * (0: the first only). PULSE_DEMO_INCIDENT_AFTER=0: none.
   */
  PULSE_DEMO_INCIDENT_AFTER: intFromEnv(0, 86_400).default(90),
  PULSE_DEMO_INCIDENT_EVERY: intFromEnv(0, 86_400).default(600),
  /** Sampled `message` events per second per dashboard client (0 = none); a list stays legible at ~20/s. */
  PULSE_LIVE_MESSAGE_RATE: z.coerce.number().min(0).max(1000).default(20),

  /** The dashboard: `1` the production build, `dev` Next's dev server (hot reload), `0` none. */
  PULSE_UI: z.union([z.literal('dev'), switchFromEnv]).default(true),

  /** Alert webhooks may reach private, loopback and link-local addresses (receivers on this host or network). */
  PULSE_ALLOW_PRIVATE_WEBHOOKS: switchFromEnv.default(false),
  /**
   * Where people reach the dashboard (`https://pulse.example.com`); alert messages link there.
   * Unset: this server's own address, `http://HOST:PORT` (`localhost` for a wildcard HOST).
   */
  PULSE_PUBLIC_URL: optionalString.pipe(z.url({ protocol: /^https?$/ }).optional()),
  /** Alert delivery: attempts per channel, total time for all of them, one attempt's timeout (unset = lib/alerts/delivery.ts defaults). */
  PULSE_ALERT_MAX_ATTEMPTS: intFromEnv(1, 20).optional(),
  PULSE_ALERT_DELIVERY_WINDOW_MS: intFromEnv(1_000, 3_600_000).optional(),
  PULSE_ALERT_ATTEMPT_TIMEOUT_MS: intFromEnv(100, 300_000).optional(),
});

export interface ModelConfig {
  dir: string;
  device: 'auto' | 'cpu' | 'cuda';
  threads: number;
  batchSize: number;
  maxTokens: number;
  neutralThreshold: number;
}

/** The in-process bus's durable log (lib/bus/durable-log.ts). */
export interface DurableBusConfig {
  /** `<PULSE_DATA_DIR>/bus`. */
  dir: string;
  retentionBytes: number;
  retentionMs: number;
  minFreeBytes: number;
}

export type BusConfig =
  /** `durable: null`: records in memory only (PULSE_BUS_DURABLE=0). */
  | { kind: 'memory'; durable: DurableBusConfig | null }
  | { kind: 'kafka'; brokers: string[]; clientId: string; partitions: number; replicationFactor: number; sessionTimeoutMs: number };

/**
 * When classifier capacity follows the lag (lib/classify/autoscale.ts): the in-process members of
 * the server, and the classifier processes of `npm run workers -- --autoscale`.
 */
export interface ScaleConfig {
  /** Messages of lag above which a member is added. */
  lagThreshold: number;
  upAfterMs: number;
  cooldownMs: number;
}

/**
 * The in-process bus's partitions per topic (lib/bus/index.ts creates it with these): as many
 * classifier batches as the embedded runtime can usefully run side by side, while keeping
 * per-key order. Each batch waits for the store's one-at-a-time insert before its partition
 * goes on, so at saturation the batches in flight are what keeps the inference threads fed
 * while the insert runs: bench:pipeline at 13,000 msgs/s offered on 2 cores, three runs each,
 * alternated, 8 partitions 9,711 / 9,291 / 8,969 msgs/s sustained against 4 partitions' 8,004 /
 * 7,654 / 8,909 (16: as 8). A log written with fewer partitions loads as is: its records stay on
 * their partitions, which all still exist.
 */
export const InProcessPartitions = 8;

/**
 * Full batches one in-process classifier member works on at once while the members autoscale
 * (its bound is this many times PULSE_BATCH_MAX records in flight): some in inference while
 * others are written and published. A member then has a capacity of its own, so a step adds a
 * known share of work in flight; an unbounded member would take every partition it owns and
 * leave nothing for the next one to add. Half the partitions: two members have a full batch on
 * every partition. The bound counts records, not batches: a member bounded to 4 batches served
 * its 8 partitions in turns even when each batch held a few dozen messages, and its partitions
 * waited for each other's inserts (PULSE_SCALE=0, one unbounded member, at 1,000 msgs/s on 2
 * cores: p50 232 / 235 ms and p99 417 / 397 ms against 312 / 331 and 481 / 522 ms bounded to 4).
 */
export const ScaledMemberBatches = InProcessPartitions / 2;

export type StoreConfig =
  | { kind: 'chdb'; dataDir: string; retentionDays: number }
  | { kind: 'clickhouse'; url: string; user: string; password: string; database: string; retentionDays: number };

export interface Config {
  model: ModelConfig;
  datasetsDir: string;
  /** Trained models' folders, `<modelsDir>/<version>/` (lib/training/). */
  modelsDir: string;
  bus: BusConfig;
  store: StoreConfig;
  classifier: {
    batchMax: number;
    batchWaitMs: number;
    /** In-process members (the fewest, when they autoscale). */
    embedded: number;
    /** The most in-process members; autoscaling runs when this is above `embedded`. */
    embeddedMax: number;
    scale: ScaleConfig;
  };
  streams: { pollMs: number };
  detector: DetectorConfig;
  drift: DriftConfig;
  /** Whether the server process runs the trainer that runs training jobs (lib/training/runner.ts). */
  trainer: { embedded: boolean };
  server: { host: string; port: number };
  metricsPort: number;
  demo: DemoConfig;
  live: { messageRate: number };
  ui: UiMode;
  alerts: AlertsConfig;
  auth: AuthConfig;
  limits: LimitsConfig;
  /** The graceful stop (lib/shutdown.ts). */
  shutdown: { graceMs: number };
}

export interface DemoConfig {
  enabled: boolean;
  /** Messages per second, all sources together. */
  rate: number;
  /** The scripted incident's schedule (lib/demo/incident.ts): `afterMs` 0 is none, `everyMs` 0 no repeat. */
  incident: { afterMs: number; everyMs: number };
}

export interface AuthConfig {
  bootstrapAdmin?: { email: string; password: string };
  insecure: boolean;
  sessionTtlMs: number;
  pollMs: number;
  healthAccess: 'local' | 'open' | 'read';
  trustProxy: boolean;
}

export interface LimitsConfig {
  ingestRatePerKey: number;
  ingestRatePerIp: number;
  ingestBurst: number;
  ingestMaxBacklog: number;
  wsConnectionsPerKey: number;
}

export interface DetectorConfig {
  embedded: boolean;
  tickMs: number;
  settleMs: number;
  /** Default resolve hold: an alert resolves once its value stayed back this long. */
  resolveAfterMs: number;
  /** Sensitivity of the "all messages" stream's alerts; null: not watched. */
  allStreams: 'low' | 'medium' | 'high' | null;
}

export interface DriftConfig {
  /** PSI over which a stream's hour counts as drifting. */
  psi: number;
  checkMs: number;
  windowMs: number;
  holdMs: number;
  referenceMessages: number;
  minMessages: number;
}

export interface AlertsConfig {
  allowPrivateWebhooks: boolean;
  /** PULSE_PUBLIC_URL, or the server's own address derived from HOST and PORT. */
  publicUrl: string;
  /** Unset fields take the delivery policy's defaults. */
  delivery: { maxAttempts?: number; maxTotalMs?: number; attemptTimeoutMs?: number };
}

/** How the server serves the dashboard (app/); `off` answers only the API. */
export type UiMode = 'production' | 'dev' | 'off';

/**
 * Parses the environment once into a typed object; every entry point calls this. Takes any
 * string map, not `NodeJS.ProcessEnv`: Next's global types make `NODE_ENV` a required key of
 * that, which a plain `{ PORT: '0' }` in a test does not have.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new PulseError('CONFIG_INVALID', `invalid configuration: ${issues}`);
  }
  const e = parsed.data;
  if ((e.PULSE_ADMIN_EMAIL === undefined) !== (e.PULSE_ADMIN_PASSWORD === undefined)) {
    throw new PulseError('CONFIG_INVALID', 'invalid configuration: set both PULSE_ADMIN_EMAIL and PULSE_ADMIN_PASSWORD, or neither');
  }
  const bus: BusConfig = e.KAFKA_BROKERS
    ? {
        kind: 'kafka',
        brokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()).filter(Boolean),
        clientId: e.KAFKA_CLIENT_ID,
        partitions: e.PULSE_TOPIC_PARTITIONS,
        replicationFactor: e.KAFKA_REPLICATION_FACTOR,
        sessionTimeoutMs: e.KAFKA_SESSION_TIMEOUT_MS,
      }
    : {
        kind: 'memory',
        durable: e.PULSE_BUS_DURABLE
          ? {
              dir: path.join(path.resolve(e.PULSE_DATA_DIR), 'bus'),
              retentionBytes: e.PULSE_BUS_RETENTION_MB * 2 ** 20,
              retentionMs: e.PULSE_BUS_RETENTION_HOURS * 3_600_000,
              minFreeBytes: e.PULSE_DISK_MIN_FREE_MB * 2 ** 20,
            }
          : null,
      };
  // A process-local bus only reaches consumers in the same process, so the server must run them.
  const inProcess = bus.kind === 'memory';
  const embedded = e.PULSE_EMBEDDED_CLASSIFIERS ?? (inProcess ? 1 : 0);
  const embeddedMax = embeddedClassifiersMax(e, bus, embedded);
  const store: StoreConfig = e.CLICKHOUSE_URL
    ? {
        kind: 'clickhouse', url: e.CLICKHOUSE_URL, user: e.CLICKHOUSE_USER, password: e.CLICKHOUSE_PASSWORD,
        database: e.CLICKHOUSE_DB, retentionDays: e.PULSE_RETENTION_DAYS,
      }
    : { kind: 'chdb', dataDir: path.resolve(e.PULSE_DATA_DIR), retentionDays: e.PULSE_RETENTION_DAYS };
  return {
    model: {
      dir: path.resolve(e.MODEL_DIR),
      device: e.PULSE_DEVICE,
      threads: e.PULSE_MODEL_THREADS,
      batchSize: e.PULSE_MODEL_BATCH,
      maxTokens: e.PULSE_MAX_TOKENS,
      neutralThreshold: e.PULSE_NEUTRAL_THRESHOLD,
    },
    datasetsDir: path.resolve(e.DATASETS_DIR),
    modelsDir: path.resolve(e.PULSE_MODELS_DIR ?? path.join(e.PULSE_DATA_DIR, 'models')),
    bus,
    store,
    classifier: {
      batchMax: e.PULSE_BATCH_MAX,
      batchWaitMs: e.PULSE_BATCH_WAIT_MS,
      embedded,
      embeddedMax,
      scale: { lagThreshold: e.PULSE_SCALE_LAG, upAfterMs: e.PULSE_SCALE_UP_AFTER_MS, cooldownMs: e.PULSE_SCALE_COOLDOWN_MS },
    },
    streams: { pollMs: e.PULSE_STREAMS_POLL_MS },
    detector: {
      embedded: e.PULSE_EMBEDDED_DETECTOR ?? inProcess,
      tickMs: e.PULSE_DETECT_TICK_MS,
      settleMs: e.PULSE_DETECT_SETTLE_MS,
      resolveAfterMs: e.PULSE_ALERT_RESOLVE_AFTER_MS,
      allStreams: e.PULSE_ALL_STREAM_ALERTS === 'off' ? null : e.PULSE_ALL_STREAM_ALERTS,
    },
    drift: {
      psi: e.PULSE_DRIFT_PSI, checkMs: e.PULSE_DRIFT_CHECK_MS, windowMs: e.PULSE_DRIFT_WINDOW_MS, holdMs: e.PULSE_DRIFT_HOLD_MS,
      referenceMessages: e.PULSE_DRIFT_REFERENCE_MESSAGES, minMessages: e.PULSE_DRIFT_MIN_MESSAGES,
    },
    trainer: { embedded: e.PULSE_EMBEDDED_TRAINER },
    server: { host: e.HOST, port: e.PORT },
    metricsPort: e.PULSE_METRICS_PORT,
    shutdown: { graceMs: e.PULSE_SHUTDOWN_GRACE_MS },
    demo: {
      enabled: e.PULSE_DEMO ?? inProcess,
      rate: e.PULSE_DEMO_RATE,
      incident: { afterMs: e.PULSE_DEMO_INCIDENT_AFTER * 1000, everyMs: e.PULSE_DEMO_INCIDENT_EVERY * 1000 },
    },
    live: { messageRate: e.PULSE_LIVE_MESSAGE_RATE },
    ui: e.PULSE_UI === 'dev' ? 'dev' : e.PULSE_UI ? 'production' : 'off',
    auth: {
      ...(e.PULSE_ADMIN_EMAIL && e.PULSE_ADMIN_PASSWORD ? { bootstrapAdmin: { email: e.PULSE_ADMIN_EMAIL, password: e.PULSE_ADMIN_PASSWORD } } : {}),
      insecure: e.PULSE_INSECURE,
      sessionTtlMs: e.PULSE_SESSION_TTL_MINUTES * 60_000,
      pollMs: e.PULSE_AUTH_POLL_MS,
      healthAccess: e.PULSE_HEALTH_ACCESS,
      trustProxy: e.PULSE_TRUST_PROXY,
    },
    limits: {
      ingestRatePerKey: e.PULSE_INGEST_RATE_PER_KEY,
      ingestRatePerIp: e.PULSE_INGEST_RATE_PER_IP,
      ingestBurst: e.PULSE_INGEST_BURST,
      ingestMaxBacklog: e.PULSE_INGEST_MAX_BACKLOG,
      wsConnectionsPerKey: e.PULSE_WS_CONNECTIONS_PER_KEY,
    },
    alerts: {
      allowPrivateWebhooks: e.PULSE_ALLOW_PRIVATE_WEBHOOKS,
      publicUrl: e.PULSE_PUBLIC_URL ?? localPublicUrl(e.HOST, e.PORT),
      delivery: {
        maxAttempts: e.PULSE_ALERT_MAX_ATTEMPTS,
        maxTotalMs: e.PULSE_ALERT_DELIVERY_WINDOW_MS,
        attemptTimeoutMs: e.PULSE_ALERT_ATTEMPT_TIMEOUT_MS,
      },
    },
  };
}

/**
 * The dashboard's address when PULSE_PUBLIC_URL is unset: what a browser on this host types.
 * A wildcard bind address is not one a browser can open, so it becomes `localhost`.
 */
function localPublicUrl(host: string, port: number): string {
  const name = host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  return `http://${name}:${port}`;
}

/**
 * The most in-process classifier members: PULSE_EMBEDDED_CLASSIFIERS when PULSE_SCALE=0 (a fixed
 * set), else PULSE_EMBEDDED_CLASSIFIERS_MAX, by default as many members as can each have their
 * full batches in flight: the bus's partitions over {@link ScaledMemberBatches} (one batch per
 * partition at a time keeps per-key order, so a member past that would only wait).
 *
 * On Kafka the default is a fixed set: there capacity is added by processes (`npm run workers --
 * --autoscale`, KEDA), and every in-process step is a group rebalance, which on Kafka holds the
 * whole group still until each member has rejoined (measured on the mock cluster: ~28 s per step
 * with the default session timeout, while the lag grows). PULSE_EMBEDDED_CLASSIFIERS_MAX asks for it anyway.
 */
function embeddedClassifiersMax(e: z.infer<typeof EnvSchema>, bus: BusConfig, embedded: number): number {
  if (!e.PULSE_SCALE || embedded === 0) return embedded;
  if (e.PULSE_EMBEDDED_CLASSIFIERS_MAX === undefined) {
    return bus.kind === 'kafka' ? embedded : Math.max(embedded, Math.ceil(InProcessPartitions / ScaledMemberBatches));
  }
  if (e.PULSE_EMBEDDED_CLASSIFIERS_MAX < embedded) {
    throw new PulseError(
      'CONFIG_INVALID',
      `invalid configuration: PULSE_EMBEDDED_CLASSIFIERS_MAX (${e.PULSE_EMBEDDED_CLASSIFIERS_MAX}) is below PULSE_EMBEDDED_CLASSIFIERS (${embedded})`,
    );
  }
  return e.PULSE_EMBEDDED_CLASSIFIERS_MAX;
}
