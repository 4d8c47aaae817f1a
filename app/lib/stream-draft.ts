/**
 * The stream form's state (a draft of a stream as a person edits it: text fields, the rule's
 * preset and overrides, the channels) and how it becomes the API's StreamInput. Rule fields
 * the form does not show (resolveZ, severity thresholds, volume.minRatio) are kept as stored,
 * so saving from the form never drops a setting made through the API.
 */
import { AlertRuleSchema, type AlertRuleInput, type DetectorRules, type Sensitivity } from '../../lib/contracts/streams.ts';
import type { AlertEvent } from '../../lib/contracts/alerts.ts';
import type { ChannelInput, PreviewInput, PublicStream, StreamInput } from './streams-api.ts';

/** The overrides the form's "advanced" section edits; blank = the preset's number. */
export const AdvancedFields = ['zThreshold', 'consecutive', 'minVolume', 'cooldownSeconds', 'baselineMinutes'] as const;
export type AdvancedField = (typeof AdvancedFields)[number];

export interface ChannelDraft {
  /** React's key: stored channels use their id, new ones a counter. */
  key: string;
  kind: 'webhook' | 'slack';
  /** The stored channel's id and target; absent for a new channel. */
  stored?: { id: string; target: string };
  /** A stored channel keeps its URL and secret unless they are replaced. */
  replace: boolean;
  url: string;
  /** Webhooks only. Replacing a stored webhook's URL with this blank keeps its secret. */
  secret: string;
  /** The alert events sent there. */
  events: AlertEvent[];
}

/** What a new channel receives (lib/alerts/channel.ts → DefaultChannelEvents): the alert's life, not every update. */
export const DefaultChannelEvents: readonly AlertEvent[] = ['opened', 'escalated', 'acknowledged', 'resolved'];

export interface Draft {
  /** Only on create; blank = derived from the name by the server. */
  id: string;
  name: string;
  query: string;
  /** Comma-separated. */
  sources: string;
  sensitivity: Sensitivity;
  advanced: Record<AdvancedField, string>;
  volumeAlerts: boolean;
  /** The stored rule: what the form does not edit comes from here. */
  storedRule: AlertRuleInput;
  /** The stored dashboard channel's id, so saving keeps it instead of adding another. */
  dashboardId?: string;
  channels: ChannelDraft[];
}

const blankAdvanced = Object.fromEntries(AdvancedFields.map((f) => [f, ''])) as Record<AdvancedField, string>;

export const emptyDraft: Draft = {
  id: '', name: '', query: '', sources: '', sensitivity: 'medium', advanced: blankAdvanced, volumeAlerts: true, storedRule: {}, channels: [],
};

export function draftOf(stream: PublicStream): Draft {
  const rule = stream.rule;
  const advanced = { ...blankAdvanced };
  for (const f of AdvancedFields) if (rule[f] !== undefined) advanced[f] = String(rule[f]);
  const dashboard = stream.channels.find((c) => c.kind === 'dashboard');
  return {
    id: stream.id,
    name: stream.name,
    query: stream.query,
    sources: stream.sources.join(', '),
    sensitivity: rule.sensitivity ?? 'medium',
    advanced,
    volumeAlerts: rule.volume?.enabled ?? true,
    storedRule: rule,
    ...(dashboard ? { dashboardId: dashboard.id } : {}),
    channels: stream.channels.flatMap((c): ChannelDraft[] =>
      c.kind === 'dashboard'
        ? []
        : [{ key: c.id, kind: c.kind, stored: { id: c.id, target: c.target ?? '' }, replace: false, url: '', secret: '', events: c.events ?? [...DefaultChannelEvents] }],
    ),
  };
}

export const sourcesOf = (d: Draft): string[] => [...new Set(d.sources.split(',').map((s) => s.trim()).filter(Boolean))];

/** The rule as the API takes it: the stored rule, with the form's preset and overrides over it. */
export function ruleOf(d: Draft): AlertRuleInput {
  const { volume: storedVolume, ...rule }: AlertRuleInput = { ...d.storedRule, sensitivity: d.sensitivity };
  for (const f of AdvancedFields) {
    const text = d.advanced[f].trim();
    if (text) rule[f] = Number(text);
    else delete rule[f];
  }
  // Volume alerts are on by default: only "off" needs saying.
  const { enabled: _enabled, ...volume } = storedVolume ?? {};
  const volumeRule = d.volumeAlerts ? volume : { ...volume, enabled: false };
  return Object.keys(volumeRule).length ? { ...rule, volume: volumeRule } : rule;
}

