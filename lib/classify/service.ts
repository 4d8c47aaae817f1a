/**
 * The classify stage in one process: the inference pool and the group members that share it.
 * A worker process (`workers/classifier.ts`) runs one member; the embedded runtime runs them
 * inside the server process (the in-process bus only reaches consumers in that process).
 * lib/runtime.ts decides which.
 */
import type { Bus, StopOptions } from '../bus/bus.ts';
import type { Config } from '../config.ts';
import { log } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Store } from '../store/index.ts';
import type { StreamMatcher } from '../streams/matcher.ts';
import { ModelPool } from '../../models/runtime/pool.ts';
import { startClassifier } from './member.ts';

export interface ClassifierService {
  pool: ModelPool;
  members: number;
  /**
   * Members first: each finishes and commits its in-flight batch within `graceMs` (default 0:
   * left uncommitted, redelivered), then the pool closes.
   */
  stop(options?: StopOptions): Promise<void>;
}

/** What the members need of their process: lib/runtime.ts's `Runtime` is one. */
export interface ClassifierServiceDeps {
  config: Pick<Config, 'model' | 'classifier'>;
  bus: Bus;
  store: Pick<Store, 'messages'>;
  metrics: Metrics;
  /** The keyword streams each scored message is matched against. */
  streams: StreamMatcher;
}

/** A member that cannot consume any more ends the process: its supervisor starts a fresh one. */
function exitOnFatal(error: Error): void {
  log.fatal({ err: error.message }, 'classifier member died; exiting so that a fresh one is started');
  process.exit(1);
}

export async function startClassifierService(deps: ClassifierServiceDeps, members: number): Promise<ClassifierService> {
  const { config, bus, store, metrics, streams } = deps;
  const pool = await ModelPool.start(config.model);
  // Members join together: one rebalance instead of one per member.
  const joined = await Promise.allSettled(
    Array.from({ length: members }, () =>
      startClassifier({
        bus, messages: store.messages, model: pool, matcher: streams, metrics, onFatal: exitOnFatal,
        batchMax: config.classifier.batchMax, batchWaitMs: config.classifier.batchWaitMs,
      }),
    ),
  );
  const subscriptions = joined.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = joined.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(subscriptions.map((s) => s.stop()));
    await pool.close();
    throw failed.reason;
  }
  return {
    pool,
    members,
    // Members first: an in-flight batch finishes (or is left uncommitted) before the pool goes.
    stop: async ({ graceMs = 0 } = {}) => {
      await Promise.all(subscriptions.map((s) => s.stop({ graceMs })));
      await pool.close();
    },
  };
}
