/**
 * The message bus between ingest, classifiers, the detector and the live hub. Consumers and
 * publishers see {@link Bus}: records typed by topic (topics.ts). Underneath, a
 * {@link BusTransport} moves strings: Kafka (kafkajs) for the distributed runtime and an
 * in-process one for the embedded runtime; `TypedBus` encodes and decodes for both, and the
 * factory in `index.ts` is the only place that chooses the transport.
 */
import type { Topic, TopicValue } from './topics.ts';

export interface OutRecord<V> {
  /** Partitioning key (the message id): the same key always lands on the same partition. */
  key: string;
  value: V;
}

export interface DeliveredRecord<V> {
  key: string | null;
  value: V;
  partition: number;
  offset: string;
}

/** A record of topic `T` as its consumer gets it: already decoded and checked. */
export type InRecord<T extends Topic> = DeliveredRecord<TopicValue<T>>;
/** A record as a transport carries it: the value is the encoded text. */
export type RawOutRecord = OutRecord<string>;
export type RawInRecord = DeliveredRecord<string>;

/** How a member joins and paces its group, whatever its records hold. */
export interface ConsumeSettings {
  /** Consumer group: members of one group share the partitions; each group sees every record. */
  group: string;
  topic: Topic;
  /** At most this many records per handler call … */
  maxBatch: number;
  /** … or whatever arrived within this wait, whichever comes first. */
  maxWaitMs: number;
  /**
   * The most records this member works on at once, over its partitions: a batch starts only
   * while fewer are in flight (one batch per partition at most, two when `pipelined`, started in
   * offset order); default: no bound, a batch on each of its partitions. It is what one member adds to
   * its group: the in-process classifier autoscaler grows a group by members of bounded
   * capacity (on Kafka too: handler calls over its partitions, see partition-queues.ts). Records,
   * not batches: under light load the batches are small and a member takes every partition at
   * once instead of serving them in turns; under heavy load they are full and the bound is a
   * number of batches.
   */
  maxInFlightRecords?: number;
  /**
   * Lets a member a full batch behind on a partition hand that partition's next batch to the
   * handler while the one before is still in it (two at most; each commits only after the one
   * before it has). Only for a handler that keeps no order-dependent state and stores
   * idempotently: the classifier, whose inference of one batch then overlaps the insert of the
   * one before. Default off: one call per partition at a time. Kafka members honour it; an
   * in-process member overlaps its batches over its 8 partitions instead.
   */
  pipelined?: boolean;
  /**
   * Where a group without committed offsets begins: at the oldest retained record (default),
   * or at the end, with what is published from now on. `latest` is for a group of one that
   * wants only the live stream (each server's live hub): a new group at `earliest` would
   * replay the whole retention first.
   */
  start?: 'earliest' | 'latest';
  /**
   * Called when the member can no longer consume and will not recover by itself (a Kafka
   * consumer that crashed without restarting). A process should then exit so that its
   * supervisor starts a fresh member, rather than sit in the group doing nothing.
   */
  onFatal?(error: Error): void;
}

export interface ConsumeOptions<T extends Topic> extends ConsumeSettings {
  topic: T;
  /**
   * Processes one batch. When it resolves, the batch is committed; when it rejects (or the
   * member stops before it resolves), the batch is not committed and will be delivered again,
   * to this member or another one of the group: at-least-once. It gets only the records that
   * decoded against the topic's schema, and is not called when none did: the others were
   * dead-lettered (see TypedBus.consume).
   */
  handler(records: InRecord<T>[]): Promise<void>;
}

export interface TransportConsumeOptions extends ConsumeSettings {
  /** As {@link ConsumeOptions.handler}, with the batch's records as encoded. */
  handler(records: RawInRecord[]): Promise<void>;
}

export interface StopOptions {
  /**
   * How long a batch in flight may take to finish and commit before the member leaves anyway
   * (default 0: it is abandoned at once, uncommitted, and delivered again).
   */
  graceMs?: number;
}

export interface Subscription {
  /**
   * Leaves the group: takes no new batch, gives a batch in flight up to `graceMs` to settle
   * and commit, then goes; records not committed by then go to the remaining members.
   */
  stop(options?: StopOptions): Promise<void>;
}

/** The durable log under the in-process transport, as metrics and health read it. */
export interface BusLogStatus {
  /** The log's folder (in the data dir): health checks its disk's free space. */
  dir: string;
  /** Size of its data file on disk; LMDB reuses freed pages but never shrinks the file. */
  fileBytes: number;
  /** Records held for some group (or for groups to come), and their keys' and values' bytes. */
  records: number;
  heldBytes: number;
  /** What retention keeps `heldBytes` under, beyond what live groups have not committed. */
  retentionBytes: number;
  /** Health degrades when the log's disk has less free space than this. */
  minFreeBytes: number;
  /** Why the latest write failed, until one succeeds; each publish meanwhile still tries. */
  failing: string | null;
}

export interface Bus {
  readonly kind: BusTransport['kind'];
  /** Creates the topics (idempotent). */
  start(): Promise<void>;
  /**
   * Resolves once the records are durable: synced to the durable log on the in-process bus,
   * acknowledged by all in-sync replicas on Kafka (PULSE_BUS_DURABLE=0: held in memory only).
   * Consumers see them only then, in offset order.
   */
  publish<T extends Topic>(topic: T, records: OutRecord<TopicValue<T>>[]): Promise<void>;
  consume<T extends Topic>(options: ConsumeOptions<T>): Promise<Subscription>;
  /** Records published to `topic` that `group` has not committed yet, over all partitions. */
  lag(group: string, topic: Topic): Promise<number>;
  /** The durable log's figures; null where there is none (Kafka, or the in-process bus with PULSE_BUS_DURABLE=0). */
  logStatus(): BusLogStatus | null;
  /** Leaves every group at once; with a durable log, waits for its pending writes. */
  close(): Promise<void>;
}

/**
 * What an adapter implements: the {@link Bus} over encoded records, with the same delivery
 * semantics (groups, partitions, per-key order, commit after the handler, back-off).
 */
export interface BusTransport {
  readonly kind: 'memory' | 'kafka';
  start(): Promise<void>;
  publish(topic: Topic, records: RawOutRecord[]): Promise<void>;
  consume(options: TransportConsumeOptions): Promise<Subscription>;
  lag(group: string, topic: Topic): Promise<number>;
  logStatus(): BusLogStatus | null;
  close(): Promise<void>;
}
