/**
 * The distributed runtime's classifier supervisor on one host (`npm run workers`,
 * workers/supervisor.ts): runs classifier worker processes ({@link ClassifierProcesses}), a fixed
 * number of them, or as many as the lag of the group `pulse-classifier` asks for between min and
 * max (the same rule as the embedded members, lib/classify/autoscale.ts, over a lag reader of
 * its own). On a cluster, Kubernetes does this with KEDA instead (deploy/).
 */
import type { Bus } from '../bus/bus.ts';
import type { ScaleConfig } from '../config.ts';
import type { ClassifierScaleStep } from '../contracts/live.ts';
import { log } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { ScalePolicy } from './autoscale.ts';
import { ClassifierLag } from './lag.ts';
import { ClassifierProcesses, type ClassifierProcessesOptions } from './processes.ts';
import { LagFollower } from './scaler.ts';

export type SupervisorMode =
  | { autoscale: false; classifiers: number }
  | { autoscale: true; min: number; max: number; scale: ScaleConfig };

export interface SupervisorOptions {
  mode: SupervisorMode;
  /** The children: what they run, their ports, grace and restarts. */
  processes: Omit<ClassifierProcessesOptions, 'onRunning'>;
  /** Where the group's lag is read (Kafka: the workers' group lives there). */
  bus: Pick<Bus, 'lag'>;
  /** `pulse_classifier_members` (running children), the scale counter and the lag gauge. */
  metrics: Metrics;
  /** How often the lag is read while autoscaling (on Kafka each read is two admin requests). */
  lagIntervalMs?: number;
}

export interface Supervisor {
  readonly processes: ClassifierProcesses;
  /** The latest scale step; null before the first, or with a fixed count. */
  readonly lastScale: ClassifierScaleStep | null;
  /** No more steps; every child stops gracefully (SIGTERM, its grace); resolves once all have exited. */
  stop(): Promise<void>;
}

export async function startSupervisor(options: SupervisorOptions): Promise<Supervisor> {
  const { mode, metrics } = options;
  const processes = new ClassifierProcesses({ ...options.processes, onRunning: (running) => metrics.members.set(running) });
  metrics.members.set(0);
  const initial = mode.autoscale ? mode.min : mode.classifiers;
  // Side by side: the group then sees one join, not one rebalance per child.
  await Promise.all(Array.from({ length: initial }, () => processes.add()));
  if (!mode.autoscale) {
    log.info({ classifiers: initial }, 'supervisor running a fixed number of classifier processes');
    return { processes, lastScale: null, stop: () => processes.stop() };
  }
  const lag = new ClassifierLag(options.bus, {
    intervalMs: options.lagIntervalMs ?? 1000,
    onReading: (reading) => {
      if (reading.ok) metrics.lag.set(reading.lag);
    },
  }).start();
  const follower = new LagFollower(new ScalePolicy(mode.scale, { min: mode.min, max: mode.max }), lag, processes, metrics.scaleEvents, {
    what: 'classifier processes',
  }).start();
  log.info({ min: mode.min, max: mode.max, ...mode.scale }, 'supervisor: classifier processes follow the lag');
  return {
    processes,
    get lastScale() {
      return follower.lastScale;
    },
    // Side by side with a step under way: a child being removed keeps its grace, and one being
    // added is stopped with the others (the set starts none once it is stopping).
    stop: async () => {
      await Promise.all([follower.stop(), processes.stop()]);
      lag.stop();
    },
  };
}
