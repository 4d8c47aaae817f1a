/**
 * The live protocol of `/ws` (DESIGN.md → Contracts), shared by the server (lib/live/hub.ts)
 * and the dashboard (app/): one typed event map per direction, from which the wire unions are
 * derived, so adding or changing an event breaks the build on both sides, not the browser.
 *
 * Every frame is one JSON object `{type, ...payload}`. The client sends `subscribe` (and may
 * send `unsubscribe`); the server answers with a `snapshot`, then `tick`s of what changed,
 * sampled `message`s and `alert`s for it, and a `status` every ~2 s to everyone connected.
 * A frame the server cannot accept gets an `error` event; the connection stays usable.
 *
 * Browser code imports this module: nothing here may import node-only code (zod and the other
 * contracts are fine; everything else from lib/ comes in with `import type`).
 */
import { z } from 'zod';
import type { Alert } from '../alerts/alert.ts';
import type { ErrorCode } from '../errors.ts';
import type { Label, Probs, SentimentPoint } from '../sentiment.ts';
import { Buckets, type AllStreamsId, type Bucket } from './api.ts';

/**
 * The named windows and the bucket of their snapshot: each gives about 300 points (300, 360,
 * 288), enough for a smooth line and few enough to draw at once and to send in one frame.
 */
export const NamedWindows = {
  '5m': { ms: 5 * 60_000, bucket: '1s' },
  '1h': { ms: 3_600_000, bucket: '10s' },
  '24h': { ms: 86_400_000, bucket: '5m' },
} as const satisfies Record<string, { ms: number; bucket: Bucket }>;
export type NamedWindow = keyof typeof NamedWindows;

/** A custom window's snapshot has at most this many buckets (the finest bucket that fits). */
export const MaxSnapshotBuckets = 1000;
/** The longest custom window: 1,000 buckets of the coarsest size, 1 h (≈ 41 days). */
export const MaxCustomWindowMs = MaxSnapshotBuckets * Buckets['1h'] * 1000;

/** Texts of `message` events are cut to this many characters (the list shows a line or two). */
export const LiveTextChars = 500;

/**
 * A snapshot costs one store query per stream and source, so a subscription names at most
 * this many of each (a chart with more lines is unreadable anyway).
 */
export const MaxSubscribedStreams = 20;
export const MaxSubscribedSources = 10;

const isoTime = z.iso.datetime({ offset: true });

export const LiveWindowSchema = z.union([
  z.enum(Object.keys(NamedWindows) as [NamedWindow, ...NamedWindow[]]),
  z
    .object({ from: isoTime, to: isoTime })
    .refine((w) => Date.parse(w.from) < Date.parse(w.to), 'from must be before to')
    .refine((w) => Date.parse(w.to) - Date.parse(w.from) <= MaxCustomWindowMs, 'the window is longer than 1,000 hours'),
]);
/** `'5m' | '1h' | '24h'`, or a custom range of ISO 8601 times, `from` < `to`. */
export type LiveWindow = z.infer<typeof LiveWindowSchema>;

/** Client → server payloads, validated by the server (everything from a browser is untrusted). */
const ClientPayloads = {
  /**
   * Replaces the connection's subscription (one per connection). The server stops sending
   * ticks and messages of the previous one at once and answers with a `snapshot`.
   */
  subscribe: z.object({
    /** Keyword stream ids, or `"all"`: every message, reported under {@link AllStreamsId}. */
    streams: z.union([z.literal('all'), z.array(z.string().min(1).max(128)).min(1).max(MaxSubscribedStreams)]),
    /** Only messages from these sources; default: all sources. */
    sources: z.array(z.string().min(1).max(64)).min(1).max(MaxSubscribedSources).optional(),
    window: LiveWindowSchema,
  }),
  /** Ends the subscription; `status` events keep coming. */
  unsubscribe: z.object({}),
};

/** zod types `z.object({})` as `Record<string, never>`, which no `{type}` envelope could satisfy. */
type Payload<T> = string extends keyof T ? Record<never, never> : T;
type PayloadsOf<M extends Record<string, z.ZodObject>> = { [K in keyof M]: Payload<z.infer<M[K]>> };

