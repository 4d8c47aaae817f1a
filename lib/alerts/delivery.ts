/**
 * Delivers one alert event to a stream's channels. Each channel is delivered on its own, so one
 * that fails or hangs holds up none of the others. A failed attempt is retried while a retry
 * can help (network errors, timeouts, 5xx, 429 after its `Retry-After`; never other 4xx or a
 * refused URL), after an exponential backoff with jitter, within a number of attempts and a
 * total time. Every attempt is bounded by a timeout and recorded in `alert_deliveries`.
 *
 *   const delivery = new AlertDelivery({ deliveries: store.deliveries, metrics, policy: config.alerts.delivery });
 *   const channels = configs.map((c) => createChannel(parseChannelConfig(c), deps));
 *   await delivery.deliver(alert, 'opened', channels);
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { DeliveryAttempt, DeliveryStatus } from '../contracts/api.ts';
import { PulseError, isPulseError } from '../errors.ts';
import { log } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { DeliveryRepository } from '../store/alert-deliveries.ts';
import type { Alert, AlertEvent } from './alert.ts';
import { DeliveryError, type AlertChannel, type ChannelKind } from './channel.ts';

export interface DeliveryPolicy {
  /** Attempts per channel and event, the first one included. */
  maxAttempts: number;
  /** No attempt starts later than this after the first one; a `Retry-After` reaching past it ends the delivery. */
  maxTotalMs: number;
  /** One attempt, from DNS lookup to the receiver's status line. */
  attemptTimeoutMs: number;
  /**
   * The wait after attempt n is drawn from the upper half of min(maxDelayMs, baseDelayMs·2^(n−1)):
   * exponential, so a struggling receiver gets room, and jittered, so the retries of many
   * alerts to one receiver do not arrive in lockstep.
   */
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Five attempts over about 15 s at most unless a receiver asks for longer (`Retry-After`, up to 2 min). */
export const DefaultDeliveryPolicy: Readonly<DeliveryPolicy> = {
  maxAttempts: 5,
  maxTotalMs: 120_000,
  attemptTimeoutMs: 10_000,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
};

export interface DeliveryResult {
  channel: ChannelKind;
  target: string;
  deliveryId: string;
  /** The last attempt's. */
  status: DeliveryStatus;
  attempts: number;
  httpStatus?: number;
  error?: string;
}

export interface AlertDeliveryOptions {
  deliveries: Pick<DeliveryRepository, 'insert'>;
  metrics: Pick<Metrics, 'alertDeliveries'>;
  /** Missing fields take {@link DefaultDeliveryPolicy}'s. */
  policy?: Partial<DeliveryPolicy>;
  /** Jitter in [0, 1) (tests pin it). */
  random?: () => number;
}

/** What one attempt came to. */
export interface Outcome {
  status: DeliveryStatus;
  retryable: boolean;
  httpStatus?: number;
  retryAfterMs?: number;
  error?: string;
}

/** Stored error texts are cut here: a receiver's answer may be long, the row is for a glance. */
const errorChars = 500;

export class AlertDelivery {
  readonly policy: DeliveryPolicy;
  private readonly random: () => number;

  constructor(private readonly options: AlertDeliveryOptions) {
    // Unset fields (`undefined`, as the configuration leaves them) keep the default.
    const set = Object.entries(options.policy ?? {}).filter(([, v]) => v !== undefined);
    this.policy = checkPolicy({ ...DefaultDeliveryPolicy, ...Object.fromEntries(set) });
    this.random = options.random ?? Math.random;
  }

  /**
   * Delivers `event` of `alert` to every channel at once and resolves, never rejects, when each
   * one has succeeded, been refused or given up: one result per channel, in order. `signal`
   * (shutdown) aborts running attempts and pending retries; those channels end `failed`.
   */
  deliver(alert: Alert, event: AlertEvent, channels: readonly AlertChannel[], signal?: AbortSignal): Promise<DeliveryResult[]> {
    return Promise.all(channels.map((channel) => this.deliverTo(channel, alert, event, signal)));
  }

  private async deliverTo(channel: AlertChannel, alert: Alert, event: AlertEvent, stop?: AbortSignal): Promise<DeliveryResult> {
    const { policy } = this;
    const deliveryId = randomUUID();
    const deadline = Date.now() + policy.maxTotalMs;
    const context = { alertId: alert.id, deliveryId, channel: channel.kind, target: channel.target, event };
    for (let attempt = 1; ; attempt++) {
      const timeoutMs = Math.max(1, Math.min(policy.attemptTimeoutMs, deadline - Date.now()));
      const outcome = await this.attempt(channel, alert, event, deliveryId, timeoutMs, stop);
      let wait: number | undefined;
      if (outcome.retryable && !stop?.aborted) {
        const delay = outcome.retryAfterMs ?? this.backoff(attempt);
        // The row and the log say why a retryable failure is final.
        if (attempt >= policy.maxAttempts) outcome.error += `; gave up after ${attempt} attempts`;
        // Starting an attempt that the budget cannot fit would only be cut short.
        else if (Date.now() + delay >= deadline) {
          outcome.error += `; a retry in ${Math.ceil(delay / 1000)} s would end past the ${policy.maxTotalMs} ms delivery window`;
        } else wait = delay;
      }
      const detail = {
        ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
        ...(outcome.error !== undefined ? { error: outcome.error } : {}),
      };
      const result: DeliveryResult = { channel: channel.kind, target: channel.target, deliveryId, status: outcome.status, attempts: attempt, ...detail };
      await this.record(
        { ...context, at: new Date().toISOString(), attempt, status: outcome.status, ...detail },
        outcome.status === 'failed' && wait !== undefined ? 'retried' : outcome.status,
      );
      if (wait === undefined) {
        report(result, context);
        return result;
      }
      log.debug({ ...context, attempt, waitMs: Math.round(wait), httpStatus: outcome.httpStatus }, 'alert delivery will retry');
      try {
        await sleep(wait, undefined, { signal: stop });
      } catch {
        const stopped = { ...result, error: `${result.error ?? 'failed'}; stopped before attempt ${attempt + 1}` };
        report(stopped, context);
        return stopped;
      }
    }
  }

