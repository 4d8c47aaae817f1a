import type { BusConfig } from '../config.ts';
import type { Bus } from './bus.ts';
import { KafkaTransport } from './kafka.ts';
import { MemoryTransport } from './memory.ts';
import { TypedBus, type TypedBusOptions } from './typed-bus.ts';

/**
 * In-process partitions per topic: as many classifier consumers as the embedded runtime can
 * usefully run side by side, while keeping per-key order.
 */
const memoryPartitions = 4;

/** The only place that chooses the transport: Kafka when brokers are configured, else in-process. */
export function createBus(config: BusConfig, options: TypedBusOptions = {}): Bus {
  return new TypedBus(config.kind === 'kafka' ? new KafkaTransport(config) : new MemoryTransport({ partitions: memoryPartitions }), options);
}
