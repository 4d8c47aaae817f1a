/**
 * The detector with its alert delivery, wired from lib/ pieces. `workers/detector.ts` runs it
 * as a process next to Kafka and a ClickHouse server; the embedded runtime runs it inside the
 * server process. Run one detector per deployment: it watches every stream, and a second one
 * would announce every alert twice.
 */
import type { Alert, AlertEvent } from '../lib/alerts/alert.ts';
import type { AlertChannel } from '../lib/alerts/channel.ts';
import { createChannel, type ChannelDeps } from '../lib/alerts/channels/index.ts';
import { AlertDelivery } from '../lib/alerts/delivery.ts';
import { DetectorLoop, watchedStreams, type WatchedStream } from '../lib/anomaly/detector-loop.ts';
import type { Bus } from '../lib/bus/bus.ts';
import type { Config } from '../lib/config.ts';
import { AllStreamsId } from '../lib/contracts/api.ts';
import { log } from '../lib/log.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { Store } from '../lib/store/index.ts';
import type { StreamRegistry } from '../lib/streams/registry.ts';
import type { StoredChannel } from '../lib/streams/stream.ts';

export interface DetectorService {
  stop(): Promise<void>;
}

export function startDetectorService(
  config: Config, bus: Bus, store: Store, metrics: Metrics, registry: StreamRegistry,
): DetectorService {
  const channelDeps: ChannelDeps = {
    bus, allowPrivate: config.alerts.allowPrivateWebhooks, ...(config.alerts.publicUrl ? { publicUrl: config.alerts.publicUrl } : {}),
  };
  const dashboard = createChannel({ kind: 'dashboard' }, channelDeps);
  const delivery = new AlertDelivery({ deliveries: store.deliveries, metrics, policy: config.alerts.delivery });
  const stopping = new AbortController();
  // Events of one alert go out in order (opened before resolved), each after the previous one's retries.
  const chains = new Map<string, Promise<unknown>>();

  // The dashboard always hears of an alert; a stream's own channels come on top.
  const channelsOf = (stored: readonly StoredChannel[]): AlertChannel[] => [
    dashboard,
    ...stored.filter((c) => c.kind !== 'dashboard').map((c) => createChannel(c, channelDeps)),
  ];

  const notify = (alert: Alert, event: AlertEvent, stored: readonly StoredChannel[]) => {
    metrics.alerts.inc({ event });
    const channels = channelsOf(stored);
    const previous = chains.get(alert.id) ?? Promise.resolve();
    const next = previous.then(() => delivery.deliver(alert, event, channels, stopping.signal));
    chains.set(alert.id, next);
    void next.finally(() => {
      if (chains.get(alert.id) === next) chains.delete(alert.id);
    });
  };

  const all: WatchedStream | null = config.detector.allStreams
    ? { id: AllStreamsId, name: 'All messages', rule: { sensitivity: config.detector.allStreams }, channels: [] }
    : null;
  const loop = new DetectorLoop({
    signals: store.signals, alerts: store.alerts, notify, settleMs: config.detector.settleMs,
    streams: () => watchedStreams(registry.streams, all),
  });

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = () => {
    const started = Date.now();
    const stopTimer = metrics.detectorTickSeconds.startTimer();
    running = loop
      .tick()
      .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'detector tick failed; seconds it could not read are read at the next tick'))
      .finally(() => {
        stopTimer();
        metrics.detectorStreams.set(loop.size);
        if (!stopping.signal.aborted) timer = setTimeout(tick, Math.max(0, config.detector.tickMs - (Date.now() - started)));
      });
  };
  tick();
  log.info({ tickMs: config.detector.tickMs, settleMs: config.detector.settleMs, allStreams: config.detector.allStreams ?? 'off' }, 'detector running');

  return {
    stop: async () => {
      stopping.abort();
      clearTimeout(timer);
      await running;
      await Promise.allSettled(chains.values());
    },
  };
}
