/**
 * The live view's counters: scored messages in, per-second increments and "now" figures out.
 * Pure logic (no I/O; the clock comes in as an argument), so the hub's tick is one `flush`
 * plus cheap projections, and all of it is unit-tested without a server.
 */
import type { ScoredMessage } from '../message.ts';
import { AllStreamsId } from '../contracts/api.ts';
import type { LivePoint, StreamNow } from '../contracts/live.ts';
import { sourceKey } from '../source-key.ts';

const secondMs = 1000;
/** The moving average covers the messages of the last 30 s (event time). */
export const MovingAverageMs = 30_000;

export interface AggregatorOptions {
  /**
   * Seconds older than this are forgotten. It bounds memory; the store serves anything
   * longer, through the snapshot. It must exceed the moving average's 30 s.
   */
  horizonMs?: number;
  /** Event times further ahead are ignored (ingest refuses more than 5 minutes of clock skew). */
  futureMs?: number;
  /** At least this many of the latest message ids are remembered to drop redeliveries. */
  dedupIds?: number;
}

/** Which part of the counters a subscription sees. */
export interface LiveFilter {
  /** Stream ids; {@link AllStreamsId} is every message. */
  streams: readonly string[];
  /**
   * Source keys ({@link sourceKey}, each once): sources match without regard to case, like
   * the store's source filters. Default: all sources.
   */
  sources?: readonly string[] | undefined;
}

export type AddResult = 'added' | 'duplicate' | 'late' | 'early';

interface Cell {
  count: number;
  negative: number;
  neutral: number;
  positive: number;
  scoreSum: number;
}

/** second (epoch ms) → stream → source key → cell. */
type Cells = Map<number, Map<string, Map<string, Cell>>>;

/**
 * Per-second, per-stream, per-source counters of the scored messages of the last
 * `horizonMs`, and the increments since the last `flush`.
 *
 * The bus is at-least-once, so a redelivered classifier batch publishes its scored messages
 * again; they are recognised by id (the latest `dedupIds` ids at least) and not counted twice.
 * Late messages, whose event time lies before the horizon, are ignored: the live view only
 * moves the recent past, and the store (hence the next snapshot) has them.
 */
export class LiveAggregator {
  private readonly horizonMs: number;
  private readonly futureMs: number;
  private readonly seen: RecentIds;
  private readonly cells: Cells = new Map();
  private changes: Cells = new Map();

  constructor(options: AggregatorOptions = {}) {
    const { horizonMs = 10 * 60_000, futureMs = 5 * 60_000, dedupIds = 200_000 } = options;
    if (!(horizonMs > MovingAverageMs)) throw new RangeError('horizonMs must exceed the 30-s moving average');
    this.horizonMs = horizonMs;
    this.futureMs = futureMs;
    this.seen = new RecentIds(dedupIds);
  }

  add(m: ScoredMessage, now: number): AddResult {
    const ts = Date.parse(m.ts);
    if (!(ts >= this.oldestSecond(now))) return 'late';
    if (ts > now + this.futureMs) return 'early';
    if (!this.seen.add(m.id)) return 'duplicate';
    const second = floorSecond(ts);
    for (const stream of new Set([AllStreamsId, ...m.streams])) {
      bump(this.cells, second, stream, m);
      bump(this.changes, second, stream, m);
    }
    return 'added';
  }

  /** Hands over the increments since the previous flush and forgets seconds past the horizon. */
  flush(now: number): LiveDelta {
    const delta = new LiveDelta(this.changes);
    this.changes = new Map();
    const oldest = this.oldestSecond(now);
    for (const second of this.cells.keys()) if (second < oldest) this.cells.delete(second);
    return delta;
  }

  /** Moving average and volume of one stream at `now`, over the filter's sources. */
  now(stream: string, sources: LiveFilter['sources'], now: number): StreamNow {
    const current = floorSecond(now);
    let count = 0;
    let scoreSum = 0;
    // The 30 seconds that end with the current one.
    for (let s = current - MovingAverageMs + secondMs; s <= current; s += secondMs) {
      const cell = sumSources(this.cells.get(s)?.get(stream), sources);
      count += cell.count;
      scoreSum += cell.scoreSum;
    }
    return {
      movingAverage: count ? scoreSum / count : null,
      volume: sumSources(this.cells.get(current - secondMs)?.get(stream), sources).count,
    };
  }

  private oldestSecond(now: number): number {
    return floorSecond(now - this.horizonMs);
  }
}

/** The increments of one tick, projected per subscription filter. */
export class LiveDelta {
  constructor(private readonly cells: Cells) {}

  get empty(): boolean {
    return this.cells.size === 0;
  }

  /** Per subscribed stream, the changed seconds in time order (summed over the filter's sources). */
  points(filter: LiveFilter): Map<string, LivePoint[]> {
    const out = new Map<string, LivePoint[]>();
    const seconds = [...this.cells.keys()].sort((a, b) => a - b);
    for (const stream of filter.streams) {
      const points: LivePoint[] = [];
      for (const second of seconds) {
        const cell = sumSources(this.cells.get(second)!.get(stream), filter.sources);
        if (cell.count) points.push(toPoint(second, cell));
      }
      if (points.length) out.set(stream, points);
    }
    return out;
  }
}

/**
 * Remembers at least the latest `capacity` / 2 ids, in O(1) per id: when the current
 * generation is full it becomes the previous one, and the generation before is dropped.
 */
class RecentIds {
  private current = new Set<string>();
  private previous = new Set<string>();
  private readonly generation: number;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new RangeError('dedupIds must be an integer ≥ 2');
    this.generation = capacity / 2;
  }

  /** False when the id was seen already. */
  add(id: string): boolean {
    if (this.current.has(id) || this.previous.has(id)) return false;
    if (this.current.size >= this.generation) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(id);
    return true;
  }
}

function floorSecond(ms: number): number {
  return Math.floor(ms / secondMs) * secondMs;
}

function emptyCell(): Cell {
  return { count: 0, negative: 0, neutral: 0, positive: 0, scoreSum: 0 };
}

function bump(cells: Cells, second: number, stream: string, m: ScoredMessage): void {
  let streams = cells.get(second);
  if (!streams) cells.set(second, (streams = new Map()));
  let sources = streams.get(stream);
  if (!sources) streams.set(stream, (sources = new Map()));
  const key = sourceKey(m.source);
  let cell = sources.get(key);
  if (!cell) sources.set(key, (cell = emptyCell()));
  cell.count++;
  cell[m.label]++;
  cell.scoreSum += m.score;
}

function sumSources(bySource: Map<string, Cell> | undefined, sources: LiveFilter['sources']): Cell {
  const sum = emptyCell();
  if (!bySource) return sum;
  const cells = sources ? sources.map((s) => bySource.get(s)) : bySource.values();
  for (const c of cells) {
    if (!c) continue;
    sum.count += c.count;
    sum.negative += c.negative;
    sum.neutral += c.neutral;
    sum.positive += c.positive;
    sum.scoreSum += c.scoreSum;
  }
  return sum;
}

function toPoint(second: number, c: Cell): LivePoint {
  return {
    t: new Date(second).toISOString(),
    count: c.count,
    negative: c.negative,
    neutral: c.neutral,
    positive: c.positive,
    meanScore: c.scoreSum / c.count,
  };
}
