/**
 * What the HTTP API answers and takes for its listings and stats: the shapes the server's
 * repositories return and the dashboard reads. Browser code imports this module, so nothing
 * here may import node-only code: everything from lib/ comes in with `import type`.
 */
import type { Alert, AlertEvent, AlertKinds, AlertStatuses, Severities } from '../alerts/alert.ts';
import type { ChannelKind } from '../alerts/channel.ts';
import type { DeadLetter, StoredMessage } from '../message.ts';
import type { Label, SentimentPoint } from '../sentiment.ts';

/** Bucket lengths in seconds: what `/api/stats` and the live snapshots aggregate by. */
export const Buckets = { '1s': 1, '10s': 10, '1m': 60, '5m': 300, '1h': 3600 } as const;
export type Bucket = keyof typeof Buckets;

/** A stats answer has at most this many buckets: a wider range needs a coarser bucket. */
export const MaxBuckets = 100_000;

/**
 * The stream every message counts under, whichever keyword streams it matched. The
 * `sentiment_1s` view of lib/store/migrations.ts writes the same literal in its SQL.
 */
export const AllStreamsId = '*';

/** The largest page any listing answers. */
export const MaxPageSize = 1000;

export interface StatsQuery {
  /** Default {@link AllStreamsId}. */
  stream?: string;
  /** Default: summed over all sources. Matched without regard to case, like every source filter. */
  source?: string;
  /** Seconds in [from, to): `from` counts from the start of its second. */
  from: Date;
  to: Date;
  /** Buckets are aligned to multiples of their length since the Unix epoch, in UTC. */
  bucket: Bucket;
}

/** A stats bucket: `t` is its ISO start, `meanScore` the mean of p_positive − p_negative. */
export type StatsPoint = SentimentPoint;

/** `/api/share` compares at most this many streams at once (more lines on one chart are unreadable). */
export const MaxSharedStreams = 20;

/** Share of voice (`GET /api/share`): streams side by side over [from, to) and the period of the same length before it. */
export interface ShareQuery {
  /** Stream ids, 1 … {@link MaxSharedStreams}. */
  streams: string[];
  /** Default: summed over all sources; matched without regard to case. */
  source?: string;
  from: Date;
  to: Date;
  bucket: Bucket;
}

/** A stream's sums over a period; `meanScore` is null without messages. */
export interface ShareTotals {
  count: number;
  negative: number;
  neutral: number;
  positive: number;
  meanScore: number | null;
}

export interface StreamShare {
  stream: string;
  totals: ShareTotals;
  /** The same sums over [from − (to − from), from). */
  previous: ShareTotals;
  /** Non-empty buckets of [from, to) in time order, as `/api/stats` gives them. */
  buckets: StatsPoint[];
}

export interface ShareResponse {
  from: string;
  to: string;
  /** Start of the previous period (it ends at `from`). */
  previousFrom: string;
  bucket: Bucket;
  /** In the order asked for (every stream: by name); a stream without messages has zero totals. */
  streams: StreamShare[];
}

