/**
 * Turns a detector decision into the alert contract (lib/alerts/alert.ts). The detector knows
 * the numbers; the explanation that needs the store (top terms, example messages of the
 * decision's window) is the caller's to look up and pass in.
 */
import { AlertSchema, type Alert, type AlertFigures } from '../alerts/alert.ts';
import type { Decision, Figures } from './stream-detector.ts';

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
const capitalised = (label: string) => label[0]!.toUpperCase() + label.slice(1);
/** A drift's spans are whole minutes or hours: "10 min", "1 h". */
const span = (seconds: number) => (seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`);

/**
 * One sentence a person can act on. A raise says what moved and which way; a resolve says the
 * value is back, never "rose" or "fell" (the direction belongs to the episode, not to its end).
 * A spread has no sign: "± 0.03", never "± +0.03".
 */
export function alertReason(decision: Decision, streamName: string): string {
  const { reading: r } = decision;
  const seconds = Math.round((r.window.to - r.window.from) / 1000);
  const messages = r.volume.toLocaleString('en');
  const z = `z ${oneDecimal(r.z)}`;
  if (decision.type === 'resolve') {
    // The baseline may have taken in a lasting shift (the new normal): say so with its spread.
    switch (r.kind) {
      case 'sentiment':
        if (r.drift) {
          return `Sentiment of '${streamName}' is back within its usual range: ${signed(r.current)} over the last ${span(seconds)} against ${signed(r.baseline.center)} ± ${r.baseline.spread.toFixed(2)} over the ${span(r.baseline.minutes * 60)} before (${z}), ${messages} messages`;
        }
        return `Sentiment of '${streamName}' is back within its usual range: ${signed(r.current)} over the last ${seconds} s against a baseline of ${signed(r.baseline.center)} ± ${r.baseline.spread.toFixed(2)} (${z}), ${messages} messages`;
      case 'volume':
        return `Volume of '${streamName}' is back within its usual range: ${r.current.toFixed(1)} msgs/s over the last ${seconds} s against a baseline of ${r.baseline.center.toFixed(1)} ± ${r.baseline.spread.toFixed(1)} msgs/s (${z})`;
      case 'surge':
        return `${capitalised(decision.direction)} messages in '${streamName}' are back within their usual rate: ${r.current.toFixed(1)}/s over the last ${seconds} s against a baseline of ${r.baseline.center.toFixed(1)}/s ± ${r.baseline.spread.toFixed(1)} (${z})`;
    }
  }
  switch (r.kind) {
    case 'sentiment': {
      // A slide over minutes against the hour before, not a change over seconds.
      if (r.drift) return `Sentiment of '${streamName}' drifted from ${signed(r.baseline.center)} to ${signed(r.current)} over the last ${span(seconds)} (${z}), ${messages} messages`;
      const verb = r.direction === 'negative' ? 'fell' : 'rose';
      return `Sentiment of '${streamName}' ${verb} from ${signed(r.baseline.center)} to ${signed(r.current)} (${z}) over ${seconds} s, ${messages} messages`;
    }
    case 'volume':
      return `Volume of '${streamName}' rose from ${r.baseline.center.toFixed(1)} to ${r.current.toFixed(1)} msgs/s (${z}) over ${seconds} s, ${messages} messages`;
    case 'surge': {
      const share = r.volume > 0 ? Math.round((100 * (r.labelCount ?? 0)) / r.volume) : 0;
      return `${capitalised(decision.direction)} messages in '${streamName}' surged to ${r.current.toFixed(1)}/s from ${r.baseline.center.toFixed(1)}/s (${z}; ${share} % of ${messages} messages over ${seconds} s)`;
    }
  }
}

export function toAlert(decision: Decision, explanation: AlertExplanation): Alert {
  const { reading: r } = decision;
  const iso = (ms: number) => new Date(ms).toISOString();
  const figures = (f: Figures): AlertFigures => ({ at: iso(f.at), z: f.z, current: f.current, volume: f.volume });
  return AlertSchema.parse({
    id: decision.alertId,
    stream: decision.stream,
    kind: decision.kind,
    direction: decision.direction,
    ...(decision.kind === 'surge' ? { label: decision.direction } : {}),
    severity: decision.severity,
    status: decision.type === 'resolve' ? 'resolved' : 'open',
    openedAt: iso(decision.openedAt),
    updatedAt: iso(decision.at + 1000),
    ...(decision.type === 'resolve' ? { resolvedAt: iso(decision.resolvedAt) } : {}),
    opening: figures(decision.opening),
    peak: figures(decision.peak),
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
