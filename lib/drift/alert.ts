/**
 * A drift reading as the alert contract (lib/alerts/alert.ts, kind `model_drift`): the PSI is
 * the alert's number, the words the model does not know are its terms, the messages it was
 * least sure of its examples, and the reason says what to do about it.
 */
import { AlertSchema, type Alert, type AlertFigures, type Severity } from '../alerts/alert.ts';
import { alertId } from '../anomaly/stream-detector.ts';
import type { SampledMessage } from '../store/model-drift.ts';
import { decidingPsi, type DriftFigures } from './profile.ts';

export interface DriftAlertInput {
  stream: string;
  streamName: string;
  model: string;
  figures: DriftFigures;
  threshold: number;
  /** When the run of drifting readings began, and the reading now. */
  since: number;
  at: number;
  windowMs: number;
  messages: number;
  reference: { takenAt: string; messages: number; minutes: number };
  /** The window's words the model does not know, most frequent first. */
  unknownWords: readonly string[];
  /** The window's sampled messages. */
  sample: readonly SampledMessage[];
  /** The stored alert this one follows: its opening and peak carry over. */
  previous?: Alert;
}

/** A deciding PSI this many times the threshold is critical (0.5 at the usual 0.2). */
const criticalTimes = 2.5;

const two = (x: number) => x.toFixed(2);
const percent = (x: number) => `${(100 * x).toFixed(1)} %`;
const duration = (ms: number) =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : ms % 3_600_000 === 0 ? `${ms / 3_600_000} h` : `${Math.round(ms / 60_000)} min`;

export function driftSeverity(figures: DriftFigures, threshold: number): Severity {
  return decidingPsi(figures) >= criticalTimes * threshold ? 'critical' : 'warning';
}

function measures(f: DriftFigures): string {
  return `confidence PSI ${two(f.psi.confidence)}, unknown words ${percent(f.unknownRate.current)} against ${percent(f.unknownRate.reference)} (PSI ${two(f.psi.unknownWords)}), label mix PSI ${two(f.psi.labels)}`;
}

export function driftRaiseReason(i: DriftAlertInput): string {
  return `The model ${i.model} reads '${i.streamName}' unlike its reference for ${duration(i.at - i.since)}: ${measures(i.figures)} over the last ${duration(i.windowMs)}, ${i.messages.toLocaleString('en')} messages; label some of them and train a model for it (Models page)`;
}

export function driftBackReason(i: Pick<DriftAlertInput, 'model' | 'streamName' | 'figures'>): string {
  return `'${i.streamName}' reads like the model's reference again: ${measures(i.figures)}`;
}

export function driftReplacedReason(model: string, streamName: string, serving: string): string {
  return `${model} no longer serves '${streamName}' (${serving} does, watched against its own reference)`;
}

/** An open (or updated) model_drift alert. */
export function driftAlert(i: DriftAlertInput): Alert {
  const iso = (ms: number) => new Date(ms).toISOString();
  const deciding = decidingPsi(i.figures);
  const now: AlertFigures = { at: iso(i.at), z: deciding, current: deciding, volume: i.messages };
  const peak = i.previous?.peak && i.previous.peak.z >= deciding ? i.previous.peak : now;
  const examples = [...i.sample].sort((a, b) => a.confidence - b.confidence).slice(0, 5)
    .map((m) => ({ id: m.id, text: m.text.slice(0, 500), label: m.label, score: m.score }));
  return AlertSchema.parse({
    id: i.previous?.id ?? alertId(i.stream, 'model_drift', 'negative', i.since),
    stream: i.stream,
    kind: 'model_drift',
    direction: 'negative',
    severity: driftSeverity(i.figures, i.threshold),
    status: 'open',
    openedAt: i.previous?.openedAt ?? iso(i.at),
    updatedAt: iso(i.at),
    opening: i.previous?.opening ?? now,
    peak,
    z: deciding,
    current: deciding,
    baseline: { center: 0, spread: i.threshold, minutes: Math.max(1, i.reference.minutes) },
    drift: { model: i.model, psi: i.figures.psi, unknownRate: i.figures.unknownRate, threshold: i.threshold, reference: { takenAt: i.reference.takenAt, messages: i.reference.messages } },
    window: { from: iso(i.at - i.windowMs), to: iso(i.at) },
    volume: i.messages,
    topTerms: i.unknownWords.slice(0, 20),
    examples,
    reason: driftRaiseReason(i).slice(0, 1000),
  });
}
