/**
 * What the HTTP API answers and takes for its listings and stats: the shapes the server's
 * repositories return and the dashboard reads. Browser code imports this module, so nothing
 * here may import node-only code: everything from lib/ comes in with `import type`.
 */
import type { Alert, AlertEvent, AlertKinds, AlertStatuses, Severities } from '../alerts/alert.ts';
import type { ChannelKind } from '../alerts/channel.ts';
import type { DeadLetter, ScoredMessage } from '../message.ts';
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
  /** Default: summed over all sources. */
  source?: string;
  /** Seconds in [from, to): `from` counts from the start of its second. */
  from: Date;
  to: Date;
  /** Buckets are aligned to multiples of their length since the Unix epoch, in UTC. */
  bucket: Bucket;
}

/** A stats bucket: `t` is its ISO start, `meanScore` the mean of p_positive − p_negative. */
export type StatsPoint = SentimentPoint;

export interface MessagesQuery {
  /** Default {@link AllStreamsId}. */
  stream?: string;
  label?: Label;
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
  /** Newest first. */
  messages: ScoredMessage[];
  /** Present when there are more messages after this page. */
  nextCursor?: string;
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
