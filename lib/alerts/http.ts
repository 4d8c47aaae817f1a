/**
 * The one HTTP POST of the webhook channels: through the URL guard, to the checked addresses
 * only, no redirects, and a classification of the answer that the retry policy acts on.
 * node:http rather than fetch: fetch takes no `lookup`, which the address pinning needs.
 */
import http from 'node:http';
import https from 'node:https';
import { isPulseError } from '../errors.ts';
import { DeliveryError, type SendResult } from './channel.ts';
import { checkWebhookUrl, pinnedLookup, type Resolver } from './url-guard.ts';

export interface PostOptions {
  allowPrivate: boolean;
  signal: AbortSignal;
  /** Resolver for the guard (tests). */
  resolve?: Resolver;
}

/** Of an error answer, this much of the body goes into the error (Slack says why in it: `invalid_payload`). */
const errorBodyChars = 200;
const userAgent = 'Pulse-Alerts/1';

/**
 * A URL as logs and the delivery table may show it: scheme, host and port. Paths and queries
 * of webhook URLs often are the credential (Slack's `/services/T…/B…/<token>`), and user info
 * is one by definition, so both go.
 */
export function redactUrl(raw: string): string {
  try {
    const url = new URL(raw);
    return `${url.protocol}//${url.host}${url.pathname === '/' && !url.search ? '/' : '/…'}`;
  } catch {
    return '(invalid URL)';
  }
}

/**
 * POSTs `body` as JSON. Resolves on a 2xx; rejects with WEBHOOK_URL_REFUSED from the guard,
 * or a {@link DeliveryError}: retryable for network errors, 5xx and 429 (with its
 * `Retry-After`), final for other 4xx and for 3xx, whose `Location` is not followed because
 * it could point anywhere, the inside of the network included.
 */
export async function postJson(rawUrl: string, body: string, headers: Record<string, string>, options: PostOptions): Promise<SendResult> {
  const target = await abortable(checkWebhookUrl(rawUrl, { allowPrivate: options.allowPrivate, resolve: options.resolve }), options.signal).catch(
    (err: unknown) => {
      if (isPulseError(err)) throw err;
      throw new DeliveryError('ALERT_DELIVERY_FAILED', `DNS lookup failed: ${(err as Error).message}`, { retryable: true }, { cause: err });
    },
  );
  const { url } = target;
  const client = url.protocol === 'https:' ? https : http;
  const answer = await new Promise<{ status: number; retryAfter?: string; text: string }>((resolve, reject) => {
    const req = client.request(
      {
        method: 'POST',
        protocol: url.protocol,
        hostname: target.hostname,
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        auth: url.username ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}` : undefined,
        headers: {
          ...headers,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          'user-agent': userAgent,
        },
        lookup: pinnedLookup(target.addresses),
        // A keep-alive agent could hand over a socket opened for another address of the same host name.
        agent: false,
        signal: options.signal,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        const retryAfter = res.headers['retry-after'];
        if (status >= 200 && status < 300) {
          // The status is the answer: the body is not read, and the socket (this request's alone) is closed.
          resolve({ status, text: '' });
          res.destroy();
          return;
        }
        // Read only the start of an error answer: a receiver may send an endless body.
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.length >= errorBodyChars) res.destroy();
        });
        const done = () => resolve({ status, ...(retryAfter !== undefined ? { retryAfter } : {}), text });
        res.on('end', done);
        res.on('close', done);
      },
    );
    req.on('error', reject);
    req.end(body);
  }).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DeliveryError('ALERT_DELIVERY_FAILED', `request failed: ${code ?? (err as Error).message}`, { retryable: true }, { cause: err });
  });
  return classify(answer);
}

function classify(answer: { status: number; retryAfter?: string; text: string }): SendResult {
  const { status } = answer;
  if (status >= 200 && status < 300) return { httpStatus: status };
  const said = answer.text.replace(/\s+/g, ' ').trim().slice(0, errorBodyChars);
  const message = `receiver answered ${status}${said ? `: ${said}` : ''}`;
  if (status >= 300 && status < 400) {
    throw new DeliveryError('ALERT_DELIVERY_FAILED', `${message} (redirects are not followed)`, { retryable: false, httpStatus: status });
  }
  if (status === 429 || status >= 500) {
    const retryAfterMs = parseRetryAfter(answer.retryAfter);
    throw new DeliveryError('ALERT_DELIVERY_FAILED', message, {
      retryable: true,
      httpStatus: status,
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    });
  }
  throw new DeliveryError('ALERT_DELIVERY_FAILED', message, { retryable: false, httpStatus: status });
}

/** `Retry-After` as delay-seconds or an HTTP date, in ms from now; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** `promise`, or the signal's reason as soon as it aborts (a DNS lookup cannot be cancelled itself). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
