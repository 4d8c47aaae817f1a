/**
 * The detector of one keyword stream, fed one second of aggregates per tick (count, summed
 * score and the negative / positive counts, as `sentiment_1s` holds them) and answering with
 * decisions: raise, escalate (severity rose), update (a new peak), resolve, each with every
 * number the alert shows, its opening and its peak. Top terms and example messages are the
 * caller's to add (see to-alert.ts): they need the store, this does not.
 *
 * Cold start: the stream's history begins at the first second with a message that the detector
 * is fed (a new stream's first message; after a restart, the first message of the baseline's
 * worth of history the loop feeds first). Silent seconds before it are not part of any
 * baseline, so a new stream is compared with what it has done, not with the empty minutes
 * before it existed; each signal tests nothing until it has `minBaselineSeconds` of baseline
 * behind its longest window, i.e. about 3 minutes after the first message. The drift view of
 * the sentiment (drift.ts) needs its own, longer history: a new stream gets no drift alert
 * before its reference hour has filled, 71 minutes after the first message ({@link historySeconds}).
 *
 * The same class runs in the detector worker, in `bench:detector` and in the tests.
 */
import { createHash } from 'node:crypto';
import type { AlertKinds, Severity } from '../alerts/alert.ts';
import { PulseError } from '../errors.ts';
import { DriftSignal, type DriftOptions, type DriftReading } from './drift.ts';
import { AlertEpisodes, type Direction, type EpisodeEvent, type EpisodeRules } from './episode.ts';
import { LabelSurgeSignal, type LabelSurgeReading } from './label-surge.ts';
import { MeanShiftSignal, type MeanShiftReading } from './mean-shift.ts';
import type { DetectorRules } from './rules.ts';
import { VolumeSignal, type VolumeReading } from './volume-spike.ts';

/** What this detector raises: every alert kind but the drift watch's (lib/drift/). */
export type AlertKind = Exclude<(typeof AlertKinds)[number], 'model_drift'>;

/**
 * One complete second of a stream: the messages in it, their summed (or mean) score, and how
 * many of them are negative and positive (absent: 0, so no surge can be seen).
 */
export type SecondInput = { t: number | string | Date; count: number; negative?: number; positive?: number } & (
  | { scoreSum: number }
  | { meanScore: number }
);

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
  /** For a surge: the label's messages in the window (`current` is their rate). */
  labelCount?: number;
  /**
   * A sentiment reading of the drift view: the median of the last minutes' per-minute means
   * against the hour before them (drift.ts), not a 1–30 s window against the baseline.
   */
  drift?: true;
}

/** The deciding numbers at one moment of an episode (epoch ms): its opening, or its peak. */
export interface Figures {
  at: number;
  z: number;
  current: number;
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
  /** The numbers when the episode opened, and at its largest |z| so far (kept through the resolve). */
  opening: Figures;
  peak: Figures;
}

/** `escalate`: the severity rose; `update`: a new peak well past the last one told. */
export type Decision =
  | (DecisionBase & { type: 'raise' })
  | (DecisionBase & { type: 'escalate' })
  | (DecisionBase & { type: 'update' })
  | (DecisionBase & { type: 'resolve'; resolvedAt: number });

/** The window tested reaches back 30 s at most: the 30-s moving average of the issue. */
export const maxWindowSeconds = 30;
/** A volume spike is judged on at least 5 s, so a one-second blip is not a spike. */
const minVolumeWindowSeconds = 5;
/** Seconds of baseline needed before anything is tested (2 minutes). */
export const minBaselineSeconds = 120;
/** A new peak is told (an `update`) once its |z| is this much above the last one told. */
const peakStep = 1.25;
/**
 * The drift view of the sentiment: per-minute means, the last 10 minutes against the hour
 * before them. Ten minutes is long enough for a slide of a few hundredths to stand out of a
 * 2 msgs/s stream's noise and short enough to report a 30-minute drift half-way through; an
 * hour is several times the 10-minute baseline, which a slower change hides in.
 */
