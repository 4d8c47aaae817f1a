/**
 * The store: one SQL client and the repositories over it. `openStore` is the only place that
 * picks the backend (chdb or a ClickHouse server); everything above the {@link SqlClient} is
 * written once, in ClickHouse SQL.
 */
import type { StoreConfig } from '../config.ts';
import { PulseError } from '../errors.ts';
import { log } from '../log.ts';
import { repairSentimentAggregate } from './aggregate-repair.ts';
import { AlertRepository } from './alerts.ts';
import { DeliveryRepository } from './alert-deliveries.ts';
import { AuditRepository } from './audit.ts';
import { BackfillRepository } from './backfills.ts';
import { ChdbClient } from './chdb.ts';
import { ServerClient } from './clickhouse.ts';
import { DeadLetterRepository } from './dead-letters.ts';
import { KeyRepository } from './keys.ts';
import { LabelRepository } from './labels.ts';
import { MessageRepository } from './messages.ts';
import { migrate } from './migrations.ts';
import { ModelDriftRepository } from './model-drift.ts';
import { ModelRegistryRepository } from './model-registry.ts';
import { SessionRepository } from './sessions.ts';
import { ShareRepository } from './share.ts';
import { SignalRepository } from './signals.ts';
import { SourceRepository } from './sources.ts';
import type { SqlClient } from './sql.ts';
import { StatsRepository } from './stats.ts';
import { RetagRepository } from './retag.ts';
import { PreviewRepository } from './stream-preview.ts';
import { StreamRepository } from './streams.ts';
import { TermsRepository } from './terms.ts';
import { TrainingJobRepository } from './training-jobs.ts';
import { TrainingSetRepository } from './training-sets.ts';
import { UserRepository } from './users.ts';

export interface Store {
  /** Which backend answers (for logs and the health endpoint). */
  readonly kind: SqlClient['kind'];
  /** Resolves when the backend answers a query; STORE_UNAVAILABLE when it does not. */
  ping(): Promise<void>;
  /** Waits for the running insert of messages, writes the buffered term counts, then closes the client. */
  close(): Promise<void>;
  readonly messages: MessageRepository;
  /** People's labels of messages (append-only; the latest per message wins). */
  readonly labels: LabelRepository;
  readonly stats: StatsRepository;
  /** The stored sources, for the source filter. */
  readonly sources: SourceRepository;
  /** Share of voice: streams side by side, with the previous period. */
  readonly share: ShareRepository;
  readonly deadLetters: DeadLetterRepository;
  readonly deliveries: DeliveryRepository;
  readonly streams: StreamRepository;
  readonly alerts: AlertRepository;
  readonly users: UserRepository;
  readonly keys: KeyRepository;
  readonly sessions: SessionRepository;
  readonly audit: AuditRepository;
  /** The detector's reads: stream seconds, term counts, example messages. */
  readonly signals: SignalRepository;
  /** The stream preview's candidate messages. */
  readonly previews: PreviewRepository;
  /** Stream backfill jobs (lib/streams/backfill/) and the changes they make to stored messages. */
  readonly backfills: BackfillRepository;
  readonly retag: RetagRepository;
  /** Top terms, hashtags and mentions of a period (the term aggregate). */
  readonly terms: TermsRepository;
  /** Labelled sets uploaded for training (lib/training/). */
  readonly trainingSets: TrainingSetRepository;
  /** Models Pulse can serve, the champion's history, the challenger in shadow (migration 12). */
  readonly models: ModelRegistryRepository;
  /** Training jobs' states and what they read to train on (migration 13). */
  readonly trainingJobs: TrainingJobRepository;
  /** The drift watch's references and readings (lib/drift/). */
  readonly drift: ModelDriftRepository;
}

/** Opens the configured backend and brings its schema and retention up to date. */
export async function openStore(config: StoreConfig): Promise<Store> {
  const client =
    config.kind === 'chdb'
      ? ChdbClient.open(config.dataDir)
      : await ServerClient.connect({ url: config.url, user: config.user, password: config.password, database: config.database });
  return storeOnClient(client, config.retentionDays);
}

/** A store on a client someone else opened (tests); the store owns it from here on. */
export async function storeOnClient(client: SqlClient, retentionDays: number): Promise<Store> {
  try {
    await migrate(client, retentionDays);
    // chdb's engine dies with the process: an insert cut between its two writes is mended here.
    if (client.kind === 'chdb') await repairSentimentAggregate(client);
  } catch (err) {
    await client.close().catch(() => {});
    throw err;
  }
  log.info({ backend: client.kind, retentionDays }, 'store open');
  return repositoriesOn(client);
}

function repositoriesOn(sql: SqlClient): Store {
  const labels = new LabelRepository(sql);
  const messages = new MessageRepository(sql, labels);
  const terms = new TermsRepository(sql);
  return {
    kind: sql.kind,
    async ping() {
      try {
        await sql.query('SELECT 1');
      } catch (err) {
        throw new PulseError('STORE_UNAVAILABLE', `store does not answer: ${(err as Error).message}`, { cause: err });
      }
    },
    async close() {
      await messages.settled();
      await terms.flush().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'store: the term counts of the last seconds were not flushed'));
      await sql.close();
    },
    messages,
    labels,
    stats: new StatsRepository(sql),
    sources: new SourceRepository(sql),
    share: new ShareRepository(sql),
    deadLetters: new DeadLetterRepository(sql),
    deliveries: new DeliveryRepository(sql),
    streams: new StreamRepository(sql),
    alerts: new AlertRepository(sql),
    users: new UserRepository(sql),
    keys: new KeyRepository(sql),
    sessions: new SessionRepository(sql),
    audit: new AuditRepository(sql),
    signals: new SignalRepository(sql),
    previews: new PreviewRepository(sql),
    backfills: new BackfillRepository(sql),
    retag: new RetagRepository(sql),
    terms,
    trainingSets: new TrainingSetRepository(sql),
    models: new ModelRegistryRepository(sql),
    trainingJobs: new TrainingJobRepository(sql),
    drift: new ModelDriftRepository(sql),
  };
}
