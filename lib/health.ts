/**
 * The one health probe: is the bus answering (through the classifiers' lag, which needs it), is
 * the store answering, are the classifiers keeping up, and is the bus's durable log writing and
 * far from its limits. `GET /api/health` answers with it and the live hub sends it to every
 * dashboard in its `status` events.
 */
import { statfs } from 'node:fs/promises';
import type { BusLogStatus } from './bus/bus.ts';
import type { LagReading } from './classify/lag.ts';
import { answerWithin } from './timeout.ts';

/** `draining`: the process is stopping (lib/shutdown.ts): send it nothing new. */
export type HealthStatus = 'ok' | 'degraded' | 'error' | 'draining';

export interface Health {
  status: HealthStatus;
  /** Why it is not ok, one line per cause. */
  reasons: string[];
  bus: { ok: true } | { ok: false; error: string };
  store: { ok: true } | { ok: false; error: string };
  /** Raw messages the classifiers have not committed; null when the bus did not answer. */
  lag: number | null;
}

export interface HealthDeps {
  lag: { fresh(): Promise<LagReading> };
  store: { ping(): Promise<void> };
  /** The process's draining state (the server's); its reason comes first once a stop began. */
  drain?: { readonly reason: string | undefined };
  /** The bus, for its durable log (none on Kafka or with PULSE_BUS_DURABLE=0). */
  bus?: { logStatus(): BusLogStatus | null };
}

/** Raw messages waiting beyond this many means the classifiers are not keeping up. */
export const LagDegradedAt = 10_000;
const storeTimeoutMs = 2_000;

async function pingStore(store: HealthDeps['store']): Promise<Health['store']> {
  try {
    await answerWithin(store.ping(), storeTimeoutMs);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

/** Share of its retention size past which the log degrades health: retention is about to drop what idle groups have not read. */
export const LogDegradedAt = 0.8;
const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

/**
 * The durable log's problems: a failing write is an error (publishes are refused); a log near
 * its retention size or a disk near full degrades health before writes start to fail.
 */
async function checkBusLog(status: BusLogStatus | null): Promise<{ error?: string; warnings: string[] }> {
  if (!status) return { warnings: [] };
  const warnings: string[] = [];
  if (status.heldBytes > status.retentionBytes * LogDegradedAt) {
    warnings.push(`bus log holds ${mib(status.heldBytes)}, over ${LogDegradedAt * 100} % of its retention (${mib(status.retentionBytes)})`);
  }
  try {
    const disk = await statfs(status.dir);
    const free = disk.bavail * disk.bsize;
    if (free < status.minFreeBytes) warnings.push(`data dir disk has ${mib(free)} free, under ${mib(status.minFreeBytes)}`);
  } catch {
    // The log's folder not there (yet): nothing to measure; a write failure says the rest.
  }
  return { ...(status.failing ? { error: `bus log cannot be written: ${status.failing}` } : {}), warnings };
}

export async function probeHealth(deps: HealthDeps): Promise<Health> {
  const [lag, store, busLog] = await Promise.all([deps.lag.fresh(), pingStore(deps.store), checkBusLog(deps.bus?.logStatus() ?? null)]);
  const busError = lag.ok ? busLog.error : lag.error;
  const reasons: string[] = [];
  if (busError) reasons.push(`bus: ${busError}`);
  if (!store.ok) reasons.push(`store: ${store.error}`);
  if (lag.ok && lag.lag > LagDegradedAt) reasons.push(`classifier lag ${lag.lag} > ${LagDegradedAt}`);
  reasons.push(...busLog.warnings);
  const draining = deps.drain?.reason;
  if (draining !== undefined) reasons.unshift(`draining: ${draining}`);
  return {
    status: draining !== undefined ? 'draining' : busError || !store.ok ? 'error' : reasons.length ? 'degraded' : 'ok',
    reasons,
    bus: busError ? { ok: false, error: busError } : { ok: true },
    store,
    lag: lag.ok ? lag.lag : null,
  };
}
