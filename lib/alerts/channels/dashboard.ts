/**
 * The dashboard channel: publishes the alert on `pulse.alerts`, which every server's live hub
 * relays to the browsers subscribed to the alert's stream (banner and alert list).
 *
 * A delivery worker that is itself fed from `pulse.alerts` must not use this channel: it would
 * publish every alert back to its own input.
 */
import { z } from 'zod';
import { Topics, type Bus } from '../../bus/bus.ts';
import { AlertSchema } from '../alert.ts';
import { AlertEvents, type AlertChannel } from '../channel.ts';

/**
 * A record on `pulse.alerts`: the alert itself plus what just happened to it, so the dashboard
 * can raise a banner on `opened` and clear it on `resolved`. Still parses as a plain Alert.
 */
export const AlertRecordSchema = AlertSchema.extend({ event: z.enum(AlertEvents) });
export type AlertRecord = z.infer<typeof AlertRecordSchema>;

export function dashboardChannel(bus: Pick<Bus, 'publish'>): AlertChannel {
  return {
    kind: 'dashboard',
    target: Topics.alerts,
    async send(alert, event) {
      // Keyed by alert id: every version of one alert lands on one partition, in order.
      await bus.publish(Topics.alerts, [{ key: alert.id, value: JSON.stringify({ ...alert, event } satisfies AlertRecord) }]);
      return {};
    },
  };
}
