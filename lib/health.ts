/**
 * The one health probe: is the bus answering (through the classifiers' lag, which needs it), is
 * the store answering, and are the classifiers keeping up. `GET /api/health` answers with it and
 * the live hub sends it to every dashboard in its `status` events.
 */
import type { LagReading } from './classify/lag.ts';

export type HealthStatus = 'ok' | 'degraded' | 'error';

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
}

/** Raw messages waiting beyond this many means the classifiers are not keeping up. */
export const LagDegradedAt = 10_000;
const storeTimeoutMs = 2_000;

async function pingStore(store: HealthDeps['store']): Promise<Health['store']> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      store.ping(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${storeTimeoutMs} ms`)), storeTimeoutMs);
      }),
    ]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function probeHealth(deps: HealthDeps): Promise<Health> {
  const [lag, store] = await Promise.all([deps.lag.fresh(), pingStore(deps.store)]);
  const reasons: string[] = [];
  if (!lag.ok) reasons.push(`bus: ${lag.error}`);
  if (!store.ok) reasons.push(`store: ${store.error}`);
  if (lag.ok && lag.lag > LagDegradedAt) reasons.push(`classifier lag ${lag.lag} > ${LagDegradedAt}`);
  return {
    status: !lag.ok || !store.ok ? 'error' : reasons.length ? 'degraded' : 'ok',
    reasons,
    bus: lag.ok ? { ok: true } : { ok: false, error: lag.error },
    store,
    lag: lag.ok ? lag.lag : null,
  };
}
