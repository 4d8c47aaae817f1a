/**
 * Alert channels: where an alert event goes. One module per channel under `channels/`
 * (dashboard, signed JSON webhook, Slack incoming webhook), all behind {@link AlertChannel};
 * `delivery.ts` adds retries, timeouts and the per-attempt record. Brand teams store their
 * channels per stream as JSON, and {@link parseChannelConfig} is the one way such a stored
 * config comes back in.
 */
import { z } from 'zod';
import { PulseError, type ErrorCode } from '../errors.ts';
import { AlertEvents, type Alert, type AlertEvent } from './alert.ts';

export const ChannelKinds = ['dashboard', 'webhook', 'slack'] as const;
export type ChannelKind = (typeof ChannelKinds)[number];

/**
 * Syntax only: whether the host may be reached is decided at send time (`url-guard.ts`),
 * because DNS answers change after a config is stored.
 */
const webhookUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2048);

/**
 * What an outside channel receives unless it says otherwise: the alert's life (opened, escalated,
 * acknowledged, resolved), not every `updated` of its numbers, which would page people every tick.
 */
export const DefaultChannelEvents: readonly AlertEvent[] = ['opened', 'escalated', 'acknowledged', 'resolved'];

/** The events a webhook or Slack channel receives; absent: {@link DefaultChannelEvents}. */
const channelEvents = z.array(z.enum(AlertEvents)).min(1, 'choose at least one event').max(AlertEvents.length).optional();

/**
 * Strict objects: a stored config with a misspelt key (`secert`) is refused instead of
 * silently delivering unsigned.
 */
export const ChannelConfigSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('dashboard') }),
  z.strictObject({
    kind: z.literal('webhook'),
    url: webhookUrl,
    /** HMAC key of `X-Pulse-Signature`; 16 characters at least, so it cannot be guessed offline. */
    secret: z.string().min(16).max(256),
    events: channelEvents,
  }),
  z.strictObject({ kind: z.literal('slack'), url: webhookUrl, events: channelEvents }),
]);
export type ChannelConfig = z.infer<typeof ChannelConfigSchema>;
export type WebhookChannelConfig = Extract<ChannelConfig, { kind: 'webhook' }>;
export type SlackChannelConfig = Extract<ChannelConfig, { kind: 'slack' }>;

/** A stored channel config, checked; ALERT_CHANNEL_INVALID names the fields, never their values (URLs and secrets). */
export function parseChannelConfig(input: unknown): ChannelConfig {
  const parsed = ChannelConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
  throw new PulseError('ALERT_CHANNEL_INVALID', `invalid alert channel: ${issues}`);
}

/** Whether a channel takes `event`: the dashboard hears everything (its banner follows every version). */
export function channelTakes(config: ChannelConfig, event: AlertEvent): boolean {
  if (config.kind === 'dashboard') return true;
  return (config.events ?? DefaultChannelEvents).includes(event);
}

export interface SendContext {
  /** The same for every attempt of one delivery, so that a receiver can drop a repeat. */
  deliveryId: string;
  /** Aborted when the attempt times out or the caller stops delivering. */
  signal: AbortSignal;
  /** A "send test" from the stream's form: the channel marks the message as a test. */
  test?: boolean;
}

export interface SendResult {
  /** The receiver's answer, for HTTP channels. */
  httpStatus?: number;
}

export interface AlertChannel {
  readonly kind: ChannelKind;
  /** Where it delivers, fit for logs and the store: no secret in it (tokens in URLs are cut). */
  readonly target: string;
  /** Delivers one event once; rejects with a {@link DeliveryError} that says whether a retry can help. */
  send(alert: Alert, event: AlertEvent, context: SendContext): Promise<SendResult>;
}

export interface DeliveryErrorDetail {
  /** A network error, a timeout, a 5xx or a 429: the same request may succeed later. */
  retryable: boolean;
  httpStatus?: number;
  /** The receiver's `Retry-After`, in milliseconds from now. */
  retryAfterMs?: number;
}

/** A failed send, with what the retry policy needs to know about it. */
export class DeliveryError extends PulseError {
  constructor(
    code: Extract<ErrorCode, 'ALERT_DELIVERY_FAILED' | 'ALERT_DELIVERY_TIMEOUT'>,
    message: string,
    readonly detail: DeliveryErrorDetail,
    options?: { cause?: unknown },
  ) {
    super(code, message, options);
  }
}
