import { InProcessPartitions, type BusConfig, type DurableBusConfig } from '../config.ts';
import type { Bus } from './bus.ts';
import { KafkaTransport } from './kafka.ts';
import { MemoryTransport } from './memory.ts';
import { TypedBus, type TypedBusOptions } from './typed-bus.ts';

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
  return new MemoryTransport({ partitions: InProcessPartitions, retentionBytes, retentionMs, durable: { dir, minFreeBytes } });
}
