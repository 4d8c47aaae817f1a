/**
 * The detector of one keyword stream, fed one second of aggregates per tick (count and summed
 * score, as `sentiment_1s` holds them) and answering with decisions: raise, update (severity
 * escalated), resolve, each with every number the alert shows. Top terms and example
 * messages are the caller's to add (see to-alert.ts): they need the store, this does not.
 *
 * The same class runs in the detector worker, in `bench:detector` and in the tests.
 */
import { createHash } from 'node:crypto';
import type { AlertKinds, Severity } from '../alerts/alert.ts';
import { PulseError } from '../errors.ts';
import { AlertEpisodes, type Direction, type EpisodeEvent, type EpisodeRules } from './episode.ts';
import { MeanShiftSignal, type MeanShiftReading } from './mean-shift.ts';
import type { DetectorRules } from './rules.ts';
import { VolumeSignal, type VolumeReading } from './volume-spike.ts';

export type AlertKind = (typeof AlertKinds)[number];

/** One complete second of a stream: the messages in it and their summed (or mean) score. */
export type SecondInput = { t: number | string | Date; count: number } & ({ scoreSum: number } | { meanScore: number });

/** What one signal looked like at a tick. Times are epoch milliseconds; windows are [from, to). */
export interface Reading {
  kind: AlertKind;
  z: number;
  direction: Direction;
  /** Mean score of the window, or its messages per second. */
  current: number;
  baseline: { center: number; spread: number; minutes: number };
  window: { from: number; to: number };
  /** Messages in the window. */
  volume: number;
}

interface DecisionBase {
  /** `stream:kind:direction:openedAt`, stable across raise, updates and resolve. */
  alertId: string;
  stream: string;
  kind: AlertKind;
  direction: Direction;
  severity: Severity;
  openedAt: number;
  /** The tick's second. */
  at: number;
  reading: Reading;
}

export type Decision =
  | (DecisionBase & { type: 'raise' })
  | (DecisionBase & { type: 'update' })
  | (DecisionBase & { type: 'resolve'; resolvedAt: number });

/** The window tested reaches back 30 s at most: the 30-s moving average of the issue. */
export const maxWindowSeconds = 30;
/** A volume spike is judged on at least 5 s, so a one-second blip is not a spike. */
const minVolumeWindowSeconds = 5;
/** Seconds of baseline needed before anything is tested (2 minutes). */
const minBaselineSeconds = 120;

interface Signal {
  kind: AlertKind;
  episodes: AlertEpisodes;
  /** The last reading of this signal (for a resolve at a tick where nothing deviates). */
  last: Reading | null;
}

export class StreamDetector {
  private readonly sentiment: MeanShiftSignal;
  private readonly volume: VolumeSignal;
  private readonly signals: Record<AlertKind, Signal>;
  private lastTick: number | null = null;
  private readonly horizon: number;

  constructor(
    readonly stream: string,
    readonly rules: DetectorRules,
  ) {
    this.horizon = rules.baselineMinutes * 60;
    this.sentiment = new MeanShiftSignal({
      horizon: this.horizon,
      maxWindow: maxWindowSeconds,
      smoothing: maxWindowSeconds,
      minWeight: rules.minVolume,
      minBaseline: minBaselineSeconds,
      noise: 'mean',
      bounded: true,
      quarantine: this.horizon / 2,
    });
    this.volume = new VolumeSignal({
      horizon: this.horizon,
      minWindow: minVolumeWindowSeconds,
      maxWindow: maxWindowSeconds,
      smoothing: maxWindowSeconds,
      minCount: rules.minVolume,
      minRatio: rules.volume.minRatio,
      minBaseline: minBaselineSeconds,
      quarantine: this.horizon / 2,
    });
    const episodeRules: EpisodeRules = {
      threshold: rules.zThreshold,
      consecutive: rules.consecutive,
      resolveZ: rules.resolveZ,
      resolveTicks: rules.resolveSeconds,
      cooldownTicks: rules.cooldownSeconds,
      warning: rules.severity.warning,
      critical: rules.severity.critical,
    };
    this.signals = {
      sentiment: { kind: 'sentiment', episodes: new AlertEpisodes(episodeRules), last: null },
      volume: { kind: 'volume', episodes: new AlertEpisodes(episodeRules), last: null },
    };
  }

