/**
 * The detector on a plain value series, one row per tick (NAB's `timestamp,value` files): the
 * stream detector's core (robust baseline with flagged rows held out, the window scan, the
 * K-consecutive / cooldown / hysteresis episode) with rows in place of seconds and each row
 * weighing 1 in place of its message count. The rows' sampling interval does not matter: the
 * detector counts rows.
 *
 * Per row it answers the anomaly score (a calibrated transform of the evidence for a new alert,
 * see lib/anomaly/episode.ts and score.ts) and whether the deployed decision logic raises an
 * alert there.
 */
import { AlertEpisodes } from '../../lib/anomaly/episode.ts';
import { MeanShiftSignal } from '../../lib/anomaly/mean-shift.ts';
import { anomalyScore } from './score.ts';

export interface SeriesRules {
  zThreshold: number;
  consecutive: number;
  /** Baseline horizon and the rows it needs before testing. */
  baselineRows: number;
  minBaselineRows: number;
  /** Longest window of rows tested. */
  maxWindow: number;
  cooldownRows: number;
  resolveZ: number;
  resolveRows: number;
  /** Rows a deviating row stays out of the baseline. */
  quarantineRows: number;
}

/**
 * Defaults for NAB-like series, chosen on the NAB subset (README, "Anomaly detection"): at
 * 5-minute sampling the baseline is the last week (2,000 rows), the cooldown half a day, and
 * a deviating row stays out of the baseline for 200 rows. One deviating row suffices (K = 1):
 * in these series a single extreme sample is often the anomaly itself, where a stream's
 * single extreme second is a handful of messages.
 */
export const defaultSeriesRules: SeriesRules = {
  zThreshold: 3.5,
  consecutive: 1,
  baselineRows: 2000,
  minBaselineRows: 100,
  maxWindow: 6,
  cooldownRows: 144,
  resolveZ: 1.75,
  resolveRows: 12,
  quarantineRows: 200,
};

export interface SeriesPoint {
  /** z of the row's most deviating window, null while the baseline is too short. */
  z: number | null;
  /** In [0, 1]: the evidence for raising an alert at this row. */
  score: number;
  alert: boolean;
}

export class SeriesDetector {
  private readonly signal: MeanShiftSignal;
  private readonly episodes: AlertEpisodes;
  private row = 0;

  constructor(readonly rules: SeriesRules = defaultSeriesRules) {
    this.signal = new MeanShiftSignal({
      horizon: rules.baselineRows,
      maxWindow: rules.maxWindow,
      smoothing: 1,
      minWeight: 1,
      minBaseline: rules.minBaselineRows,
      noise: 'median',
      bounded: false,
      quarantine: rules.quarantineRows,
    });
    this.episodes = new AlertEpisodes({
      threshold: rules.zThreshold,
      consecutive: rules.consecutive,
      resolveZ: rules.resolveZ,
      resolveTicks: rules.resolveRows,
      cooldownTicks: rules.cooldownRows,
      warning: 1.6 * rules.zThreshold,
      critical: 2.5 * rules.zThreshold,
    });
  }

  observe(value: number): SeriesPoint {
    const { best } = this.signal.observe(1, value);
    const step = this.episodes.step(this.row++, best?.z ?? null);
    if (step.deviating && best) this.signal.flagNewest(best.ticks);
    return { z: best?.z ?? null, score: anomalyScore(step.evidence, this.rules.zThreshold), alert: step.event?.type === 'raise' };
  }
}

/** Scores and alerts of a whole series. */
export function detectSeries(values: readonly number[], rules: SeriesRules = defaultSeriesRules): { scores: Float64Array; alerts: Uint8Array } {
  const detector = new SeriesDetector(rules);
  const scores = new Float64Array(values.length);
  const alerts = new Uint8Array(values.length);
  values.forEach((v, i) => {
    const p = detector.observe(v);
    scores[i] = p.score;
    alerts[i] = p.alert ? 1 : 0;
  });
  return { scores, alerts };
}