/**
 * Channels as the API takes them. The dashboard is always on (the detector tells it of every
 * alert whatever is stored), and is sent so the stored list says so too.
 */
export function channelsOf(d: Draft): ChannelInput[] {
  const dashboard: ChannelInput = { kind: 'dashboard', ...(d.dashboardId ? { id: d.dashboardId } : {}) };
  return [
    dashboard,
    ...d.channels.map((c): ChannelInput => {
      const id = c.stored ? { id: c.stored.id } : {};
      if (c.stored && !c.replace) return { ...id, kind: c.kind, events: c.events };
      const secret = c.kind === 'webhook' && (c.secret || !c.stored) ? { secret: c.secret } : {};
      return { ...id, kind: c.kind, url: c.url.trim(), ...secret, events: c.events };
    }),
  ];
}

export function inputOf(d: Draft, creating: boolean): StreamInput {
  return {
    ...(creating && d.id.trim() ? { id: d.id.trim() } : {}),
    name: d.name.trim(),
    query: d.query,
    sources: sourcesOf(d),
    rule: ruleOf(d),
    channels: channelsOf(d),
  };
}

/**
 * A draft to be saved over `latest` (someone else's newer version): its stored channels that
 * `latest` no longer has lost their credentials with it, so they become new channels whose URL
 * (and secret) must be entered again. Returns the draft and how many channels that concerns.
 */
export function rebase(d: Draft, latest: PublicStream): { draft: Draft; lost: number } {
  const ids = new Set(latest.channels.map((c) => c.id));
  let lost = 0;
  const channels = d.channels.map((c): ChannelDraft => {
    if (!c.stored || ids.has(c.stored.id)) return c;
    lost++;
    return { key: c.key, kind: c.kind, replace: true, url: '', secret: '', events: c.events };
  });
  const dashboard = latest.channels.find((c) => c.kind === 'dashboard');
  const { dashboardId: _old, ...rest } = d;
  return { draft: { ...rest, ...(dashboard ? { dashboardId: dashboard.id } : {}), channels }, lost };
}

/** What the preview needs; null while there is no query to try. */
export function previewInputOf(d: Draft): PreviewInput | null {
  if (!d.query.trim()) return null;
  return { ...(d.name.trim() ? { name: d.name.trim() } : {}), query: d.query, sources: sourcesOf(d), rule: ruleOf(d) };
}

/**
 * The numbers a rule comes to (the same schema the server applies), or why it is refused. The
 * saved version's numbers come from the API (`detectorRules`); these are the draft's.
 */
export function effectiveRules(rule: AlertRuleInput): { rules: DetectorRules } | { problem: string } {
  const parsed = AlertRuleSchema.safeParse(rule);
  if (parsed.success) return { rules: parsed.data };
  return { problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`).join('; ') };
}

/** Which channel of the form `channels.N` in a server message means (0 is the dashboard). */
export function channelName(d: Draft, index: number): string {
  if (index === 0) return 'the dashboard channel';
  const c = d.channels[index - 1];
  if (!c) return `channel ${index + 1}`;
  const kind = c.kind === 'webhook' ? 'Webhook' : 'Slack';
  return `${kind} ${c.stored ? `(${c.stored.target})` : `#${d.channels.filter((x) => x.kind === c.kind).indexOf(c) + 1} (new)`}`;
}

/**
 * The draft's channel (by key) that a server message's `channels.<i>.url` is about, and what it
 * says of it: the form shows the reason next to that channel's URL field.
 */
export function channelMessages(d: Draft, entries: ReadonlyArray<{ field: string; message: string }>): Map<string, string> {
  const byKey = new Map<string, string>();
  for (const { field, message } of entries) {
    const index = /^channels\.(\d+)\.url$/.exec(field)?.[1];
    // Index 0 is the dashboard (channelsOf sends it first).
    const channel = index === undefined ? undefined : d.channels[Number(index) - 1];
    if (channel) byKey.set(channel.key, message);
  }
  return byKey;
}
