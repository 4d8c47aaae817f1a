/**
 * Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat and others accept the
 * same `{text, blocks}`): a message a person can act on without opening anything else — what
 * moved and how far, its peak, who acknowledged or resolved it (with the note), the terms and
 * messages that drove it, and links to the alert and its stream in the dashboard
 * (`PULSE_PUBLIC_URL`). `text` is the notification and the fallback for clients without blocks.
 */
import type { Alert, AlertEvent } from '../alert.ts';
import type { AlertChannel, SlackChannelConfig } from '../channel.ts';
import { postJson, redactUrl } from '../http.ts';
import { alertLink } from '../link.ts';

export type SlackText = { type: 'mrkdwn'; text: string } | { type: 'plain_text'; text: string; emoji: true };
export type SlackBlock =
  | { type: 'header'; text: Extract<SlackText, { type: 'plain_text' }> }
  | { type: 'section'; text: SlackText }
  | { type: 'section'; fields: SlackText[] }
  | { type: 'context'; elements: SlackText[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export interface SlackDeps {
  allowPrivate: boolean;
  /** The dashboard's public address, which the message links to. */
  publicUrl: string;
}

/** Shown characters of each example message; the alert keeps up to 500, a chat needs less. */
export const ExampleChars = 200;
const headerChars = 150; // Slack's limit for a header block
const shownTerms = 10;

const eventTitle: Record<AlertEvent, string> = {
  opened: 'Alert',
  updated: 'Alert updated',
  escalated: 'Alert escalated',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
};
const severityEmoji: Record<Alert['severity'], string> = { info: ':information_source:', warning: ':warning:', critical: ':rotating_light:' };
const labelGlyph = { negative: '▼', neutral: '●', positive: '▲' } as const;

/**
 * Slack reads `<…>` as links and mentions (`<!channel>` pings everyone) and `&` as an entity:
 * stream names, terms and message texts come from outside, so they are escaped before they
 * go into mrkdwn.
 */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function truncate(text: string, max: number): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length <= max ? oneLine : `${oneLine.slice(0, max - 1).trimEnd()}…`;
}

/** `+0.21`, `−0.12`: a real minus sign, as in the detector's reasons. */
function signed(n: number, digits: number): string {
  const text = Math.abs(n).toFixed(digits);
  return n < 0 && Number(text) !== 0 ? `−${text}` : `+${text}`;
}

function value(alert: Alert, n: number): string {
  if (alert.kind === 'model_drift') return `PSI ${n.toFixed(2)}`;
  return alert.kind === 'sentiment' ? signed(n, 2) : `${n.toFixed(1)} msgs/s`;
}

/** "negative surge of acme", "sentiment of acme down": what moved, in the title's words. */
function subject(alert: Alert): string {
  if (alert.kind === 'surge') return `${alert.label ?? alert.direction} surge on ${alert.stream}`;
  if (alert.kind === 'model_drift') return `model drift on ${alert.stream}`;
  return `${alert.kind} of ${alert.stream} ${alert.direction === 'negative' ? 'down' : 'up'}`;
}

/** Who acted on the alert, for the events people cause; null for the detector's own events. */
function actedBy(alert: Alert, event: AlertEvent): string | null {
  if (event === 'acknowledged') return `Acknowledged by ${alert.acknowledgedByName ?? 'someone'}`;
  if (event !== 'resolved') return null;
  const who = alert.resolvedBy === 'person' ? (alert.resolvedByName ?? 'someone') : 'the detector';
  return `Resolved by ${who}${alert.resolveNote ? `: “${alert.resolveNote}”` : ''}`;
}

function seconds(from: string, to: string): string {
  const s = Math.round((Date.parse(to) - Date.parse(from)) / 1000);
  return s >= 120 ? `${Math.round(s / 60)} min` : `${s} s`;
}

/**
 * Where the dashboard shows the alert's stream: the live last hour while the alert is open
 * (it is recent by definition), the alert's own span once it is resolved, since that link is
 * read later.
 */
export function dashboardLink(publicUrl: string, alert: Alert): string {
  const params = new URLSearchParams({ stream: alert.stream });
  if (alert.resolvedAt) {
    const margin = 15 * 60_000;
    params.set('from', new Date(Date.parse(alert.openedAt) - margin).toISOString());
    params.set('to', new Date(Date.parse(alert.resolvedAt) + margin).toISOString());
  } else {
    params.set('window', '1h');
  }
  return `${publicUrl.replace(/\/+$/, '')}/?${params}`;
}

/** A model_drift alert's own fields: the model and each measure against its reference. */
function driftFields(drift: NonNullable<Alert['drift']>): string[] {
  const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
  return [
    `*Model*\n${escape(drift.model)}`,
    `*Confidence PSI*\n${drift.psi.confidence.toFixed(2)} (alert over ${drift.threshold.toFixed(2)})`,
    `*Unknown words*\n${percent(drift.unknownRate.current)} against ${percent(drift.unknownRate.reference)} (PSI ${drift.psi.unknownWords.toFixed(2)})`,
    `*Label mix PSI*\n${drift.psi.labels.toFixed(2)}`,
  ];
}

export function slackMessage(alert: Alert, event: AlertEvent, publicUrl: string, test = false): SlackMessage {
  const emoji = event === 'resolved' ? ':white_check_mark:' : event === 'acknowledged' ? ':eyes:' : severityEmoji[alert.severity];
  const title = `${test ? '[TEST] ' : ''}${eventTitle[event]}: ${subject(alert)}`;
  const mrkdwn = (text: string): SlackText => ({ type: 'mrkdwn', text });
  const who = actedBy(alert, event);
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(`${emoji} ${title}`, headerChars), emoji: true } },
    ...(who ? [{ type: 'section' as const, text: mrkdwn(`*${escape(who)}*`) }] : []),
    { type: 'section', text: mrkdwn(escape(alert.reason)) },
    {
      type: 'section',
      fields: [
        mrkdwn(`*Stream*\n${escape(alert.stream)}`),
        ...(alert.drift ? driftFields(alert.drift).map(mrkdwn) : [
          mrkdwn(`*Direction*\n${labelGlyph[alert.direction]} ${alert.direction}`),
          mrkdwn(`*Baseline → current*\n${value(alert, alert.baseline.center)} → ${value(alert, alert.current)}`),
          mrkdwn(`*z-score*\n${signed(alert.z, 1)} (baseline of ${alert.baseline.minutes} min)`),
        ]),
        mrkdwn(`*Volume*\n${alert.volume} messages in ${seconds(alert.window.from, alert.window.to)}`),
        mrkdwn(`*Severity*\n${alert.severity}`),
        ...(alert.peak
          ? [mrkdwn(`*Peak*\n${value(alert, alert.peak.current)}${alert.drift ? '' : `, z ${signed(alert.peak.z, 1)}`}, ${alert.peak.volume} messages at ${alert.peak.at}`)]
          : []),
      ],
    },
  ];
  const terms = alert.topTerms.slice(0, shownTerms).map((t) => `\`${escape(t.replace(/`/g, "'"))}\``);
  if (terms.length) blocks.push({ type: 'section', text: mrkdwn(`*${alert.drift ? 'Words the model does not know' : 'Top terms'}*\n${terms.join(' · ')}`) });
  if (alert.examples.length) {
    const lines = alert.examples
      .slice(0, 5)
      .map((m) => `>${labelGlyph[m.label]} ${signed(m.score, 2)}  ${escape(truncate(m.text, ExampleChars))}`);
    blocks.push({ type: 'section', text: mrkdwn(`*${alert.drift ? 'Messages it was least sure of' : 'Messages that drove it'}*\n${lines.join('\n')}`) });
  }
  const footer = [`alert \`${escape(alert.id)}\``, `opened ${alert.openedAt}`];
  if (alert.resolvedAt) footer.push(`resolved ${alert.resolvedAt}`);
  footer.push(`<${escape(alertLink(publicUrl, alert))}|Open the alert in Pulse>`, `<${escape(dashboardLink(publicUrl, alert))}|its stream>`);
  blocks.push({ type: 'context', elements: [mrkdwn(footer.join(' · '))] });
  return { text: `${emoji} ${escape(title)}${who ? ` (${escape(who)})` : ''}: ${escape(alert.reason)}`, blocks };
}

export function slackChannel(config: SlackChannelConfig, deps: SlackDeps): AlertChannel {
  return {
    kind: 'slack',
    target: redactUrl(config.url),
    send(alert, event, { signal, test }) {
      // Slack's webhooks have no signature or delivery header: the URL itself is the secret.
      const body = JSON.stringify(slackMessage(alert, event, deps.publicUrl, test));
      return postJson(config.url, body, {}, { allowPrivate: deps.allowPrivate, signal });
    },
  };
}
