/**
 * A classifier worker process for the distributed runtime: joins the `pulse-classifier`
 * consumer group on Kafka, scores raw messages and writes them to ClickHouse. Run as many as
 * the raw topic has partitions; Kafka shares the partitions among them.
 */
import { parseArgs } from 'node:util';
import { createBus } from '../lib/bus/index.ts';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { PulseError } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { createMetrics, serveMetrics } from '../lib/metrics.ts';
import { Store } from '../lib/store/index.ts';
import { StreamRegistry } from '../lib/streams/registry.ts';
import { startClassifierService } from './classifier-service.ts';

const help = `Usage: npm run worker:classifier [-- --help]

Consumes pulse.messages.raw in the consumer group "pulse-classifier", classifies each
micro-batch with the model pool, writes it to ClickHouse, publishes pulse.messages.scored and
commits. Each message is matched against the keyword streams, re-read from the store every
PULSE_STREAMS_POLL_MS (a saved change applies without a restart). Bad messages go to pulse.dlq. Needs KAFKA_BROKERS and CLICKHOUSE_URL: the
in-process bus and the embedded ClickHouse live inside the server process, which runs its
own classifiers (npm start).

Environment: KAFKA_BROKERS, CLICKHOUSE_URL/USER/PASSWORD/DB, MODEL_DIR, PULSE_DEVICE,
PULSE_MODEL_THREADS, PULSE_BATCH_MAX, PULSE_BATCH_WAIT_MS, PULSE_STREAMS_POLL_MS, PULSE_METRICS_PORT (Prometheus
/metrics of this process, default 9464). See README.md → Configuration.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) return void console.log(help);
  const config = loadConfig();
  if (config.bus.kind !== 'kafka' || config.store.kind !== 'clickhouse') {
    throw new PulseError(
      'CONFIG_INVALID',
      'a standalone classifier needs KAFKA_BROKERS and CLICKHOUSE_URL; the embedded runtime (npm start) runs its classifiers itself',
    );
  }
  const metrics = createMetrics();
  const bus = createBus(config.bus);
  await bus.start();
  const store = await Store.open(config.store);
  const streams = await StreamRegistry.start(store, { pollMs: config.streams.pollMs });
  const service = await startClassifierService(config, bus, store, metrics, 1, streams);
  const metricsServer = await serveMetrics(metrics.registry, '0.0.0.0', config.metricsPort);
  log.info({ model: service.pool.info.model, provider: service.pool.info.provider, metricsPort: config.metricsPort }, 'classifier worker running');
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'classifier worker stopping');
    metricsServer.close();
    await service.stop();
    await streams.stop();
    await store.close();
    await bus.close();
    process.exit(0);
  };
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
  process.once('SIGINT', () => void shutdown('SIGINT'));
}

runCli(main);
