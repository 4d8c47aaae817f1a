import { Kafka, logLevel, Partitioners, type Admin, type Consumer, type EachBatchPayload, type logCreator, type Producer } from 'kafkajs';
import type { BusConfig } from '../config.ts';
import { PulseError } from '../errors.ts';
import { log } from '../log.ts';
import type { BusLogStatus, BusTransport, RawInRecord, RawOutRecord, StopOptions, Subscription, TransportConsumeOptions } from './bus.ts';
import { checkConsumeOptions, retryBackoffMs } from './options.ts';
import { PartitionQueues } from './partition-queues.ts';
import { allTopics, type Topic } from './topics.ts';

export type KafkaTransportConfig = Extract<BusConfig, { kind: 'kafka' }>;

/**
 * Bounds of how long the broker holds a fetch that finds no records (`maxWaitMs`; a fetch
 * that finds some returns at once). Below 10 ms an idle consumer turns into a busy loop of
 * empty fetches; above 500 ms (Kafka's own default) `stop` waits that long for the fetch.
 */
const fetchWaitMs = { min: 10, max: 500 };
/** A scored or raw message is a few hundred bytes of JSON; minBytes ≈ maxBatch of them. */
const typicalRecordBytes = 300;
const fetchMinBytesMax = 1024 * 1024;
/**
 * How often a member tells the coordinator it is alive and learns of a rebalance: it bounds
 * how long a new classifier waits for the others to rejoin (kafkajs' default is 3 s).
 */
const heartbeatIntervalMs = 1000;
/**
 * Fresh consumers tried in a row after a member's consumer crashed for good (or a fresh one
 * failed to start), before `onFatal` gives it up; a consumer that joins the group ends the row.
 */
const maxRejoins = 3;
/** `acks: -1`: the leader answers once all in-sync replicas have the records (required by the idempotent producer). */
const allInSyncReplicas = -1;

const kafkaLog = log.child({ component: 'kafkajs' });
/**
 * kafkajs' own logs, WARN and ERROR only (see `logLevel` below), as structured pino lines.
 * Its connection layer logs every error response at ERROR, including the "group is
 * rebalancing" answers each rebalance brings; the layers above handle those and log what
 * matters themselves, so these go to debug.
 */
const toPino: logCreator = () => ({ namespace, level, log: entry }) => {
  const { message, timestamp: _timestamp, ...extra } = entry;
  const fields = { namespace, ...extra };
  if (namespace === 'Connection' && message.startsWith('Response ')) kafkaLog.debug(fields, message);
  else if (level === logLevel.ERROR) kafkaLog.error(fields, message);
  else kafkaLog.warn(fields, message);
};

/** The transport of the distributed runtime, on kafkajs: topics, consumer groups and offsets live in Kafka. */
export class KafkaTransport implements BusTransport {
  readonly kind = 'kafka';
  private readonly kafka: Kafka;
  private producer: Producer;
  private readonly admin: Admin;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private connecting?: Promise<void>;
  private closed = false;

  constructor(private readonly config: KafkaTransportConfig) {
    if (!config.brokers.length) throw new PulseError('BUS_OPTIONS_INVALID', 'no Kafka brokers given');
    this.kafka = new Kafka({ clientId: config.clientId, brokers: config.brokers, logLevel: logLevel.WARN, logCreator: toPino });
    this.producer = this.createProducer(true);
    this.admin = this.kafka.admin();
  }