  /** One send, cut off after `timeoutMs` or when `stop` aborts, whether or not the channel honours its signal. */
  private async attempt(
    channel: AlertChannel, alert: Alert, event: AlertEvent, deliveryId: string, timeoutMs: number, stop?: AbortSignal,
  ): Promise<Outcome> {
    const controller = new AbortController();
    const onStop = () => controller.abort(new DeliveryError('ALERT_DELIVERY_FAILED', 'delivery stopped', { retryable: false }));
    const timer = setTimeout(
      () => controller.abort(new DeliveryError('ALERT_DELIVERY_TIMEOUT', `no answer within ${timeoutMs} ms`, { retryable: true })),
      timeoutMs,
    );
    if (stop?.aborted) onStop();
    else stop?.addEventListener('abort', onStop, { once: true });
    const aborted = new Promise<never>((_, reject) => {
      if (controller.signal.aborted) reject(controller.signal.reason);
      controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
    });
    const sending = Promise.resolve().then(() => channel.send(alert, event, { deliveryId, signal: controller.signal }));
    // After a timeout the send's own rejection has nobody left to tell.
    sending.catch(() => {});
    try {
      const sent = await Promise.race([sending, aborted]);
      return { status: 'ok', retryable: false, ...(sent.httpStatus !== undefined ? { httpStatus: sent.httpStatus } : {}) };
    } catch (err) {
      return outcomeOf(err);
    } finally {
      clearTimeout(timer);
      stop?.removeEventListener('abort', onStop);
    }
  }

  private backoff(attempt: number): number {
    const ceiling = Math.min(this.policy.maxDelayMs, this.policy.baseDelayMs * 2 ** (attempt - 1));
    return ceiling / 2 + (this.random() * ceiling) / 2;
  }

  /** Counts and stores an attempt. A store that fails must not stop the delivery itself: it is logged. */
  private async record(attempt: DeliveryAttempt, result: 'ok' | 'retried' | 'failed' | 'refused'): Promise<void> {
    this.options.metrics.alertDeliveries.inc({ channel: attempt.channel, result });
    try {
      await this.options.deliveries.insert(attempt);
    } catch (err) {
      log.warn({ alertId: attempt.alertId, channel: attempt.channel, attempt: attempt.attempt, err: (err as Error).message }, 'alert delivery attempt not recorded');
    }
  }
}

/** A failed send as the retry policy (and the "send test" answer) sees it. */
export function outcomeOf(err: unknown): Outcome {
  const error = (err instanceof Error ? err.message : String(err)).slice(0, errorChars);
  if (isPulseError(err, 'WEBHOOK_URL_REFUSED')) return { status: 'refused', retryable: false, error };
  if (err instanceof DeliveryError) return { status: 'failed', ...err.detail, error };
  // Anything else (the bus refusing a publish, …) is a failure of the moment: worth another try.
  return { status: 'failed', retryable: true, error };
}

function report(result: DeliveryResult, context: Record<string, string>): void {
  const fields = { ...context, attempts: result.attempts, httpStatus: result.httpStatus, error: result.error };
  if (result.status === 'ok') {
    if (result.attempts > 1) log.info(fields, 'alert delivered after retries');
    else log.debug(fields, 'alert delivered');
  } else {
    log.warn(fields, result.status === 'refused' ? 'alert delivery refused' : 'alert delivery failed');
  }
}

/** Rejects policies that would misbehave quietly (no attempt at all, a wait longer than the budget). */
function checkPolicy(p: DeliveryPolicy): DeliveryPolicy {
  const problems: string[] = [];
  const int = (name: keyof DeliveryPolicy, min: number) => {
    if (!Number.isInteger(p[name]) || p[name] < min) problems.push(`${name} must be an integer ≥ ${min}`);
  };
  int('maxAttempts', 1);
  int('maxTotalMs', 1);
  int('attemptTimeoutMs', 1);
  int('baseDelayMs', 0);
  int('maxDelayMs', 0);
  if (p.attemptTimeoutMs > p.maxTotalMs) problems.push('attemptTimeoutMs must not exceed maxTotalMs');
  if (p.baseDelayMs > p.maxDelayMs) problems.push('baseDelayMs must not exceed maxDelayMs');
  if (problems.length) throw new PulseError('CONFIG_INVALID', `invalid alert delivery policy: ${problems.join('; ')}`);
  return p;
}
