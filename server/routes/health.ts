/** `GET /api/health`: ok / degraded / error, and why, per dependency. */
import type { ServerResponse } from 'node:http';
import type { Bus } from '../../lib/bus/bus.ts';
import { Topics } from '../../lib/bus/topics.ts';
import { ClassifierGroup } from '../../lib/classifier.ts';
import type { Store } from '../../lib/store/index.ts';
import type { ClassifierInfo } from '../../models/runtime/classifier.ts';
import { sendJson } from '../respond.ts';

export interface HealthDeps {
  bus: Bus;
  store: Store;
  /** The in-process classifiers' model, when this process runs classifiers. */
  model?: { info: ClassifierInfo; threads: number };
  embeddedClassifiers: number;
}

/** Raw messages waiting beyond this many means the classifiers are not keeping up. */
const lagDegradedAt = 10_000;
const timeoutMs = 2_000;

function withTimeout<T>(p: Promise<T>): Promise<T> {
  return Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref())]);
}

async function check<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await withTimeout(p) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

export async function healthRoute(deps: HealthDeps, res: ServerResponse): Promise<void> {
  const [lag, store] = await Promise.all([check(deps.bus.lag(ClassifierGroup, Topics.raw)), check(deps.store.ping())]);
  const reasons: string[] = [];
  if (!lag.ok) reasons.push(`bus: ${lag.error}`);
  if (!store.ok) reasons.push(`store: ${store.error}`);
  if (lag.ok && lag.value > lagDegradedAt) reasons.push(`classifier lag ${lag.value} > ${lagDegradedAt}`);
  const status = !lag.ok || !store.ok ? 'error' : reasons.length ? 'degraded' : 'ok';
  sendJson(res, status === 'error' ? 503 : 200, {
    status,
    reasons,
    bus: { kind: deps.bus.kind, ok: lag.ok, ...(lag.ok ? {} : { error: lag.error }) },
    store: { kind: deps.store.kind, ok: store.ok, ...(store.ok ? {} : { error: store.error }) },
    model: deps.model
      ? { name: deps.model.info.model, provider: deps.model.info.provider, threads: deps.model.threads }
      : { name: null, note: 'classifiers run in separate worker processes' },
    workers: { inProcess: deps.embeddedClassifiers },
    lag: lag.ok ? lag.value : null,
  });
}
