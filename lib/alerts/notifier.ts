/**
 * The deliver stage's entry: an alert event goes to the dashboard and to the channels its
 * stream configured for that event, through {@link AlertDelivery} (retries, every attempt
 * recorded). The detect stage hands each stored alert version here and does not wait; the
 * server hands people's acknowledgements and resolutions here (lib/alerts/actions.ts).
 *
 *   const notifier = new AlertNotifier({ bus, deliveries: store.deliveries, metrics, alerts: config.alerts });
 *   notifier.notify(alert, 'opened', stream.channels);
 *   await notifier.drain(graceMs); // at shutdown
 */
import type { Bus } from '../bus/bus.ts';
import type { AlertsConfig } from '../config.ts';
import type { Metrics } from '../metrics.ts';
import { Deadline } from '../shutdown.ts';
import type { DeliveryRepository } from '../store/alert-deliveries.ts';
import type { Alert, AlertEvent } from './alert.ts';
import { channelTakes, type AlertChannel, type ChannelConfig } from './channel.ts';
import { createChannel, type ChannelDeps } from './channels/index.ts';
import { AlertDelivery } from './delivery.ts';

export interface AlertNotifierOptions {
  /** For the dashboard channel (`pulse.alerts`). */
  bus: Pick<Bus, 'publish'>;
  deliveries: Pick<DeliveryRepository, 'insert'>;
  metrics: Pick<Metrics, 'alerts' | 'alertDeliveries'>;
  /** Webhook reach, Slack links and the delivery policy. */
  alerts: AlertsConfig;
}

/**
 * Every notifier of the process queues on one chain per alert. The embedded runtime has two
 * (the detect stage's, the server's for people's actions): sharing the chains keeps an
 * `acknowledged` behind the `opened` that is still being retried. Across processes (the
 * distributed runtime) the order is the order of the events themselves.
 */
const processChains = new Map<string, Promise<unknown>>();

export class AlertNotifier {
  private readonly channelDeps: ChannelDeps;
  private readonly dashboard: AlertChannel;
  private readonly delivery: AlertDelivery;
  private readonly stopping = new AbortController();
  /** Events of one alert go out in order (opened before resolved), each after the previous one's retries. */
  private readonly chains = processChains;
  /** This notifier's own deliveries, which {@link drain} waits for. */
  private readonly mine = new Set<Promise<unknown>>();

  constructor(private readonly options: AlertNotifierOptions) {
    const { alerts } = options;
    this.channelDeps = { bus: options.bus, allowPrivate: alerts.allowPrivateWebhooks, publicUrl: alerts.publicUrl };
    this.dashboard = createChannel({ kind: 'dashboard' }, this.channelDeps);
    this.delivery = new AlertDelivery({ deliveries: options.deliveries, metrics: options.metrics, policy: alerts.delivery });
  }

  /** Counts the event and queues its delivery behind the alert's earlier events; returns at once. */
  notify(alert: Alert, event: AlertEvent, channels: readonly ChannelConfig[]): void {
    this.options.metrics.alerts.inc({ event });
    const targets = this.channelsOf(channels.filter((c) => channelTakes(c, event)));
    const previous = this.chains.get(alert.id) ?? Promise.resolve();
    const next = previous.then(() => this.delivery.deliver(alert, event, targets, this.stopping.signal));
    this.chains.set(alert.id, next);
    this.mine.add(next);
    void next.finally(() => {
      this.mine.delete(next);
      if (this.chains.get(alert.id) === next) this.chains.delete(alert.id);
    });
  }

  /**
   * At shutdown: queued events get `graceMs` to be delivered; then running attempts and
   * pending retries are cut short (and recorded as failed). Resolves when every one has ended.
   */
  async drain(graceMs = 0): Promise<void> {
    const ended = Promise.allSettled(this.mine);
    await new Deadline(graceMs).wait(ended);
    this.stopping.abort();
    await ended;
  }

  /** The dashboard always hears of an alert; a stream's own channels come on top. */
  private channelsOf(configs: readonly ChannelConfig[]): AlertChannel[] {
    return [this.dashboard, ...configs.filter((c) => c.kind !== 'dashboard').map((c) => createChannel(c, this.channelDeps))];
  }
}