/** Client → server event map: event name → payload. */
export type ClientEvents = PayloadsOf<typeof ClientPayloads>;

/** One counter cell: distinct messages, per label, and their mean score. */
export type LivePoint = SentimentPoint;

export interface StreamNow {
  /** Mean score of the messages of the last 30 s (event time); null when there were none. */
  movingAverage: number | null;
  /** Messages per second: those whose event time lies in the last complete second. */
  volume: number;
}

export interface StreamSnapshot extends StreamNow {
  /** The window's non-empty buckets, in time order. */
  buckets: LivePoint[];
}

export interface StreamTick extends StreamNow {
  /**
   * Per-second INCREMENTS since the previous tick this client received (or since the
   * snapshot): add each to the bucket containing `t` with {@link mergePoint}. Seconds without
   * new messages are left out.
   */
  points: LivePoint[];
}

/** A scored message, trimmed for the live list. */
export interface LiveMessage {
  id: string;
  /** Event time, ISO 8601. */
  ts: string;
  source: string;
  /** At most {@link LiveTextChars} characters; `truncated` says whether it was cut. */
  text: string;
  truncated: boolean;
  label: Label;
  confidence: number;
  probs: Probs;
  score: number;
  streams: string[];
}

/**
 * The banner's part of an alert (lib/alerts/alert.ts) as the hub relays it from `pulse.alerts`:
 * every version of an alert, whoever wrote it (the detector, or a person acknowledging or
 * resolving it), so the dashboard can raise and clear its banner (on `status` resolved). Of two
 * versions of one alert, the later `updatedAt` holds.
 */
export interface LiveAlert
  extends Pick<Alert, 'id' | 'stream' | 'kind' | 'label' | 'severity' | 'direction' | 'status' | 'reason' | 'updatedAt' | 'peak' | 'acknowledgedByName'> {
  /** When the deviation was confirmed (`openedAt`): where the marker goes on the time axis. */
  at: string;
}

/** An alert's banner part: what the hub sends, and what the dashboard makes of alerts it reads over REST. */
export function toLiveAlert(a: Alert): LiveAlert {
  return {
    id: a.id, stream: a.stream, kind: a.kind, severity: a.severity, direction: a.direction, status: a.status, reason: a.reason,
    at: a.openedAt, updatedAt: a.updatedAt,
    // The banner shows the peak beside the latest, and who is on an acknowledged alert.
    ...(a.label ? { label: a.label } : {}),
    ...(a.peak ? { peak: a.peak } : {}),
    ...(a.acknowledgedByName ? { acknowledgedByName: a.acknowledgedByName } : {}),
  };
}

/** A step of the classifier members (lib/classify/autoscale.ts): one more or one fewer, and why. */
export interface ClassifierScaleStep {
  direction: 'up' | 'down';
  from: number;
  to: number;
  /** When the step was taken, ISO 8601. */
  at: string;
  /** In words: "lag 4,210 > 1,000 for 2.0 s". */
  reason: string;
}

/** The classifier members of the server process, as its status reports them. */
export interface ClassifiersStatus {
  members: number;
  /** The latest scale step; null before the first (or when the members do not autoscale). */
  lastScale: ClassifierScaleStep | null;
}

/** Server → client event map: event name → payload. */
export interface ServerEvents {
  /** The answer to `subscribe`: the window's buckets for every subscribed stream. */
  snapshot: {
    window: LiveWindow;
    /** The resolved range [from, to): `from` aligned down to the bucket, `to` = now for named windows. */
    from: string;
    to: string;
    bucket: Bucket;
    sources: string[] | null;
    /** Whether ticks and messages follow (false for a custom window that ended in the past). */
    live: boolean;
    /** Keyed by stream id ({@link AllStreamsId} for `"all"`). */
    streams: Record<string, StreamSnapshot>;
  };
  /**
   * At most one per 100 ms, only when something changed; streams without a change are left
   * out. Applies to the latest snapshot received (ticks that arrive between a new `subscribe`
   * and its snapshot belong to the previous subscription and are to be ignored).
   */
  tick: {
    at: string;
    streams: Record<string, StreamTick>;
    /** Raw messages the classifiers have not committed yet (updated every ~2 s); null if unknown. */
    lag: number | null;
    /**
     * Ticks not sent to this client since the previous one because it read too slowly; their
     * increments are in this tick, so counts stay exact.
     */
    dropped: number;
  };
  /** A sample of the subscription's scored messages, at most the server's rate per second. */
  message: LiveMessage;
  /** An alert on a subscribed stream (all alerts for `"all"`). */
  alert: LiveAlert;
  status: {
    at: string;
    bus: 'ok' | 'error';
    store: 'ok' | 'error';
    /** As in `tick`. */
    lag: number | null;
    /** Scored messages per second seen by this server over the last status interval. */
    throughput: number;
    /**
     * The classifier members inside this server process; null where it runs none (they run as
     * separate worker processes, which report their own count at their /metrics).
     */
    classifiers: ClassifiersStatus | null;
    /** Live connections to this server process. */
    clients: number;
    /** Ticks dropped for this client since it connected. */
    dropped: number;
  };
  /** A frame the server could not accept, or a snapshot it could not build. */
  error: { code: LiveErrorCode; message: string };
}

