/**
 * Generic webhook: the alert as JSON, signed so the receiver can tell it came from Pulse and
 * was not altered or replayed.
 *
 *   X-Pulse-Timestamp: <unix seconds of this attempt>
 *   X-Pulse-Delivery:  <delivery id, the same on every retry: dedupe on it>
 *   X-Pulse-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *
 * The timestamp is inside the signed text, so a captured request cannot be replayed later with
 * a fresh timestamp; receivers reject old timestamps ({@link verifyWebhookSignature} does).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Alert, AlertEvent } from '../alert.ts';
import type { AlertChannel, WebhookChannelConfig } from '../channel.ts';
import { postJson, redactUrl } from '../http.ts';
import { alertLink } from '../link.ts';

export const SignatureHeader = 'X-Pulse-Signature';
export const TimestampHeader = 'X-Pulse-Timestamp';
export const DeliveryHeader = 'X-Pulse-Delivery';

/** The request body. */
export interface WebhookPayload {
  /** The delivery id, as in `X-Pulse-Delivery`. */
  delivery: string;
  event: AlertEvent;
  alert: Alert;
  /** The alert in the dashboard (`PULSE_PUBLIC_URL/alerts?alert=<id>`). */
  link: string;
  /** Present (true) only on a "send test" from the stream's form: no alert stands behind it. */
  test?: true;
}

/** `sha256=<hex>` of `"<timestamp>.<body>"`. */
export function signWebhook(secret: string, timestamp: number | string, body: string | Buffer): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export interface VerifyInput {
  secret: string;
  /** The raw request body, byte for byte: re-serialised JSON would not match. */
  body: string | Buffer;
  /** The `X-Pulse-Signature` and `X-Pulse-Timestamp` headers as received. */
  signature: string | undefined;
  timestamp: string | undefined;
  /** How old (or how far ahead) a timestamp may be; default 300 s. */
  toleranceSeconds?: number;
  /** Unix ms, for tests. */
  now?: number;
}

/** Whether a request is signed with `secret` and recent; compares in constant time. */
export function verifyWebhookSignature(input: VerifyInput): boolean {
  const { signature, timestamp } = input;
  if (signature === undefined || timestamp === undefined || !/^\d{1,12}$/.test(timestamp)) return false;
  const ageSeconds = Math.abs((input.now ?? Date.now()) / 1000 - Number(timestamp));
  if (ageSeconds > (input.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(input.secret, timestamp, input.body));
  const given = Buffer.from(signature);
  // timingSafeEqual needs equal lengths; the length of a well-formed signature is public anyway.
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function webhookChannel(config: WebhookChannelConfig, deps: { allowPrivate: boolean; publicUrl: string }): AlertChannel {
  return {
    kind: 'webhook',
    target: redactUrl(config.url),
    send(alert, event, { deliveryId, signal, test }) {
      const payload: WebhookPayload = { delivery: deliveryId, event, alert, link: alertLink(deps.publicUrl, alert), ...(test ? { test: true } : {}) };
      const body = JSON.stringify(payload);
      // A fresh timestamp per attempt: a retry minutes later still passes the receiver's window.
      const timestamp = Math.floor(Date.now() / 1000);
      const headers = {
        [SignatureHeader]: signWebhook(config.secret, timestamp, body),
        [TimestampHeader]: String(timestamp),
        [DeliveryHeader]: deliveryId,
      };
      return postJson(config.url, body, headers, { allowPrivate: deps.allowPrivate, signal });
    },
  };
}