  /**
   * Feeds one complete second. Seconds must come in order: one at or before the last is
   * ignored (a re-read of the same bucket), and missing seconds are filled as silent ones,
   * since the store has no row for a second without messages. After a gap longer than the
   * baseline the detector starts afresh: that baseline no longer describes the stream.
   */
  observe(second: SecondInput): Decision[] {
    const t = toMillis(second.t);
    const count = second.count;
    const sum = 'scoreSum' in second ? second.scoreSum : second.meanScore * count;
    if (!Number.isInteger(count) || count < 0 || !Number.isFinite(sum)) {
      throw new PulseError('INPUT_INVALID', `second ${new Date(t).toISOString()}: count must be an integer ≥ 0 and the score finite`);
    }
    const tick = Math.floor(t / 1000);
    const decisions: Decision[] = [];
    if (this.lastTick !== null) {
      if (tick <= this.lastTick) return decisions;
      if (tick - this.lastTick > this.horizon) {
        this.sentiment.reset();
        this.volume.reset();
      } else {
        for (let silent = this.lastTick + 1; silent < tick; silent++) this.step(silent, 0, 0, decisions);
      }
    }
    this.step(tick, count, sum, decisions);
    return decisions;
  }

  private step(tick: number, count: number, sum: number, out: Decision[]): void {
    this.lastTick = tick;
    const to = (tick + 1) * 1000;
    const minutes = this.rules.baselineMinutes;
    const sentimentReading = (r: MeanShiftReading | null): Reading | null =>
      r && {
        kind: 'sentiment',
        z: r.z,
        direction: r.z < 0 ? 'negative' : 'positive',
        current: r.mean,
        baseline: { center: r.center, spread: r.spread, minutes },
        window: { from: to - r.ticks * 1000, to },
        volume: r.weight,
      };
    const s = this.sentiment.observe(count, sum);
    this.decide(this.signals.sentiment, tick, sentimentReading(s.best), sentimentReading(s.full), (n) => this.sentiment.flagNewest(n), out);

    if (!this.rules.volume.enabled) return;
    const volumeReading = (r: VolumeReading | null): Reading | null =>
      r && {
        kind: 'volume',
        z: r.z,
        direction: r.z < 0 ? 'negative' : 'positive',
        current: r.rate,
        baseline: { center: r.center, spread: r.spread, minutes },
        window: { from: to - r.ticks * 1000, to },
        volume: r.count,
      };
    const v = this.volume.observe(count);
    this.decide(this.signals.volume, tick, volumeReading(v.best), volumeReading(v.full), (n) => this.volume.flagNewest(n), out);
  }

  /**
   * Runs one signal's episode on the tick's best window. A resolve reports the longest window
   * (the signal as it is now) rather than the deviation that has just ended.
   */
  private decide(signal: Signal, tick: number, best: Reading | null, full: Reading | null, flag: (ticks: number) => void, out: Decision[]): void {
    const step = signal.episodes.step(tick, best?.z ?? null);
    if (step.deviating && best) flag((best.window.to - best.window.from) / 1000);
    const reading = step.event?.type === 'resolve' ? (full ?? best ?? signal.last) : (best ?? signal.last);
    if (best) signal.last = best;
    if (step.event && reading) out.push(this.decision(signal.kind, step.event, tick, reading));
  }

  private decision(kind: AlertKind, event: EpisodeEvent, tick: number, reading: Reading): Decision {
    const openedAt = event.openedTick * 1000;
    const base: DecisionBase = {
      alertId: alertId(this.stream, kind, event.direction, openedAt),
      stream: this.stream,
      kind,
      direction: event.direction,
      severity: event.severity,
      openedAt,
      at: tick * 1000,
      reading,
    };
    switch (event.type) {
      case 'raise':
        return { ...base, type: 'raise' };
      case 'escalate':
        return { ...base, type: 'update' };
      case 'resolve':
        return { ...base, type: 'resolve', resolvedAt: (tick + 1) * 1000 };
    }
  }
}

/**
 * Derived from what identifies the episode, so a restarted detector that re-raises the same
 * episode writes the same id (idempotent rows downstream). Alert ids are at most 128
 * characters: a stream id too long to fit is replaced by its hash.
 */
export function alertId(stream: string, kind: AlertKind, direction: Direction, openedAt: number): string {
  const rest = `:${kind}:${direction}:${new Date(openedAt).toISOString()}`;
  const prefix = stream.length + rest.length <= 128 ? stream : createHash('sha256').update(stream).digest('hex').slice(0, 32);
  return prefix + rest;
}

function toMillis(t: number | string | Date): number {
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : t.getTime();
  if (!Number.isFinite(ms)) throw new PulseError('INPUT_INVALID', `not a time: ${String(t)}`);
  return ms;
}
