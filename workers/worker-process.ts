/**
 * What every worker process of the distributed runtime does around its own work: `--help`,
 * the configuration (Kafka and a ClickHouse server are required: the embedded runtime runs
 * its workers inside the server process), bus, store and the keyword streams, `/metrics` on
 * PULSE_METRICS_PORT, and an orderly stop on SIGTERM / SIGINT.
 */
import { parseArgs } from 'node:util';
import type { Bus } from '../lib/bus/bus.ts';
import { createBus } from '../lib/bus/index.ts';
import { runCli } from '../lib/cli.ts';
import { loadConfig, type Config } from '../lib/config.ts';
import { PulseError } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { createMetrics, serveMetrics, type Metrics } from '../lib/metrics.ts';
import { openStore, type Store } from '../lib/store/index.ts';
import { StreamRegistry } from '../lib/streams/registry.ts';

export interface WorkerContext {
  config: Config;
  bus: Bus;
  store: Store;
  metrics: Metrics;
  streams: StreamRegistry;
}

export interface WorkerSpec {
  /** `classifier`, `detector`: for messages and logs. */
  name: string;
  help: string;
  /** Starts the work; the returned stop runs before the streams, store and bus close. */
  start(context: WorkerContext): Promise<{ stop(): Promise<void>; details?: Record<string, unknown> }>;
}

export function runWorkerProcess(spec: WorkerSpec): void {
  runCli(async () => {
    const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h', default: false } } });
    if (values.help) return void console.log(spec.help);
    const config = loadConfig();
    if (config.bus.kind !== 'kafka' || config.store.kind !== 'clickhouse') {
      throw new PulseError(
        'CONFIG_INVALID',
        `a standalone ${spec.name} needs KAFKA_BROKERS and CLICKHOUSE_URL; the embedded runtime (npm start) runs its ${spec.name} itself`,
      );
    }
    const metrics = createMetrics();
    const bus = createBus(config.bus);
    await bus.start();
    const store = await openStore(config.store);
    const streams = await StreamRegistry.start(store.streams, { pollMs: config.streams.pollMs });
    const work = await spec.start({ config, bus, store, metrics, streams });
    const metricsServer = await serveMetrics(metrics.registry, '0.0.0.0', config.metricsPort);
    log.info({ ...work.details, metricsPort: config.metricsPort }, `${spec.name} worker running`);
    const shutdown = async (signal: string) => {
      log.info({ signal }, `${spec.name} worker stopping`);
      metricsServer.close();
      await work.stop();
      await streams.stop();
      await store.close();
      await bus.close();
      process.exit(0);
    };
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
    process.once('SIGINT', () => void shutdown('SIGINT'));
  });
}
