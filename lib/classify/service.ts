/**
 * The classify stage in one process: the inference pool and the group members that share it.
 * A worker process (`workers/classifier.ts`) runs one member; the embedded runtime runs them
 * inside the server process (the in-process bus only reaches consumers in that process).
 * lib/runtime.ts decides which.
 *
 * In the server the members may follow the lag (PULSE_EMBEDDED_CLASSIFIERS up to
 * PULSE_EMBEDDED_CLASSIFIERS_MAX, lib/classify/autoscale.ts): a step adds a member, or removes
 * the newest one gracefully (it finishes and commits its batches in flight, then leaves the
 * group and the others take its partitions). All members share the one model, which follows
 * the registry's champion (a promotion swaps it between batches: lib/classify/model-follower.ts).
 */
import type { Bus, StopOptions, Subscription } from '../bus/bus.ts';
import { ScaledMemberBatches, type Config, type ScaleConfig } from '../config.ts';
import type { ClassifiersStatus } from '../contracts/live.ts';
import { log } from '../log.ts';
import type { Metrics } from '../metrics.ts';
import type { Store } from '../store/index.ts';
import type { StreamMatcher } from '../streams/matcher.ts';
import { ScalePolicy } from './autoscale.ts';
import type { ChampionModel } from './champion-model.ts';
import type { LagReading } from './lag.ts';
import { startClassifier } from './member.ts';
import { defaultModelFollowerOptions, ModelFollower, type ModelFollowerOptions } from './model-follower.ts';
import { LagFollower } from './scaler.ts';
import { ShadowRunner } from './shadow.ts';

export interface ClassifierService {
  /** The model serving now: the registry's champion, followed while the process runs (lib/classify/model-follower.ts). */
  model: ChampionModel;
  /** Members now (it changes while they autoscale). */
  readonly members: number;
  /** Members and the latest scale step, for the live status. */
  status(): ClassifiersStatus;
  /**
   * Scaling first (a step under way settles, and no member is added after this), then the
   * members: each finishes and commits its in-flight batches within `graceMs` (default 0: left
   * uncommitted, redelivered); then the models close.
   */
  stop(options?: StopOptions): Promise<void>;
}

/** What the members need of their process: lib/runtime.ts's `Runtime` is one. */
export interface ClassifierServiceDeps {
  config: Pick<Config, 'model' | 'classifier' | 'shutdown'>;
  bus: Bus;
  store: Pick<Store, 'messages' | 'models'>;
  metrics: Metrics;
  /** The keyword streams each scored message is matched against. */
  streams: StreamMatcher;
}

/** How the members follow the lag; without it the service runs a fixed set. */
export interface ServiceScaling extends ScaleConfig {
  /** The most members (the fewest is the count the service starts with). */
  max: number;
  /** The process's lag reader (lib/classify/lag.ts): its latest reading. */
  readings: { readonly latest: LagReading | undefined };
}

/** A member that cannot consume any more ends the process: its supervisor starts a fresh one. */
function exitOnFatal(error: Error): void {
  log.fatal({ err: error.message }, 'classifier member died; exiting so that a fresh one is started');
  process.exit(1);
}

export async function startClassifierService(
  deps: ClassifierServiceDeps,
  members: number,
  scaling?: ServiceScaling,
  following: ModelFollowerOptions = defaultModelFollowerOptions,
): Promise<ClassifierService> {
  const { config, bus, store, metrics, streams } = deps;
  const shadow = new ShadowRunner(config.model, store.models);
  const models = await ModelFollower.start(store.models, config.model, shadow, following);
  const model = models.model;
  // A fixed set keeps the bus's default (a batch in flight on every partition it owns, however
  // big): there is nothing to add to it, and a bounded member would only cap what it can do.
  const bound = scaling ? { maxInFlightRecords: ScaledMemberBatches * config.classifier.batchMax } : {};
  const join = () =>
    startClassifier({
      bus, messages: store.messages, model, shadow, matcher: streams, metrics, onFatal: exitOnFatal,
      batchMax: config.classifier.batchMax, batchWaitMs: config.classifier.batchWaitMs, ...bound,
    });
  // Members join together: one rebalance instead of one per member.
  const joined = await Promise.allSettled(Array.from({ length: members }, join));
  /** Oldest first: a step down removes the newest. */
  const subscriptions = joined.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const failed = joined.find((r) => r.status === 'rejected');
  if (failed) {
    await Promise.all(subscriptions.map((s) => s.stop()));
    await models.stop();
    throw failed.reason;
  }
  metrics.members.set(subscriptions.length);

  let stopping = false;
  const follower = scaling
    ? new LagFollower(
        new ScalePolicy(scaling, { min: members, max: scaling.max }),
        scaling.readings,
        {
          get members() {
            return subscriptions.length;
          },
          add: async () => {
            const member = await join();
            // The service began to stop while it joined: it must not outlive the stop.
            if (stopping) {
              await member.stop();
              return false;
            }
            subscriptions.push(member);
            metrics.members.set(subscriptions.length);
            return true;
          },
          remove: async () => {
            const member = subscriptions.pop();
            if (!member) return false;
            metrics.members.set(subscriptions.length);
            await member.stop({ graceMs: config.shutdown.graceMs });
            return true;
          },
        },
        metrics.scaleEvents,
        { what: 'in-process classifier members' },
      ).start()
    : undefined;
  if (scaling) log.info({ min: members, max: scaling.max, lagThreshold: scaling.lagThreshold, upAfterMs: scaling.upAfterMs, cooldownMs: scaling.cooldownMs }, 'classifier members follow the lag');

  return {
    model,
    get members() {
      return subscriptions.length;
    },
    status: () => ({ members: subscriptions.length, lastScale: follower?.lastScale ?? null }),
    // Members first: an in-flight batch finishes (or is left uncommitted) before the models go.
    // A member being removed by a step down is already leaving with its own grace; the stop
    // waits for it beside the others.
    stop: async ({ graceMs = 0 } = {}) => {
      stopping = true;
      const leaving: Subscription[] = subscriptions.splice(0);
      await Promise.all([follower?.stop(), ...leaving.map((s) => s.stop({ graceMs }))]);
      metrics.members.set(0);
      await models.stop();
    },
  };
}
