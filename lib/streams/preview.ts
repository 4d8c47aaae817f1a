/**
 * A stream before it is saved: how many of the stored messages of the last 24 h its query
 * matches, a sample of them, and the alerts its rule would have raised on them. The same
 * compiled query as the classifier's runs here, on the messages the store narrows down by the
 * query's words (lib/store/stream-preview.ts), and the backtest is the deployed detector's
 * path: the same per-second aggregates (count, score, negative and positive counts), fed by
 * the same replay (lib/anomaly/replay.ts) with the same cold start and resolve hold.
 */
import { z } from 'zod';
import type { Severity } from '../alerts/alert.ts';
import { parseAlertRule, ruleDefaults } from '../anomaly/rules.ts';
import { replaySeconds, type StoredSecond } from '../anomaly/replay.ts';
import { StreamDetector, type AlertKind, type Decision } from '../anomaly/stream-detector.ts';
import { alertReason } from '../anomaly/to-alert.ts';
import type { PreviewCandidate } from '../contracts/api.ts';
import { PulseError } from '../errors.ts';
import type { Label } from '../sentiment.ts';
import { sourceKey } from '../source-key.ts';
import type { PreviewRepository } from '../store/stream-preview.ts';
import { compileQuery } from './compile.ts';
import { parseQuery } from './query.ts';
import { analyze } from './text.ts';

const PreviewInputSchema = z.object({
  name: z.string().trim().max(100).optional(),
  query: z.string().min(1),
  sources: z.array(z.string().min(1).max(64)).max(50).default([]),
  rule: z.record(z.string(), z.unknown()).default({}),
});

export interface PreviewAlert {
  kind: AlertKind;
  direction: 'negative' | 'positive';
  /** The highest it reached. */
  severity: Severity;
  openedAt: string;
  /** Absent while still open at the end of the range. */
  resolvedAt?: string;
  z: number;
  reason: string;
}

export interface PreviewResult {
  from: string;
  to: string;
  /** Matching messages counted from here on: `from`, or later when the scan hit its cap. */
  coveredFrom: string;
  truncated: boolean;
  matched: number;
  labels: Record<Label, number>;
  /** Per hour: matching messages and their mean score. */
  hours: Array<{ t: string; count: number; meanScore: number }>;
  /** The newest matching messages. */
  sample: PreviewCandidate[];
  alerts: PreviewAlert[];
}

export interface PreviewOptions {
  now?: number;
  hours?: number;
  /** At most this many stored messages are read (the newest); the answer says when the cap cut the range. */
  maxCandidates?: number;
  sampleSize?: number;
  /** The deployment's default resolve hold (PULSE_ALERT_RESOLVE_AFTER_MS), as the live detector uses it. */
  resolveAfterMs?: number;
}

export async function previewStream(previews: Pick<PreviewRepository, 'candidates'>, input: unknown, options: PreviewOptions = {}): Promise<PreviewResult> {
  const parsed = PreviewInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new PulseError('BODY_INVALID', `invalid preview: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ')}`);
  }
  const { query, sources, rule, name } = parsed.data;
  const compiled = compileQuery(parseQuery(query));
  const rules = parseAlertRule(rule, ruleDefaults(options.resolveAfterMs));
  const now = options.now ?? Date.now();
  const from = new Date(now - (options.hours ?? 24) * 3_600_000);
  const maxCandidates = options.maxCandidates ?? 200_000;
  const candidates = await previews.candidates({
    // Tag triggers are keyed `#name` / `@name`; their names are words of the text as well.
    needles: [...new Set(compiled.triggers.map((t) => t.replace(/^[#@]/, '')))],
    sources,
    from,
    to: new Date(now),
    limit: maxCandidates,
  });
  const truncated = candidates.length >= maxCandidates;
  // Sources match without regard to case, as the live matcher (matcher.ts) tags them.
  const source = new Set(sources.map(sourceKey));
  const matched = candidates.filter((c) => (!source.size || source.has(sourceKey(c.source))) && compiled.test(analyze(c.text)));

  const labels: Record<Label, number> = { negative: 0, neutral: 0, positive: 0 };
  const hours = new Map<number, { count: number; sum: number }>();
  const seconds = new Map<number, StoredSecond>();
  for (const m of matched) {
    labels[m.label]++;
    const t = Date.parse(m.ts);
    add(hours, Math.floor(t / 3_600_000) * 3_600_000, m.score);
    addSecond(seconds, Math.floor(t / 1000) * 1000, m.score, m.label);
  }
  return {
    from: from.toISOString(),
    to: new Date(now).toISOString(),
    coveredFrom: truncated && candidates.length ? candidates.at(-1)!.ts : from.toISOString(),
    truncated,
    matched: matched.length,
    labels,
    hours: [...hours].sort(([a], [b]) => a - b).map(([t, h]) => ({ t: new Date(t).toISOString(), count: h.count, meanScore: h.sum / h.count })),
    sample: matched.slice(0, options.sampleSize ?? 20),
    alerts: previewAlerts(replaySeconds(new StreamDetector('preview', rules), [...seconds.values()].sort((a, b) => a.t - b.t), Math.floor(now / 1000) * 1000 - 1000), name || 'this stream'),
  };
}

function add(buckets: Map<number, { count: number; sum: number }>, t: number, score: number): void {
  const b = buckets.get(t);
  if (b) {
    b.count++;
    b.sum += score;
  } else buckets.set(t, { count: 1, sum: score });
}

/** One matched message into its second, as `sentiment_1s` counts it. */
function addSecond(seconds: Map<number, StoredSecond>, t: number, score: number, label: Label): void {
  const s = seconds.get(t) ?? { t, count: 0, scoreSum: 0, negative: 0, positive: 0 };
  s.count++;
  s.scoreSum += score;
  if (label === 'negative') s.negative = (s.negative ?? 0) + 1;
  if (label === 'positive') s.positive = (s.positive ?? 0) + 1;
  seconds.set(t, s);
}

/** The episodes among the replay's decisions, as the preview lists them. */
export function previewAlerts(decisions: readonly Decision[], streamName: string): PreviewAlert[] {
  const open = new Map<string, PreviewAlert>();
  const alerts: PreviewAlert[] = [];
  for (const d of decisions) {
    const known = open.get(d.alertId);
    if (d.type === 'resolve') {
      if (known) known.resolvedAt = new Date(d.resolvedAt).toISOString();
      open.delete(d.alertId);
    } else if (known) {
      known.severity = d.severity;
      known.z = d.peak.z;
    } else {
      const alert: PreviewAlert = {
        kind: d.kind, direction: d.direction, severity: d.severity, openedAt: new Date(d.openedAt).toISOString(), z: d.reading.z, reason: alertReason(d, streamName),
      };
      open.set(d.alertId, alert);
      alerts.push(alert);
    }
  }
  return alerts;
}