export interface MessagesQuery {
  /** Default {@link AllStreamsId}. */
  stream?: string;
  label?: Label;
  /** Matched without regard to case. */
  source?: string;
  /** Case-insensitive substring of the text. */
  q?: string;
  /** Event time in [from, to). */
  from?: Date;
  to?: Date;
  /** 1 … {@link MaxPageSize}. */
  limit: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface MessagesPage {
  /** Newest first, each with people's latest label (`humanLabel`). */
  messages: StoredMessage[];
  /** Present when there are more messages after this page. */
  nextCursor?: string;
}

/** The stored sources of a stream over [from, to) (`GET /api/sources`): what the source filter offers. */
export interface SourcesQuery {
  /** Default {@link AllStreamsId}. */
  stream?: string;
  from: Date;
  to: Date;
  /** 1 … {@link MaxPageSize}. */
  limit: number;
}

/**
 * A source and its messages in the range. Filters match sources without regard to case, so
 * spellings that differ only in case are one entry, named by its most frequent spelling.
 */
export interface SourceCount {
  source: string;
  count: number;
}

export interface SourcesResponse {
  /** Most messages first. */
  sources: SourceCount[];
}

/** A dead letter with its place on the bus (partition/offset), which identifies it. */
export interface StoredDeadLetter extends DeadLetter {
  key: string;
}

export interface DeadLettersQuery {
  stage?: string;
  limit: number;
  cursor?: string;
}

export interface DeadLettersPage {
  deadLetters: StoredDeadLetter[];
  nextCursor?: string;
}

/** `refused`: the URL guard would not send there (a config problem, never retried). */
export const DeliveryStatuses = ['ok', 'failed', 'refused'] as const;
export type DeliveryStatus = (typeof DeliveryStatuses)[number];

export interface DeliveryAttempt {
  /** When the attempt ended, ISO 8601. */
  at: string;
  alertId: string;
  /** One per alert event and channel; the same on every attempt (the webhook's `X-Pulse-Delivery`). */
  deliveryId: string;
  channel: ChannelKind;
  /** The channel's redacted target: never a token. */
  target: string;
  event: AlertEvent;
  /** 1 for the first try. */
  attempt: number;
  status: DeliveryStatus;
  httpStatus?: number;
  error?: string;
}

export interface AlertsQuery {
  stream?: string;
  status?: (typeof AlertStatuses)[number];
  severity?: (typeof Severities)[number];
  kind?: (typeof AlertKinds)[number];
  /** Alerts opened in [from, to). */
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

export interface AlertsPage {
  /** Newest opened first. */
  alerts: Alert[];
  nextCursor?: string;
}

export interface AuditEntry {
  /** Assigned when written (absent on the way in). */
  id?: string;
  at: string;
  actor: { kind: string; id: string; name: string };
  /** `stream.create`, `key.revoke`, `user.update`, `login.failed`, … */
  action: string;
  target: { kind: string; id: string };
  /** The client's address as the server saw it. */
  ip: string;
  /** What changed (field names, old and new values where they are not secrets). */
  detail: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  targetKind?: string;
  targetId?: string;
  actorId?: string;
  from?: Date;
  to?: Date;
  limit: number;
  cursor?: string;
}

export interface AuditPage {
  /** Newest first. */
  entries: AuditEntry[];
  nextCursor?: string;
}

/**
 * A stored message as a stream preview reads it: enough to match the draft's query, count it
 * and show it in the preview's sample.
 */
export interface PreviewCandidate {
  id: string;
  /** Event time, ISO 8601. */
  ts: string;
  source: string;
  text: string;
  label: Label;
  score: number;
}

/** What a term of `/api/terms` is: a word, a `#hashtag` or an `@mention`. */
export const TermKinds = ['term', 'hashtag', 'mention'] as const;
export type TermKind = (typeof TermKinds)[number];

/** `/api/terms` answers at most this many terms of each kind. */
export const MaxTermsPerKind = 100;

/** Top terms (`GET /api/terms`) over [from, to) against the period of the same length before it. */
export interface TermsQuery {
  /** Default {@link AllStreamsId}. */
  stream?: string;
  /** Matched without regard to case. */
  source?: string;
  from: Date;
  to: Date;
  /** Default: every kind. */
  kind?: TermKind;
  /** Terms of each kind, 1 … {@link MaxTermsPerKind}. */
  limit: number;
}

export interface TermStat {
  /** Lower case; a hashtag keeps its `#`, a mention its `@`. */
  term: string;
  kind: TermKind;
  /** Messages of the period holding the term (each message counts once), by label below. */
  count: number;
  negative: number;
  neutral: number;
  positive: number;
  /**
   * The term's share of messages now over its share in the previous period, smoothed by half a
   * message on both sides: ((count + 0.5) / (messages + 1)) / ((before + 0.5) / (previousMessages + 1)).
   * A term absent before gets a large finite lift; null when the previous period has no messages.
   */
  lift: number | null;
}

export interface TermsResponse {
  /**
   * The period counted: whole minutes (the aggregate's grain), from the minute `from` falls in
   * to the end of the minute before `to` (or of the minute `to` falls in, when not on a minute).
   */
  from: string;
  to: string;
  /** Start of the previous period, of the same length; it ends at `from`. */
  previousFrom: string;
  /** Messages of the period and of the previous one (the shares' denominators). */
  messages: number;
  previousMessages: number;
  /** Each kind's top `limit` by count, all together by count (ties by term). */
  terms: TermStat[];
}
