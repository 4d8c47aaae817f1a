/**
 * The detect stage in one process: every tick the loop reads each watched stream's settled
 * seconds, and every alert version it stores goes to the deliver stage ({@link AlertNotifier}).
 * `workers/detector.ts` runs it as a process next to Kafka and a ClickHouse server; the
 * embedded runtime runs it inside the server process (lib/runtime.ts decides). Run one detector
 * per deployment: it watches every stream, and a second one would announce every alert twice.
 * Beside the loop, every PULSE_DRIFT_CHECK_MS, the drift watch (lib/drift/watch.ts) compares
 * each stream's recent messages with the champion model's reference.
 */
import { AlertNotifier } from '../alerts/notifier.ts';
import type { Bus, StopOptions } from '../bus/bus.ts';
import type { Config } from '../config.ts';
import { AllStreamsId } from '../contracts/api.ts';
import { log } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import { Deadline } from '../shutdown.ts';
import type { Store } from '../store/index.ts';
import type { StreamRegistry } from '../streams/registry.ts';
import { DriftWatch } from '../drift/watch.ts';
import { DetectorLoop, watchedStreams, type WatchedStream } from './loop.ts';

export interface DetectorService {
  /**
   * The running tick finishes (its alerts stored and queued), then the queued deliveries get
   * what is left of `graceMs` (default 0) before the rest are cut short and recorded as failed.
   */
  stop(options?: StopOptions): Promise<void>;
}

/** What the detector needs of its process: lib/runtime.ts's `Runtime` is one. */
export interface DetectorServiceDeps {
  config: Pick<Config, 'detector' | 'alerts' | 'drift' | 'model'>;
  bus: Pick<Bus, 'publish'>;
  store: Pick<Store, 'signals' | 'alerts' | 'deliveries' | 'drift' | 'models'>;
  metrics: Metrics;
  streams: Pick<StreamRegistry, 'streams'>;
}

export function startDetectorService(deps: DetectorServiceDeps): DetectorService {
  const { config, store, metrics, streams: registry } = deps;
  const notifier = new AlertNotifier({ bus: deps.bus, deliveries: store.deliveries, metrics, alerts: config.alerts });
  const all: WatchedStream | null = config.detector.allStreams
    ? { id: AllStreamsId, name: 'All messages', rule: { sensitivity: config.detector.allStreams }, channels: [] }
    : null;
  const loop = new DetectorLoop({
    signals: store.signals, alerts: store.alerts, settleMs: config.detector.settleMs, resolveAfterMs: config.detector.resolveAfterMs,
    notify: (alert, event, channels) => notifier.notify(alert, event, channels),
    streams: () => watchedStreams(registry.streams, all),
  });

  const drift = new DriftWatch({
    drift: store.drift, alerts: store.alerts, models: store.models, model: config.model, config: config.drift,
    notify: (alert, event, channels) => notifier.notify(alert, event, channels),
    streams: () => watchedStreams(registry.streams, all),
  });

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  let driftTimer: NodeJS.Timeout | undefined;
  let checking: Promise<void> = Promise.resolve();
  const check = () => {
    checking = drift
      .check()
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'drift check failed; the next check tries again'))
      .finally(() => {
        if (!stopped) driftTimer = setTimeout(check, config.drift.checkMs);
      });
  };
  const tick = () => {
    const started = Date.now();
    const stopTimer = metrics.detectorTickSeconds.startTimer();
    running = loop
      .tick()
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'detector tick failed; seconds it could not read are read at the next tick'))
      .finally(() => {
        stopTimer();
        metrics.detectorStreams.set(loop.size);
        if (!stopped) timer = setTimeout(tick, Math.max(0, config.detector.tickMs - (Date.now() - started)));
      });
  };
  tick();
  check();
  log.info({ tickMs: config.detector.tickMs, settleMs: config.detector.settleMs, allStreams: config.detector.allStreams ?? 'off' }, 'detector running');

  return {
    // The last tick stores its alerts and queues them before the deliveries are drained.
    stop: async ({ graceMs = 0 } = {}) => {
      const deadline = new Deadline(graceMs);
      stopped = true;
      clearTimeout(timer);
      clearTimeout(driftTimer);
      await Promise.all([running, checking]);
      await notifier.drain(deadline.left());
    },
  };
}
