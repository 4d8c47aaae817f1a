/**
 * `GET /api/health`: ok / degraded / error / draining, and why, per dependency (lib/health.ts
 * probes). Error and draining answer 503, so a load balancer stops sending here.
 */
import type { ServerResponse } from 'node:http';
import type { Bus } from '../../lib/bus/bus.ts';
import { probeHealth, type HealthDeps } from '../../lib/health.ts';
import type { Store } from '../../lib/store/index.ts';
import type { ClassifierInfo } from '../../models/runtime/classifier.ts';
import { sendJson } from '../respond.ts';

export interface HealthRouteDeps {
  bus: Pick<Bus, 'kind' | 'logStatus'>;
  store: Pick<Store, 'kind'> & HealthDeps['store'];
  /** The process's lag reader (lib/classify/lag.ts). */
  lag: HealthDeps['lag'];
  /** The in-process classifiers' model, when this process runs classifiers. */
  model?: { info: ClassifierInfo; threads: number };
  /** Classify members in this process, as many as there are now (absent: they run in worker processes). */
  classifiers?: { readonly members: number };
  /** The server's draining state: `draining` once its stop began. */
  drain?: HealthDeps['drain'];
}

export async function healthRoute(deps: HealthRouteDeps, res: ServerResponse): Promise<void> {
  const health = await probeHealth({ lag: deps.lag, store: deps.store, drain: deps.drain, bus: deps.bus });
  sendJson(res, health.status === 'error' || health.status === 'draining' ? 503 : 200, {
    status: health.status,
    reasons: health.reasons,
    bus: { kind: deps.bus.kind, ...health.bus },
    store: { kind: deps.store.kind, ...health.store },
    model: deps.model
      ? { name: deps.model.info.model, provider: deps.model.info.provider, threads: deps.model.threads }
      : { name: null, note: 'classifiers run in separate worker processes' },
    workers: { inProcess: deps.classifiers?.members ?? 0 },
    lag: health.lag,
  });
}
