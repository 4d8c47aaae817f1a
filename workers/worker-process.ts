/**
 * What every worker process of the distributed runtime does around its own stage: `--help`,
 * the configuration, its runtime (lib/runtime.ts refuses a worker without Kafka and a ClickHouse
 * server: the embedded runtime runs its stages inside the server process), `/metrics` on
 * PULSE_METRICS_PORT, and a graceful stop on SIGTERM / SIGINT within PULSE_SHUTDOWN_GRACE_MS
 * (lib/shutdown.ts): the stage finishes and commits its in-flight work, the store and the bus
 * close, exit 0; a second signal exits at once.
 */
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { log } from '../lib/log.ts';
import { serveMetrics } from '../lib/metrics.ts';
import { openRuntime, startInProcessStages, type StandaloneStage } from '../lib/runtime.ts';
import { exitOnStopSignals } from '../lib/shutdown.ts';

export interface WorkerSpec {
  /** The one stage this process runs; also names it in messages and logs. */
  stage: StandaloneStage;
  help: string;
}

export function runWorkerProcess(spec: WorkerSpec): void {
  runCli(async () => {
    const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h', default: false } } });
    if (values.help) return void console.log(spec.help);
    const config = loadConfig();
    const runtime = await openRuntime(config, { standalone: spec.stage });
    const stages = await startInProcessStages(runtime).catch(async (err: unknown) => {
      await runtime.close();
      throw err;
    });
    const metricsServer = await serveMetrics(runtime.metrics.registry, '0.0.0.0', config.metricsPort);
    const model = stages.classifiers?.model.info;
    log.info({ ...(model ? { model: model.model, provider: model.provider } : {}), metricsPort: config.metricsPort }, `${spec.stage} worker running`);
    exitOnStopSignals(`${spec.stage} worker`, async () => {
      await stages.stop({ graceMs: config.shutdown.graceMs });
      await runtime.close();
      // Last: the drain's own figures (the last batches, the lag) can be scraped until the end,
      // and monitoring does not see the process gone while it is still committing.
      const closed = new Promise<void>((resolve) => metricsServer.close(() => resolve()));
      metricsServer.closeAllConnections();
      await closed;
    });
  });
}
