/**
 * Turns a detector decision into the alert contract (lib/alerts/alert.ts). The detector knows
 * the numbers; the explanation that needs the store (top terms, example messages of the
 * decision's window) is the caller's to look up and pass in.
 */
import { AlertSchema, type Alert } from '../alerts/alert.ts';
import type { Decision } from './stream-detector.ts';

export interface AlertExplanation {
  /** Terms over-represented in the window's messages, most telling first (at most 20 are kept). */
  topTerms: readonly string[];
  /** Messages that drove the shift, most extreme first (at most 5 are kept, texts cut to 500 characters). */
  examples: ReadonlyArray<Alert['examples'][number]>;
  /** The stream's display name for the reason sentence (default: its id). */
  streamName?: string;
}

const signed = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(2)}`;
const oneDecimal = (x: number) => x.toFixed(1).replace('-', '−');

/** One sentence a person can act on. */
export function alertReason(decision: Decision, streamName: string): string {
  const { reading: r } = decision;
  const seconds = Math.round((r.window.to - r.window.from) / 1000);
  const messages = r.volume.toLocaleString('en');
  const z = `z ${oneDecimal(r.z)}`;
  if (decision.type === 'resolve') {
    // The baseline may have taken in a lasting shift (the new normal): say so with its spread.
    return r.kind === 'sentiment'
      ? `Sentiment of '${streamName}' no longer deviates: ${signed(r.current)} over the last ${seconds} s against a baseline of ${signed(r.baseline.center)} ± ${r.baseline.spread.toFixed(2)} (${z}), ${messages} messages`
      : `Volume of '${streamName}' no longer deviates: ${r.current.toFixed(1)} msgs/s over the last ${seconds} s against a baseline of ${r.baseline.center.toFixed(1)} ± ${r.baseline.spread.toFixed(1)} (${z})`;
  }
  if (r.kind === 'sentiment') {
    const verb = r.direction === 'negative' ? 'fell' : 'rose';
    return `Sentiment of '${streamName}' ${verb} from ${signed(r.baseline.center)} to ${signed(r.current)} (${z}) over ${seconds} s, ${messages} messages`;
  }
  return `Volume of '${streamName}' rose from ${r.baseline.center.toFixed(1)} to ${r.current.toFixed(1)} msgs/s (${z}) over ${seconds} s, ${messages} messages`;
}

export function toAlert(decision: Decision, explanation: AlertExplanation): Alert {
  const { reading: r } = decision;
  const iso = (ms: number) => new Date(ms).toISOString();
  return AlertSchema.parse({
    id: decision.alertId,
    stream: decision.stream,
    kind: decision.kind,
    direction: decision.direction,
    severity: decision.severity,
    status: decision.type === 'resolve' ? 'resolved' : 'open',
    openedAt: iso(decision.openedAt),
    updatedAt: iso(decision.at + 1000),
    ...(decision.type === 'resolve' ? { resolvedAt: iso(decision.resolvedAt) } : {}),
    z: r.z,
    current: r.current,
    baseline: r.baseline,
    window: { from: iso(r.window.from), to: iso(r.window.to) },
    volume: r.volume,
    topTerms: explanation.topTerms.slice(0, 20),
    examples: explanation.examples.slice(0, 5).map((e) => ({ ...e, text: e.text.slice(0, 500) })),
    reason: alertReason(decision, explanation.streamName ?? decision.stream).slice(0, 1000),
  });
}
