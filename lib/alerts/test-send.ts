/**
 * "Send test": one clearly marked test alert to one of a stream's channels, sent once (no
 * retries, nothing stored: there is no alert behind it) and answered synchronously, so the person
 * who typed the URL sees at once whether the receiver takes it, and what it answered if not.
 */
import { randomUUID } from 'node:crypto';
import type { Alert } from './alert.ts';
import type { ChannelConfig } from './channel.ts';
import { createChannel, type ChannelDeps } from './channels/index.ts';
import { outcomeOf } from './delivery.ts';

export interface TestSendResult {
  /** `refused`: the URL guard refused the target; `failed`: the receiver did not take it. */
  status: 'ok' | 'failed' | 'refused';
  target: string;
  httpStatus?: number;
  error?: string;
}

const testTimeoutMs = 10_000;

/** The test alert: every field a real one has, its words saying it is a test. */
export function testAlert(stream: { id: string; name: string }, now = Date.now()): Alert {
  const at = new Date(now).toISOString();
  const figures = { at, z: -4.2, current: 12.5, volume: 125 };
  return {
    id: `test-${randomUUID()}`,
    stream: stream.id,
    kind: 'surge',
    label: 'negative',
    direction: 'negative',
    severity: 'warning',
    status: 'open',
    openedAt: at,
    updatedAt: at,
    opening: figures,
    peak: figures,
    z: figures.z,
    current: figures.current,
    baseline: { center: 1.5, spread: 0.5, minutes: 30 },
    window: { from: new Date(now - 10_000).toISOString(), to: at },
    volume: figures.volume,
    topTerms: ['test'],
    examples: [],
    reason: `TEST — a test alert from Pulse for the stream ${JSON.stringify(stream.name)}; no action is needed.`,
  };
}

export async function sendTestAlert(config: ChannelConfig, stream: { id: string; name: string }, deps: ChannelDeps): Promise<TestSendResult> {
  const channel = createChannel(config, deps);
  const alert = testAlert(stream);
  try {
    const sent = await channel.send(alert, 'opened', { deliveryId: randomUUID(), signal: AbortSignal.timeout(testTimeoutMs), test: true });
    return { status: 'ok', target: channel.target, ...(sent.httpStatus !== undefined ? { httpStatus: sent.httpStatus } : {}) };
  } catch (err) {
    const outcome = outcomeOf(err);
    return {
      status: outcome.status === 'refused' ? 'refused' : 'failed',
      target: channel.target,
      ...(outcome.httpStatus !== undefined ? { httpStatus: outcome.httpStatus } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    };
  }
}