  /**
   * Keyed by message id, so the default (murmur2, Java-compatible) partitioner spreads them
   * evenly. Idempotent: a send retried after a lost answer is not written twice; KIP-98 asks
   * for one request in flight per connection with it, and kafkajs then retries without limit.
   */
  private createProducer(idempotent: boolean): Producer {
    return this.kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent, ...(idempotent ? { maxInFlightRequests: 1 } : {}) });
  }

  async start(): Promise<void> {
    await this.connect();
    const { partitions: numPartitions, replicationFactor } = this.config;
    try {
      // Resolves false when they exist already: idempotent.
      await this.admin.createTopics({ topics: allTopics.map((topic) => ({ topic, numPartitions, replicationFactor })), waitForLeaders: true });
    } catch (err) {
      if (!(await this.controllerIsMissing(err).catch(() => false))) throw unavailable('cannot create the topics', err);
      // librdkafka's mock cluster (the tests' broker) names controller 0, which is none of its
      // brokers, so CreateTopics has nowhere to go. A metadata request auto-creates the topics
      // there instead, with the cluster's default partition count rather than ours.
      log.warn({ topics: allTopics, brokers: this.config.brokers }, 'Kafka cluster has no reachable controller; auto-creating topics with the broker default partition count');
      try {
        await this.admin.fetchTopicMetadata({ topics: allTopics });
      } catch (metadataErr) {
        throw unavailable('cannot auto-create the topics', metadataErr);
      }
    }
  }

  async publish(topic: Topic, records: RawOutRecord[]): Promise<void> {
    if (!records.length) return;
    await this.connect();
    try {
      // Resolves once every in-sync replica has the records: what "accepted" promises.
      await this.producer.send({ topic, acks: allInSyncReplicas, messages: records.map(({ key, value }) => ({ key, value })) });
    } catch (err) {
      throw unavailable(`cannot publish to ${topic}`, err);
    }
  }

  async consume(options: TransportConsumeOptions): Promise<Subscription> {
    checkConsumeOptions(options);
    await this.connect();
    const subscription = new KafkaSubscription(options, () => this.subscriptions.delete(subscription));
    this.subscriptions.add(subscription);
    try {
      subscription.replace(await this.startMember(options, subscription));
    } catch (err) {
      await subscription.stop();
      throw unavailable(`cannot join group ${options.group} on ${options.topic}`, err);
    }
    return subscription;
  }

  /** One kafkajs consumer joining `options.group`. */
  private async startMember(options: TransportConsumeOptions, subscription: KafkaSubscription): Promise<Consumer> {
    const { group, topic } = options;
    const consumer = this.kafka.consumer({
      groupId: group,
      maxWaitTimeInMs: Math.min(fetchWaitMs.max, Math.max(fetchWaitMs.min, options.maxWaitMs)),
      // The broker holds a fetch until this much has arrived or the wait is over: Kafka's own
      // "size or wait" micro-batching. Without it a fetch returns whatever trickled in since
      // the last one, and every tiny batch pays a whole insert and commit.
      minBytes: Math.min(fetchMinBytesMax, options.maxBatch * typicalRecordBytes),
      heartbeatInterval: heartbeatIntervalMs,
      sessionTimeout: this.config.sessionTimeoutMs,
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      subscription.joined();
      log.info({ group, topic, member: payload.memberId, partitions: payload.memberAssignment[topic] ?? [] }, 'bus member joined');
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && !subscription.isStopping) this.rejoin(options, subscription, payload.error);
    });
    try {
      await consumer.connect();
      // Only a group without committed offsets heeds `start`, like the in-process bus.
      await consumer.subscribe({ topics: [topic], fromBeginning: options.start !== 'latest' });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // A fetch's partitions are queued side by side (see PartitionQueues); the member's
        // record bound (maxInFlightRecords) limits the handler calls, not this.
        partitionsConsumedConcurrently: this.config.partitions,
        eachBatch: (payload) => subscription.eachBatch(payload),
      });
    } catch (err) {
      await consumer.disconnect().catch(() => undefined);
      throw err;
    }
    return consumer;
  }

  /**
   * A consumer of the member ended for good (`error`): a fresh one joins after a back-off, until
   * more than {@link maxRejoins} in a row have ended or failed to start; then `onFatal`.
   * kafkajs restarts a consumer only after errors it deems retriable; others end it for good
   * (librdkafka's mock cluster answers INVALID_REQUEST to a follower whose SyncGroup arrives after
   * the leader's has brought the group up, say). Counted over the member's life, the refusals of
   * a busy group's rebalances added up until a healthy member gave up; and a fresh consumer that
   * could not start during such a rebalance was fatal at once.
   */
  private rejoin(options: TransportConsumeOptions, subscription: KafkaSubscription, error: Error): void {
    const { group, topic } = options;
    const rejoin = subscription.crashed();
    if (rejoin > maxRejoins) {
      log.error({ group, topic, err: error.message }, 'bus member crashed and will not restart');
      options.onFatal?.(error);
      return;
    }
    log.warn({ group, topic, err: error.message, rejoin }, 'bus member crashed; rejoining with a fresh consumer');
    setTimeout(() => {
      if (subscription.isStopping) return;
      this.startMember(options, subscription).then(
        (fresh) => subscription.replace(fresh),
        (err: Error) => this.rejoin(options, subscription, err),
      );
    }, retryBackoffMs(rejoin)).unref();
  }

  async lag(group: string, topic: Topic): Promise<number> {
    await this.connect();
    try {
      const [ends, offsets] = await Promise.all([
        this.admin.fetchTopicOffsets(topic),
        this.admin.fetchOffsets({ groupId: group, topics: [topic] }),
      ]);
      const committed = new Map(offsets.find((t) => t.topic === topic)?.partitions.map((p) => [p.partition, Number(p.offset)]));
      // No commit (-1) or one below the low watermark: the group would start at the low watermark.
      return ends.reduce((sum, { partition, low, high }) => sum + Math.max(0, Number(high) - Math.max(Number(low), committed.get(partition) ?? -1)), 0);
    } catch (err) {
      throw unavailable(`cannot read the lag of ${group} on ${topic}`, err);
    }
  }

  /** Kafka keeps its own log: none here. */
  logStatus(): BusLogStatus | null {
    return null;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    if (this.connecting) await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private connect(): Promise<void> {
    if (this.closed) return Promise.reject(new PulseError('BUS_CLOSED', 'the Kafka bus is closed'));
    this.connecting ??= this.connectClients().then(
      () => undefined,
      (err: unknown) => {
        this.connecting = undefined; // the next call tries again
        throw unavailable(`cannot connect to Kafka at ${this.config.brokers.join(',')}`, err);
      },
    );
    return this.connecting;
  }

  private async connectClients(): Promise<void> {
    await this.admin.connect();
    try {
      await this.producer.connect();
    } catch (err) {
      if (!this.producer.isIdempotent() || !(await this.controllerIsMissing(err).catch(() => false))) throw err;
      // kafkajs asks the controller for an idempotent producer's id, and librdkafka's mock
      // cluster (the tests' broker) names a controller it does not have (see `start`). A real
      // cluster always has one; here the producer does without idempotence, still with acks
      // from all in-sync replicas (a retried send may then be written twice: the messages
      // repository drops ids it already stored).
      log.warn({ brokers: this.config.brokers }, 'Kafka cluster has no reachable controller; the producer is not idempotent');
      await this.producer.disconnect().catch(() => undefined);
      this.producer = this.createProducer(false);
      await this.producer.connect();
    }
  }

  /** True only for the failure tolerated at start: the cluster names a controller it does not have. */
  private async controllerIsMissing(err: unknown): Promise<boolean> {
    if (!(err instanceof Error) || err.name !== 'KafkaJSBrokerNotFound') return false;
    const { brokers, controller } = await this.admin.describeCluster();
    return !brokers.some((b) => b.nodeId === controller);
  }
}

