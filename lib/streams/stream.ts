/**
 * The keyword-stream contract (DESIGN.md → Contracts): what brand teams submit over
 * `/api/streams`, what the `streams` table keeps one version at a time, and what the API shows.
 *
 * Channel credentials are write-only: the API never shows a webhook's secret, nor the path and
 * query of a webhook or Slack URL (Slack's path is its token). Every channel gets an `id`; an edit that sends a channel with its
 * `id` and without the credential keeps the stored one, so a form can be saved unchanged.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { AlertEvent } from '../alerts/alert.ts';
import { DefaultChannelEvents, parseChannelConfig, type ChannelConfig } from '../alerts/channel.ts';
import { redactUrl } from '../alerts/http.ts';
import { parseAlertRule, type AlertRuleInput, type DetectorRules } from '../anomaly/rules.ts';
import { PulseError } from '../errors.ts';
import type { StreamBackfill } from './backfill/job.ts';
import { parseQuery } from './query.ts';

/**
 * Lower-case words joined by `-`: it appears in URLs (`?stream=acme-launch`) and in stored rows.
 * `preview` is the REST API's (`POST /api/streams/preview`).
 */
export const StreamIdSchema = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/, 'lower-case letters, digits and inner dashes, 1–64 characters')
  .refine((id) => id !== 'preview', '"preview" is reserved');

const ChannelIdSchema = z.string().regex(/^[A-Za-z0-9_-]{1,32}$/);
const MaxChannels = 10;
const MaxSources = 50;

/** A submitted channel: a full config, or (with `id`) a stored one whose credential is kept. */
const ChannelInputSchema = z
  .object({
    id: ChannelIdSchema.optional(),
    kind: z.string(),
    url: z.string().optional(),
    secret: z.string().optional(),
    /** Webhook and Slack: the alert events sent there (lib/alerts/channel.ts checks them). */
    events: z.array(z.string()).optional(),
  })
  .strict();

export const StreamInputSchema = z
  .object({
    /** Only on create; default: derived from the name. */
    id: StreamIdSchema.optional(),
    name: z.string().trim().min(1).max(100),
    query: z.string().min(1),
    /** Only messages from these sources; empty: every source. */
    sources: z.array(z.string().min(1).max(64)).max(MaxSources).default([]),
    /** lib/anomaly/rules.ts: a preset and optional overrides. */
    rule: z.record(z.string(), z.unknown()).default({}),
    channels: z.array(ChannelInputSchema).max(MaxChannels).default([{ kind: 'dashboard' }]),
  })
  .strict();
export type StreamInput = z.input<typeof StreamInputSchema>;

export type StoredChannel = ChannelConfig & { id: string };

/** One version of a stream as stored (credentials included: it never leaves the server as is). */
export interface StreamRecord {
  id: string;
  version: number;
  name: string;
  query: string;
  sources: string[];
  rule: AlertRuleInput;
  channels: StoredChannel[];
  /** When this version was written. */
  updatedAt: string;
  deleted: boolean;
  /**
   * Created by Pulse on a first run with the demo on (lib/demo/examples.ts), not by a person:
   * badged on the Streams page and removed together by `DELETE /api/streams?example=true`. Kept
   * through edits: it says where the stream came from.
   */
  example?: true;
}

/**
 * A channel as the API shows it: `target` is the URL cut to scheme, host and port; `events`
 * (webhook, Slack) what it receives, the default filled in.
 */
export type PublicChannel = { id: string; kind: ChannelConfig['kind']; target?: string; events?: AlertEvent[] };

/** A stream as the API shows it; `detectorRules` are the rule's effective numbers (preset + overrides). */
export type PublicStream = Omit<StreamRecord, 'channels' | 'deleted'> & {
  channels: PublicChannel[];
  detectorRules: DetectorRules;
  /** The latest pass over the stored past (lib/streams/backfill/), on `GET /api/streams` and `GET /api/streams/:id`. */
  backfill?: StreamBackfill;
};

/** Everything a new version needs, checked: query syntax, rule and channels. */
type CheckedStream = Omit<StreamRecord, 'version' | 'updatedAt' | 'deleted' | 'id' | 'example'> & { id?: string };

/**
 * Validates a submitted stream against the version it replaces (if any). Errors:
 * BODY_INVALID (shape), STREAM_QUERY_INVALID (with the position), ALERT_RULE_INVALID,
 * ALERT_CHANNEL_INVALID.
 */
export function checkStream(input: unknown, previous?: StreamRecord): CheckedStream {
  const parsed = StreamInputSchema.safeParse(input);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new PulseError('BODY_INVALID', `invalid stream: ${why}`);
  }
  const s = parsed.data;
  parseQuery(s.query);
  parseAlertRule(s.rule);
  return {
    ...(s.id ? { id: s.id } : {}),
    name: s.name,
    query: s.query,
    sources: [...new Set(s.sources)],
    rule: s.rule as AlertRuleInput,
    channels: s.channels.map((c, i) => checkChannel(c, i, previous?.channels ?? [])),
  };
}

function checkChannel(input: z.infer<typeof ChannelInputSchema>, index: number, previous: readonly StoredChannel[]): StoredChannel {
  // The dashboard channel has no settings: a form that sends it without its id still means the same one.
  const id = input.id ?? (input.kind === 'dashboard' ? previous.find((p) => p.kind === 'dashboard')?.id : undefined);
  const { id: _given, ...fields } = input;
  const kept = id ? previous.find((p) => p.id === id && p.kind === fields.kind) : undefined;
  if (id && !kept && fields.kind !== 'dashboard' && fields.url === undefined) {
    // Meant to keep a stored channel that is not there (deleted or changed by someone else meanwhile).
    throw new PulseError('ALERT_CHANNEL_INVALID', `channels.${index}: no stored ${fields.kind} channel ${JSON.stringify(id)} to keep; send its url${fields.kind === 'webhook' ? ' and secret' : ''}`);
  }
  const merged: Record<string, unknown> = { ...fields };
  if (kept && 'url' in kept && merged.url === undefined) merged.url = kept.url;
  if (kept && 'secret' in kept && merged.secret === undefined) merged.secret = kept.secret;
  try {
    return { ...parseChannelConfig(merged), id: id ?? randomBytes(6).toString('base64url') };
  } catch (err) {
    if (err instanceof PulseError) throw new PulseError(err.code, `channels.${index}: ${err.message}`);
    throw err;
  }
}

/** The stream's id from its name: `Acme launch (EU)` → `acme-launch-eu`. */
export function streamIdFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return slug && slug !== 'preview' ? slug : `stream-${randomBytes(4).toString('hex')}`;
}

export function publicStream(s: StreamRecord): PublicStream {
  const { deleted: _deleted, channels, ...rest } = s;
  return {
    ...rest,
    channels: channels.map((c): PublicChannel =>
      'url' in c ? { id: c.id, kind: c.kind, target: redactUrl(c.url), events: [...(c.events ?? DefaultChannelEvents)] } : { id: c.id, kind: c.kind },
    ),
    detectorRules: parseAlertRule(s.rule),
  };
}
