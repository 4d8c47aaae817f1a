/**
 * `npm run workers`: classifier worker processes on this host, a fixed number or as many as the
 * lag asks for (lib/classify/supervisor.ts). For the distributed runtime without Kubernetes; on
 * a cluster, KEDA scales the classifier Deployment on the same lag (deploy/).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { createBus } from '../lib/bus/index.ts';
import { startSupervisor, type SupervisorMode } from '../lib/classify/supervisor.ts';
import { runCli } from '../lib/cli.ts';
import { loadConfig, type Config } from '../lib/config.ts';
import { PulseError } from '../lib/errors.ts';
import { log } from '../lib/log.ts';
import { createMetrics, serveMetrics } from '../lib/metrics.ts';
import { repoRoot } from '../lib/paths.ts';
import { exitOnStopSignals } from '../lib/shutdown.ts';

const help = `Usage: npm run workers -- [--classifiers N | --autoscale [--min N] [--max N]]

Runs classifier worker processes (workers/classifier.ts) on this host for the distributed
runtime, and keeps them running: one that dies unexpectedly is replaced (after a back-off
that doubles while they keep dying young, up to 30 s).

  --classifiers N   a fixed number of them (default 1)
  --autoscale       as many as the lag of the group "pulse-classifier" asks for, between --min
                    (default 1) and --max (default PULSE_TOPIC_PARTITIONS: a process beyond the
                    partitions would have none). Lag above PULSE_SCALE_LAG (1000) for
                    PULSE_SCALE_UP_AFTER_MS (2000) adds one process; lag at or under it for
                    PULSE_SCALE_COOLDOWN_MS (30000) stops the newest one (SIGTERM: it finishes
                    and commits its batches within PULSE_SHUTDOWN_GRACE_MS). Every step is logged.
  -h, --help        this text

Needs KAFKA_BROKERS and CLICKHOUSE_URL (what the workers need; the embedded runtime, npm start,
scales its in-process classifiers itself). Its own /metrics is on PULSE_METRICS_PORT (default
9464: pulse_classifier_members = processes running, pulse_classifier_scale_events_total,
pulse_classifier_consumer_lag); process n gets PULSE_METRICS_PORT + n. Their logs come out here,
each line prefixed with [classifier-n]. SIGTERM / SIGINT stop every process gracefully and exit
once all have; a second signal exits at once (the processes are killed). The processes get this
environment; see README.md → Configuration and → Scaling.`;

const count = z.coerce.number().int().min(1).max(256);

function modeOf(values: { autoscale: boolean; classifiers?: string; min?: string; max?: string }, config: Config): SupervisorMode {
  const parsed = (flag: string, value: string | undefined, fallback: number) => {
    const n = count.safeParse(value ?? fallback);
    if (!n.success) throw new PulseError('INPUT_INVALID', `--${flag} must be a whole number from 1 to 256 (got ${JSON.stringify(value)})`);
    return n.data;
  };
  if (!values.autoscale) {
    if (values.min !== undefined || values.max !== undefined) throw new PulseError('INPUT_INVALID', '--min and --max go with --autoscale');
    return { autoscale: false, classifiers: parsed('classifiers', values.classifiers, 1) };
  }
  if (values.classifiers !== undefined) throw new PulseError('INPUT_INVALID', '--classifiers is a fixed number: leave it out with --autoscale (use --min / --max)');
  const partitions = config.bus.kind === 'kafka' ? config.bus.partitions : 1;
  const min = parsed('min', values.min, 1);
  const max = parsed('max', values.max, Math.max(min, partitions));
  if (max < min) throw new PulseError('INPUT_INVALID', `--max (${max}) is below --min (${min})`);
  return { autoscale: true, min, max, scale: config.classifier.scale };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      help: { type: 'boolean', short: 'h', default: false },
      autoscale: { type: 'boolean', default: false },
      classifiers: { type: 'string' },
      min: { type: 'string' },
      max: { type: 'string' },
    },
  });
  if (values.help) return void console.log(help);
  const config = loadConfig();
  if (config.bus.kind !== 'kafka' || config.store.kind !== 'clickhouse') {
    throw new PulseError(
      'CONFIG_INVALID',
      'the supervisor runs classifier worker processes, which need KAFKA_BROKERS and CLICKHOUSE_URL; the embedded runtime (npm start) scales its in-process classifiers itself',
    );
  }
  const mode = modeOf(values, config);
  const metrics = createMetrics();
  const bus = createBus(config.bus);
  await bus.start();
  const metricsServer = await serveMetrics(metrics.registry, '0.0.0.0', config.metricsPort);
  const supervisor = await startSupervisor({
    mode, bus, metrics,
    processes: { entry: path.join(repoRoot, 'workers', 'classifier.ts'), metricsPortBase: config.metricsPort, graceMs: config.shutdown.graceMs },
  });
  log.info({ ...mode, metricsPort: config.metricsPort }, 'classifier supervisor running');
  exitOnStopSignals('classifier supervisor', async () => {
    await supervisor.stop();
    await bus.close();
    const closed = new Promise<void>((resolve) => metricsServer.close(() => resolve()));
    metricsServer.closeAllConnections();
    await closed;
  });
}

runCli(main);