/**
 * One kafkajs consumer, i.e. one member of `options.group`. A fetched batch is queued in
 * {@link PartitionQueues} and resolved at once, so that kafkajs fetches on while the handler
 * works; the queues hand the handler up to `maxBatch` records of a partition at a time and
 * commit each call's offsets explicitly once it has resolved. kafkajs rejoins the group after a
 * rebalance and reads again from the committed offsets, so what was queued then is dropped.
 */
class KafkaSubscription implements Subscription {
  private stopping?: Promise<void>;
  private readonly queues: PartitionQueues;

  /** The member's current kafkajs consumer (a fresh one after a crash; see startMember). */
  private consumer?: Consumer;
  /** Consumers of this member that crashed for good since one last joined the group. */
  private crashesInARow = 0;

  constructor(
    private readonly options: TransportConsumeOptions,
    private readonly onStopped: () => void,
  ) {
    this.queues = new PartitionQueues(options, (partition, offset) => this.commit(partition, offset));
  }

  get isStopping(): boolean {
    return this.stopping !== undefined;
  }

  /** Takes over a started consumer; one that arrives after `stop` is let go at once. */
  replace(consumer: Consumer): void {
    if (this.stopping) void consumer.disconnect().catch(() => undefined);
    else {
      this.queues.reset();
      this.consumer = consumer;
    }
  }

  /** The group gave this member its partitions (again): it reads from the committed offsets. */
  joined(): void {
    this.crashesInARow = 0;
    this.queues.reset();
  }

  /** Counts a consumer that crashed for good or failed to start; returns how many did in a row, this one included. */
  crashed(): number {
    return ++this.crashesInARow;
  }

  async eachBatch({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const { partition } = batch;
    // Stale: the partition was sought or revoked; stopped: the records go to the next owner.
    const wanted = () => !this.stopping && isRunning() && !isStale();
    if (!wanted() || !batch.messages.length) return;
    this.queues.push(
      partition,
      batch.messages.map((m): RawInRecord => ({ key: m.key?.toString() ?? null, value: m.value?.toString() ?? '', partition, offset: m.offset })),
    );
    // Resolved is not committed (autoCommit is off): it only moves kafkajs' fetch position on.
    resolveOffset(batch.lastOffset());
    await this.queues.room(partition, wanted, heartbeat);
  }

  /**
   * Leaves the group. No new call starts; calls in flight get `graceMs` (default 0) to resolve
   * and commit as usual. After the grace they are abandoned: their records stay uncommitted
   * (even if the handler resolves later) and go to the remaining members.
   */
  stop(options: StopOptions = {}): Promise<void> {
    this.stopping ??= (async () => {
      await this.queues.stop(options.graceMs);
      try {
        await this.consumer?.disconnect();
      } catch (err) {
        log.warn({ err, group: this.options.group, topic: this.options.topic }, 'Kafka consumer did not disconnect cleanly');
      } finally {
        this.onStopped();
      }
    })();
    return this.stopping;
  }

  private async commit(partition: number, offset: string): Promise<void> {
    await this.consumer?.commitOffsets([{ topic: this.options.topic, partition, offset }]);
  }
}

function unavailable(what: string, err: unknown): PulseError {
  if (err instanceof PulseError) return err;
  return new PulseError('BUS_UNAVAILABLE', `${what}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}
