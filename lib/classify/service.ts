/**
 * Classifier members with their inference pool, wired from lib/ pieces. A worker process
 * (`workers/classifier.ts`) runs one member; the embedded runtime runs them inside the server
 * process (the in-process bus only reaches consumers in that process).
 */
import type { Bus } from '../lib/bus/bus.ts';
import { Topics } from '../lib/bus/topics.ts';
import { ClassifierGroup, startClassifier } from '../lib/classifier.ts';
import type { Config } from '../lib/config.ts';
import { log } from '../lib/log.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { Store } from '../lib/store/index.ts';
import type { StreamMatcher } from '../lib/streams/matcher.ts';
import { ModelPool } from '../models/runtime/pool.ts';

export interface ClassifierService {
  pool: ModelPool;
  members: number;
  stop(): Promise<void>;
}

const lagIntervalMs = 2_000;

/** A member that cannot consume any more ends the process: its supervisor starts a fresh one. */
function exitOnFatal(error: Error): void {
  log.fatal({ err: error.message }, 'classifier member died; exiting so that a fresh one is started');
  process.exit(1);
}

export async function startClassifierService(
  config: Config, bus: Bus, store: Store, metrics: Metrics, members: number, matcher: StreamMatcher,
): Promise<ClassifierService> {
  const pool = await ModelPool.start(config.model);
  // Members join together: one rebalance instead of one per member.
  const joined = await Promise.allSettled(
    Array.from({ length: members }, () =>
      startClassifier({
        bus, messages: store.messages, model: pool, matcher, metrics, onFatal: exitOnFatal,
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
  // One reader for the whole process. The lag comes from the bus, not a local count, so it
  // includes what other members and other processes hold.
  const lagTimer = setInterval(() => {
    bus.lag(ClassifierGroup, Topics.raw).then((lag) => metrics.lag.set(lag), () => undefined);
  }, lagIntervalMs);
  lagTimer.unref();
  return {
    pool,
    members,
    // Members first: an in-flight batch finishes (or is left uncommitted) before the pool goes.
    stop: async () => {
      clearInterval(lagTimer);
      await Promise.all(subscriptions.map((s) => s.stop()));
      await pool.close();
    },
  };
}
