import { InProcessPartitions, type BusConfig, type DurableBusConfig } from '../config.ts';
import type { Bus } from './bus.ts';
import { KafkaTransport } from './kafka.ts';
import { MemoryTransport } from './memory.ts';
import { Topics } from './topics.ts';
import { TypedBus, type TypedBusOptions } from './typed-bus.ts';

/**
 * What the in-process log keeps: the topics a group of the process resumes after a restart,
 * the classifiers' and the dead-letter recorder's. Scored messages and alerts are only followed
 * live, by each process's hub from `latest`, so nothing would read them back (the alerts
 * themselves are in the store); scored messages are the bulk of the bytes. bench:pipeline
 * `--max --seconds 20` on 2 cores, three runs each, alternated: 10,995 / 11,582 / 11,867 msgs/s
 * sustained with them in the log, 11,438 / 11,922 / 12,511 without (+4 %), server CPU 167 → 160 %,
 * the classifier's publish stage 56–61 → 12 ms a batch.
 */
const loggedTopics = [Topics.raw, Topics.dlq];

/**
 * The only place that chooses the transport: Kafka when brokers are configured, else
 * in-process, over a durable log unless PULSE_BUS_DURABLE=0.
 */
export function createBus(config: BusConfig, options: TypedBusOptions = {}): Bus {
  return new TypedBus(config.kind === 'kafka' ? new KafkaTransport(config) : inProcessTransport(config.durable), options);
}

function inProcessTransport(durable: DurableBusConfig | null): MemoryTransport {
  if (!durable) return new MemoryTransport({ partitions: InProcessPartitions });
  const { dir, retentionBytes, retentionMs, minFreeBytes } = durable;
  return new MemoryTransport({ partitions: InProcessPartitions, retentionBytes, retentionMs, durable: { dir, minFreeBytes, topics: loggedTopics } });
}
