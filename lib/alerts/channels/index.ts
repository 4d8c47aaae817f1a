/** Builds the channel a stored config describes; the only place that maps a kind to its module. */
import type { Bus } from '../../bus/bus.ts';
import type { AlertChannel, ChannelConfig } from '../channel.ts';
import { dashboardChannel } from './dashboard.ts';
import { slackChannel } from './slack.ts';
import { webhookChannel } from './webhook.ts';

export interface ChannelDeps {
  /** For the dashboard channel. */
  bus: Pick<Bus, 'publish'>;
  /** `PULSE_ALLOW_PRIVATE_WEBHOOKS`: webhooks may reach private and loopback addresses. */
  allowPrivate: boolean;
  /** `PULSE_PUBLIC_URL`: where every outside message links to. */
  publicUrl: string;
}

/** `config` as returned by `parseChannelConfig`. */
export function createChannel(config: ChannelConfig, deps: ChannelDeps): AlertChannel {
  switch (config.kind) {
    case 'dashboard':
      return dashboardChannel(deps.bus);
    case 'webhook':
      return webhookChannel(config, deps);
    case 'slack':
      return slackChannel(config, deps);
  }
}

export { DeliveryHeader, SignatureHeader, TimestampHeader, signWebhook, verifyWebhookSignature, type WebhookPayload } from './webhook.ts';
