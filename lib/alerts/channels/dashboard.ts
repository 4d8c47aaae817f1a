/**
 * The dashboard channel: publishes the alert on `pulse.alerts`, which every server's live hub
 * relays to the browsers subscribed to the alert's stream (banner and alert list).
 *
 * A delivery worker that is itself fed from `pulse.alerts` must not use this channel: it would
 * publish every alert back to its own input.
 */
import type { Bus } from '../../bus/bus.ts';
import { Topics } from '../../bus/topics.ts';
import type { AlertChannel } from '../channel.ts';

export function dashboardChannel(bus: Pick<Bus, 'publish'>): AlertChannel {
  return {
    kind: 'dashboard',
    target: Topics.alerts,
    async send(alert, event) {
      // Keyed by alert id: every version of one alert lands on one partition, in order.
      await bus.publish(Topics.alerts, [{ key: alert.id, value: { ...alert, event } }]);
      return {};
    },
  };
}
