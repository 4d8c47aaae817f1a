/**
 * The {@link Bus} every publisher and consumer uses, over either transport: values are
 * encoded on the way out and decoded against their topic's schema on the way in (codec.ts),
 * in the spirit of platformatic/kafka's serialisers, so no consumer parses a record by hand
 * and a malformed record is dead-lettered the same way on every topic and both runtimes.
 */
import { log } from '../log.ts';
import type { DeadLetter } from '../message.ts';
import type { Bus, BusLogStatus, BusTransport, ConsumeOptions, InRecord, OutRecord, RawInRecord, Subscription } from './bus.ts';
import { decodeRecord, encodeValue } from './codec.ts';
import { Topics, type Topic, type TopicValue } from './topics.ts';

export interface TypedBusOptions {
  /**
   * Told of every batch of malformed records published to `pulse.dlq` (the runtime counts them
   * in `pulse_dlq_messages_total{stage="bus"}`). Not called on `pulse.dlq` itself, where
   * nothing is published.
   */
  onDeadLettered?(topic: Topic, count: number): void;
}

export class TypedBus implements Bus {
  readonly kind: BusTransport['kind'];

  constructor(
    private readonly transport: BusTransport,
    private readonly options: TypedBusOptions = {},
  ) {
    this.kind = transport.kind;
  }

  start(): Promise<void> {
    return this.transport.start();
  }

  publish<T extends Topic>(topic: T, records: OutRecord<TopicValue<T>>[]): Promise<void> {
    return this.transport.publish(topic, records.map(({ key, value }) => ({ key, value: encodeValue<T>(value) })));
  }

  /** The transport's subscription as is: its `stop({ graceMs })` lets a batch in flight finish, dead letters included. */
  consume<T extends Topic>(options: ConsumeOptions<T>): Promise<Subscription> {
    return this.transport.consume({ ...options, handler: (records) => this.deliver(options, records) });
  }

  lag(group: string, topic: Topic): Promise<number> {
    return this.transport.lag(group, topic);
  }

  logStatus(): BusLogStatus | null {
    return this.transport.logStatus();
  }

  close(): Promise<void> {
    return this.transport.close();
  }

  /**
   * Decodes one batch and hands the valid records to the handler, in order. The malformed ones
   * go to `pulse.dlq` first, in the same batch: if either the dead letters or the handler
   * fail, the whole batch is delivered again (at-least-once), so none is lost. On `pulse.dlq`
   * itself, publishing them would loop: there the dead letter replaces the unreadable record.
   */
  private async deliver<T extends Topic>(options: ConsumeOptions<T>, records: RawInRecord[]): Promise<void> {
    const { topic, group } = options;
    const valid: InRecord<T>[] = [];
    const refused: Array<{ record: RawInRecord; deadLetter: DeadLetter }> = [];
    let malformed = 0;
    const now = Date.now();
    for (const record of records) {
      const decoded = decodeRecord(topic, group, record, now);
      if (decoded.ok) {
        valid.push(decoded.record);
        continue;
      }
      malformed++;
      if (topic === Topics.dlq) valid.push({ ...record, value: decoded.deadLetter as TopicValue<T> });
      else refused.push({ record, deadLetter: decoded.deadLetter });
    }
    if (malformed) log.warn({ topic, group, malformed, records: records.length }, 'bus dead-lettered malformed records');
    if (refused.length) {
      await this.publish(
        Topics.dlq,
        refused.map(({ record: { key, partition, offset }, deadLetter }) => ({ key: key ?? `${topic}-${partition}-${offset}`, value: deadLetter })),
      );
      this.options.onDeadLettered?.(topic, refused.length);
    }
    if (valid.length) await options.handler(valid);
  }
}