export type LiveErrorCode = ErrorCode | 'INTERNAL';

/** `{type, ...payload}` for every event of a map: the discriminated union on the wire. */
export type Envelope<M> = { [K in keyof M & string]: { type: K } & M[K] }[keyof M & string];
export type ClientEvent = Envelope<ClientEvents>;
export type ServerEvent = Envelope<ServerEvents>;
export type ServerEventOf<K extends keyof ServerEvents> = Extract<ServerEvent, { type: K }>;
export type ClientEventOf<K extends keyof ClientEvents> = Extract<ClientEvent, { type: K }>;

/** Builds the union schema from the payload map, so no event can be left out of validation. */
function envelopeSchema<M extends Record<string, z.ZodObject>>(payloads: M): z.ZodType<Envelope<PayloadsOf<M>>> {
  // Object.entries loses the key ↔ schema pairing; the declared return type restores it.
  const options = Object.entries(payloads).map(([type, schema]) => schema.extend({ type: z.literal(type) }));
  return z.discriminatedUnion('type', options as unknown as [z.ZodObject, ...z.ZodObject[]]) as never;
}

/** Validates one client frame (already JSON-parsed). */
export const ClientEventSchema = envelopeSchema(ClientPayloads);

/** Start (epoch ms) of the bucket that contains `ms`; buckets are aligned to the Unix epoch, UTC. */
export function bucketStart(ms: number, bucket: Bucket): number {
  const size = Buckets[bucket] * 1000;
  return Math.floor(ms / size) * size;
}

/**
 * The bucket of a window's snapshot: a named window's own; a custom one's the finest that gives
 * at most {@link MaxSnapshotBuckets}. The dashboard asks `/api/stats` for the same bucket, so
 * its REST and live series line up.
 */
export function windowBucket(window: LiveWindow): Bucket {
  if (typeof window === 'string') return NamedWindows[window].bucket;
  const ms = Date.parse(window.to) - Date.parse(window.from);
  const sizes = Object.keys(Buckets) as Bucket[];
  return sizes.find((b) => ms / (Buckets[b] * 1000) <= MaxSnapshotBuckets) ?? '1h';
}

/**
 * The range [from, to) (epoch ms) and bucket ({@link windowBucket}) a window's snapshot covers
 * at `now`: a named window ends now. `from` is aligned down to its bucket, so the first is whole.
 */
export function resolveWindow(window: LiveWindow, now: number): { from: number; to: number; bucket: Bucket } {
  const bucket = windowBucket(window);
  if (typeof window === 'string') return { from: bucketStart(now - NamedWindows[window].ms, bucket), to: now, bucket };
  return { from: bucketStart(Date.parse(window.from), bucket), to: Date.parse(window.to), bucket };
}

/** Sums two cells of the same bucket; the mean score is weighted by their counts. */
export function mergePoint(a: LivePoint, b: LivePoint): LivePoint {
  const count = a.count + b.count;
  return {
    t: a.t,
    count,
    negative: a.negative + b.negative,
    neutral: a.neutral + b.neutral,
    positive: a.positive + b.positive,
    meanScore: count ? (a.meanScore * a.count + b.meanScore * b.count) / count : 0,
  };
}
