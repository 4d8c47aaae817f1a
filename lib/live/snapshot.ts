/**
 * The answer to `subscribe`: the window's buckets from the stats repository (one query per
 * stream and source), the aggregator's "now" figures, and the subscription that continues it
 * with ticks. The store is read for snapshots only; the live part comes from the bus.
 */
import { AllStreamsId } from '../contracts/api.ts';
import { mergePoint, resolveWindow, type ClientEventOf, type LivePoint, type ServerEvents, type StreamSnapshot } from '../contracts/live.ts';
import { sourceKey } from '../source-key.ts';
import type { StatsRepository } from '../store/index.ts';
import type { LiveAggregator, LiveFilter } from './aggregator.ts';
import { LiveSubscription } from './subscription.ts';

export interface SnapshotSources {
  stats: Pick<StatsRepository, 'buckets'>;
  aggregator: Pick<LiveAggregator, 'now'>;
}

export interface Snapshot {
  event: ServerEvents['snapshot'];
  /** What ticks continue from the snapshot; undefined for a window that ended in the past (history). */
  subscription: LiveSubscription | undefined;
}

export async function buildSnapshot(sources: SnapshotSources, request: ClientEventOf<'subscribe'>): Promise<Snapshot> {
  const now = Date.now();
  const streams = request.streams === 'all' ? [AllStreamsId] : [...new Set(request.streams)];
  const onlySources = request.sources ? oncePerKey(request.sources) : undefined;
  const { from, to, bucket } = resolveWindow(request.window, now);
  const filter: LiveFilter = { streams, sources: onlySources?.map(sourceKey) };
  const perStream = await Promise.all(
    streams.map(async (stream): Promise<[string, StreamSnapshot]> => {
      const queries = (onlySources ?? [undefined]).map((source) =>
        sources.stats.buckets({ stream, ...(source ? { source } : {}), from: new Date(from), to: new Date(to), bucket }),
      );
      const buckets = mergeSeries((await Promise.all(queries)).flat());
      return [stream, { buckets, ...sources.aggregator.now(stream, filter.sources, Date.now()) }];
    }),
  );
  const live = typeof request.window === 'string' || to > now;
  const event: ServerEvents['snapshot'] = {
    window: request.window,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    bucket,
    sources: onlySources ?? null,
    live,
    streams: Object.fromEntries(perStream),
  };
  const subscription = live
    ? new LiveSubscription(
        filter,
        typeof request.window === 'string' ? undefined : { from, to },
        new Map(perStream.map(([stream, s]) => [stream, { movingAverage: s.movingAverage, volume: s.volume }])),
      )
    : undefined;
  return { event, subscription };
}

/**
 * The sources asked for, one spelling per source key (the first): "Airline" and "airline" are
 * one source, and the store's filter already finds both spellings, so counting each would count twice.
 */
function oncePerKey(requested: readonly string[]): string[] {
  const byKey = new Map<string, string>();
  for (const s of requested) if (!byKey.has(sourceKey(s))) byKey.set(sourceKey(s), s);
  return [...byKey.values()];
}

/** One series from the per-source series of one stream: buckets with equal `t` summed. */
function mergeSeries(points: LivePoint[]): LivePoint[] {
  const byT = new Map<string, LivePoint>();
  for (const p of points) {
    const before = byT.get(p.t);
    byT.set(p.t, before ? mergePoint(before, p) : p);
  }
  return [...byT.values()].sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : 0));
}