export const DriftView: Omit<DriftOptions, 'minWeight' | 'holdOutZ'> = { bucket: 60, window: 10, reference: 60, quarantine: 30 };

/**
 * Seconds of history a detector needs to test everything it tests: the baseline and its
 * longest window, or the drift's window and reference hour if longer (the loop's backfill).
 */
export function historySeconds(rules: Pick<DetectorRules, 'baselineMinutes'>): number {
  return Math.max(rules.baselineMinutes * 60 + maxWindowSeconds, DriftSignal.historyTicks(DriftView));
}

/** The labels whose surges are watched; the alert's direction is the label. */
const SurgeLabels = ['negative', 'positive'] as const;
type SurgeLabel = (typeof SurgeLabels)[number];

interface Signal {
  kind: AlertKind;
  /** For a surge: its label (and so its direction). */
  label?: SurgeLabel;
  episodes: AlertEpisodes;
  /** The last reading of this signal (for a resolve at a tick where nothing deviates). */
  last: Reading | null;
  /** The open episode's opening and peak, the peak's |z| last told, and whether a drift opened it. */
  story: { opening: Figures; peak: Figures; toldZ: number; drift: boolean } | null;
}

export class StreamDetector {
  private readonly sentiment: MeanShiftSignal;
  private readonly drift: DriftSignal;
  private readonly volume: VolumeSignal;
  private readonly surges: Record<SurgeLabel, LabelSurgeSignal>;
  private readonly signals: { sentiment: Signal; volume: Signal; surge: Record<SurgeLabel, Signal> };
  private lastTick: number | null = null;
  /** Whether the stream's history has begun (a message was seen since the start or the last reset). */
  private started = false;
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
    this.drift = new DriftSignal({ ...DriftView, minWeight: rules.minVolume, holdOutZ: rules.resolveZ });
    const counted = {
      horizon: this.horizon,
      minWindow: minVolumeWindowSeconds,
      maxWindow: maxWindowSeconds,
      smoothing: maxWindowSeconds,
      minCount: rules.minVolume,
      minRatio: rules.volume.minRatio,
      minBaseline: minBaselineSeconds,
      quarantine: this.horizon / 2,
    };
    this.volume = new VolumeSignal(counted);
    // A surge is judged on windows from 2 s: a storm must be caught within seconds, and the
    // share test already keeps one busy second of the usual mix from counting.
    this.surges = { negative: new LabelSurgeSignal({ ...counted, minWindow: 2 }), positive: new LabelSurgeSignal({ ...counted, minWindow: 2 }) };
    const episodeRules: EpisodeRules = {
      threshold: rules.zThreshold,
      consecutive: rules.consecutive,
      resolveZ: rules.resolveZ,
      resolveTicks: rules.resolveSeconds,
      holdTicks: rules.resolveHoldSeconds,
      cooldownTicks: rules.cooldownSeconds,
      warning: rules.severity.warning,
      critical: rules.severity.critical,
      // A second incident as strong as a warning is news even minutes after the first.
      breakthrough: rules.severity.warning,
    };
    const signal = (kind: AlertKind, label?: SurgeLabel): Signal => ({ kind, ...(label ? { label } : {}), episodes: new AlertEpisodes(episodeRules), last: null, story: null });
    this.signals = {
      sentiment: signal('sentiment'),
      volume: signal('volume'),
      surge: { negative: signal('surge', 'negative'), positive: signal('surge', 'positive') },
    };
  }

  /**
   * Feeds one complete second. Seconds must come in order: one at or before the last is
   * ignored (a re-read of the same bucket), and missing seconds are filled as silent ones,
   * since the store has no row for a second without messages. Silent seconds before the
   * stream's first message are not history (see the cold start above). After a gap longer
   * than the baseline the detector starts afresh: that baseline no longer describes the stream.
   */
  observe(second: SecondInput): Decision[] {
    const t = toMillis(second.t);
    const count = second.count;
    const sum = 'scoreSum' in second ? second.scoreSum : second.meanScore * count;
    const negative = second.negative ?? 0;
    const positive = second.positive ?? 0;
    const isCount = (n: number) => Number.isInteger(n) && n >= 0 && n <= count;
    if (!Number.isInteger(count) || count < 0 || !Number.isFinite(sum) || !isCount(negative) || !isCount(positive) || negative + positive > count) {
      throw new PulseError('INPUT_INVALID', `second ${new Date(t).toISOString()}: counts must be integers ≥ 0 (negative + positive ≤ count) and the score finite`);
    }
    const tick = Math.floor(t / 1000);
    const decisions: Decision[] = [];
    if (this.lastTick !== null) {
      if (tick <= this.lastTick) return decisions;
      if (tick - this.lastTick > this.horizon) this.restart();
      else if (this.started) for (let silent = this.lastTick + 1; silent < tick; silent++) this.step(silent, 0, 0, 0, 0, decisions);
    }
    this.lastTick = tick;
    if (!this.started && count === 0) return decisions;
    this.started = true;
    this.step(tick, count, sum, negative, positive, decisions);
    return decisions;
  }

  private restart(): void {
    this.sentiment.reset();
    this.drift.reset();
    this.volume.reset();
    for (const label of SurgeLabels) this.surges[label].reset();
    this.started = false;
  }

  private step(tick: number, count: number, sum: number, negative: number, positive: number, out: Decision[]): void {
    this.lastTick = tick;
    const to = (tick + 1) * 1000;
    const minutes = this.rules.baselineMinutes;
    const window = (ticks: number) => ({ from: to - ticks * 1000, to });
    const sentimentReading = (r: MeanShiftReading | null): Reading | null =>
      r && {
        kind: 'sentiment',
        z: r.z,
        direction: r.z < 0 ? 'negative' : 'positive',
        current: r.mean,
        baseline: { center: r.center, spread: r.spread, minutes },
        window: window(r.ticks),
        volume: r.weight,
      };
    const driftReading = (r: DriftReading | null): Reading | null =>
      r && {
        kind: 'sentiment',
        z: r.z,
        direction: r.z < 0 ? 'negative' : 'positive',
        current: r.level,
        baseline: { center: r.center, spread: r.spread, minutes: (DriftView.reference * DriftView.bucket) / 60 },
        window: { from: to - (r.age + r.ticks) * 1000, to: to - r.age * 1000 },
        volume: r.weight,
        drift: true,
      };
    // One sentiment episode over both views, on the stronger: a step and a slow slide are the
    // same news ("sentiment fell"), never two alerts. The drift holds its own window out of its
    // reference (drift.ts); the short windows are held out of the baseline as before.
    const s = this.sentiment.observe(count, sum);
    const shift = sentimentReading(s.best);
    const slide = driftReading(this.drift.observe(tick, count, sum));
    const best = slide && (!shift || Math.abs(slide.z) > Math.abs(shift.z)) ? slide : shift;
    const full = this.signals.sentiment.story?.drift ? slide : sentimentReading(s.full);
    const flagShift = (deviation: Reading) => {
      if (shift && shift.direction === deviation.direction && Math.abs(shift.z) >= this.rules.resolveZ) this.sentiment.flagNewest(s.best!.ticks);
    };
    this.decide(this.signals.sentiment, tick, best, full, flagShift, out);

    for (const label of SurgeLabels) {
      const surgeReading = (r: LabelSurgeReading | null): Reading | null =>
        r && {
          kind: 'surge',
          // Only rises are surges: the z is the rise's, the direction the label's.
          z: r.z,
          direction: label,
          current: r.rate,
          baseline: { center: r.center, spread: r.spread, minutes },
          window: window(r.ticks),
          volume: r.count,
          labelCount: r.labelCount,
        };
      const signal = this.surges[label];
      const g = signal.observe(count, label === 'negative' ? negative : positive);
      this.decide(this.signals.surge[label], tick, surgeReading(g.best), surgeReading(g.full), (r) => signal.flagNewest(ticksOf(r)), out);
    }

    if (!this.rules.volume.enabled) return;
    const volumeReading = (r: VolumeReading | null): Reading | null =>
      r && {
        kind: 'volume',
        z: r.z,
        direction: r.z < 0 ? 'negative' : 'positive',
        current: r.rate,
        baseline: { center: r.center, spread: r.spread, minutes },
        window: window(r.ticks),
        volume: r.count,
      };
    const v = this.volume.observe(count);
    this.decide(this.signals.volume, tick, volumeReading(v.best), volumeReading(v.full), (r) => this.volume.flagNewest(ticksOf(r)), out);
  }

  /**
   * Runs one signal's episode on the tick's best window. A resolve reports the longest window
   * (the signal as it is now) rather than the deviation that has just ended, with the opening
   * and the peak of the episode.
   */
  private decide(signal: Signal, tick: number, best: Reading | null, full: Reading | null, flag: (deviation: Reading) => void, out: Decision[]): void {
    // A surge's z is a rise of its label's rate: the episode sees it signed the label's way.
    const episodeZ = best === null ? null : signal.label === 'negative' ? -best.z : best.z;
    const step = signal.episodes.step(tick, episodeZ);
    if (step.deviating && best) flag(best);
    const reading = step.event?.type === 'resolve' ? (full ?? best ?? signal.last) : (best ?? signal.last);
    if (best) signal.last = best;
    if (!reading) return;
    const open = signal.episodes.openAlert;
    if (step.event?.type === 'raise') {
      const figures = figuresOf(reading);
      signal.story = { opening: figures, peak: figures, toldZ: Math.abs(figures.z), drift: reading.drift === true };
    }
    const story = signal.story;
    if (!story) return;
    let peaked = false;
    if (open && best && best.direction === open.direction && Math.abs(best.z) > Math.abs(story.peak.z)) {
      story.peak = figuresOf(best);
      peaked = Math.abs(story.peak.z) >= peakStep * story.toldZ;
    }
    const event = step.event ?? (peaked ? ({ type: 'update', direction: open!.direction, severity: open!.severity, openedTick: open!.openedTick } as const) : null);
    if (!event) return;
    if (event.type !== 'resolve') story.toldZ = Math.abs(story.peak.z);
    out.push(this.decision(signal.kind, event, tick, reading, story));
    if (event.type === 'resolve') signal.story = null;
  }

  private decision(kind: AlertKind, event: EpisodeEvent | { type: 'update'; direction: Direction; severity: Severity; openedTick: number }, tick: number, reading: Reading, story: NonNullable<Signal['story']>): Decision {
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
      opening: story.opening,
      peak: story.peak,
    };
    switch (event.type) {
      case 'raise':
        return { ...base, type: 'raise' };
      case 'escalate':
        return { ...base, type: 'escalate' };
      case 'update':
        return { ...base, type: 'update' };
      case 'resolve':
        return { ...base, type: 'resolve', resolvedAt: (tick + 1) * 1000 };
    }
  }
}

function ticksOf(r: Reading): number {
  return (r.window.to - r.window.from) / 1000;
}

function figuresOf(r: Reading): Figures {
  return { at: r.window.to, z: r.z, current: r.current, volume: r.volume };
}

/**
 * Derived from what identifies the episode, so a restarted detector that re-raises the same
 * episode writes the same id (idempotent rows downstream). Alert ids are at most 128
 * characters: a stream id too long to fit is replaced by its hash.
 */
export function alertId(stream: string, kind: (typeof AlertKinds)[number], direction: Direction, openedAt: number): string {
  const rest = `:${kind}:${direction}:${new Date(openedAt).toISOString()}`;
  const prefix = stream.length + rest.length <= 128 ? stream : createHash('sha256').update(stream).digest('hex').slice(0, 32);
  return prefix + rest;
}

function toMillis(t: number | string | Date): number {
  const ms = typeof t === 'number' ? t : typeof t === 'string' ? Date.parse(t) : t.getTime();
  if (!Number.isFinite(ms)) throw new PulseError('INPUT_INVALID', `not a time: ${String(t)}`);
  return ms;
}
