/**
 * The message bus between ingest, classifiers, the detector and the live hub. Two
 * implementations: Kafka (kafkajs) for the distributed runtime and an in-process one for the
 * embedded runtime; the factory in `index.ts` is the only place that chooses.
 */

export const Topics = {
  raw: 'pulse.messages.raw',
  scored: 'pulse.messages.scored',
  alerts: 'pulse.alerts',
  dlq: 'pulse.dlq',
} as const;
export type Topic = (typeof Topics)[keyof typeof Topics];
export const allTopics: Topic[] = Object.values(Topics);

export interface OutRecord {
  /** Partitioning key (the message id): the same key always lands on the same partition. */
  key: string;
  value: string;
}

export interface InRecord {
  key: string | null;
  value: string;
  partition: number;
  offset: string;
}

export interface ConsumeOptions {
  /** Consumer group: members of one group share the partitions; each group sees every record. */
  group: string;
  topic: Topic;
  /** At most this many records per handler call … */
  maxBatch: number;
  /** … or whatever arrived within this wait, whichever comes first. */
  maxWaitMs: number;
  /**
   * Where a group without committed offsets begins: at the oldest retained record (default),
   * or at the end, with what is published from now on. `latest` is for a group of one that
   * wants only the live stream (each server's live hub): a new group at `earliest` would
   * replay the whole retention first.
   */
  start?: 'earliest' | 'latest';
  /**
   * Processes one batch. When it resolves, the batch is committed; when it rejects (or the
   * member stops before it resolves), the batch is not committed and will be delivered again,
   * to this member or another one of the group: at-least-once.
   */
  handler(records: InRecord[]): Promise<void>;
  /**
   * Called when the member can no longer consume and will not recover by itself (a Kafka
   * consumer that crashed without restarting). A process should then exit so that its
   * supervisor starts a fresh member, rather than sit in the group doing nothing.
   */
  onFatal?(error: Error): void;
}

export interface Subscription {
  /** Leaves the group; records not yet committed go to the remaining members. */
  stop(): Promise<void>;
}

export interface Bus {
  readonly kind: 'memory' | 'kafka';
  /** Creates the topics (idempotent). */
  start(): Promise<void>;
  publish(topic: Topic, records: OutRecord[]): Promise<void>;
  consume(options: ConsumeOptions): Promise<Subscription>;
  /** Records published to `topic` that `group` has not committed yet, over all partitions. */
  lag(group: string, topic: Topic): Promise<number>;
  close(): Promise<void>;
}
