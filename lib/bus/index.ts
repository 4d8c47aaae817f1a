import type { BusConfig } from '../config.ts';
import type { Bus } from './bus.ts';
import { KafkaBus } from './kafka.ts';
import { MemoryBus } from './memory.ts';

/**
 * In-process partitions per topic: as many classifier consumers as the embedded runtime can
 * usefully run side by side, while keeping per-key order.
 */
const memoryPartitions = 4;

/** The only place that chooses the bus: Kafka when brokers are configured, else in-process. */
export function createBus(config: BusConfig): Bus {
  return config.kind === 'kafka' ? new KafkaBus(config) : new MemoryBus({ partitions: memoryPartitions });
}
