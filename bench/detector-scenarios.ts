/**
 * The scenario table of `npm run bench:detector` (and `-- --scenarios` alone): named events
 * on synthetic streams, each with the outcome an ops team expects, run through the deployed
 * StreamDetector at a low and a high base rate. A scenario passes when every trial raises the
 * expected kind and direction within its deadline, at least at the expected severity by then,
 * and raises none of the kinds it must not. For a "no alert" scenario, `detected` counts the
 * trials that raised anything.
 */
import { Rng } from '../harness/anomaly/rng.ts';
import { baseMix, shiftedMix, syntheticSecond, type Mix, type SecondAggregate } from '../harness/anomaly/synthetic.ts';
import type { Severity } from '../lib/alerts/alert.ts';
import type { Direction } from '../lib/anomaly/episode.ts';
import { parseAlertRule, type DetectorRules } from '../lib/anomaly/rules.ts';
import { historySeconds, StreamDetector, type AlertKind, type Decision } from '../lib/anomaly/stream-detector.ts';
import { percentile } from './percentile.ts';

/** 93 % negative, as the storm of issue 14. */
const stormMix: Mix = { negative: 0.93, neutral: 0.04, positive: 0.03 };
/** A launch going viral: 85 % positive. */
const viralMix: Mix = { negative: 0.05, neutral: 0.1, positive: 0.85 };
/** Baseline minutes before an event (longer than the 10-minute baseline). */
const warmup = 900;
/**
 * Before a drift, the stream has run long enough for the drift view's reference hour to fill
 * (a new stream gets no drift alert before it, see stream-detector.ts), plus the usual warmup.
 */
const driftWarmup = historySeconds(parseAlertRule({})) + warmup;
const rank: Record<Severity, number> = { info: 0, warning: 1, critical: 2 };

interface Expectation {
  kind: AlertKind;
  direction: Direction;
  /** Seconds from the event's start by which the alert must be raised, at least at `severity`. */
  within: number;
  severity: Severity;
}

export interface Scenario {
  name: string;
  /** What must be raised (null: nothing at all) and what must not. */
  expect: Expectation | null;
  forbid?: AlertKind[];
  /** Seconds simulated, and where the event starts. */
  seconds: number;
  start: number;
  /** The second the detector is fed at tick t (null: nothing is fed at t). */
  second: (t: number, rate: number, rng: Rng) => SecondAggregate | null;
}

const normal = (rate: number, rng: Rng) => syntheticSecond(rng, rate, baseMix);

export const Scenarios: readonly Scenario[] = [
  {
    name: 'negative storm, constant volume (mix flips)',
    expect: { kind: 'surge', direction: 'negative', within: 30, severity: 'warning' },
    seconds: warmup + 240, start: warmup,
    second: (t, rate, rng) => syntheticSecond(rng, rate, t >= warmup && t < warmup + 60 ? stormMix : baseMix),
  },
  {
    name: 'negative storm, volume ×10',
    expect: { kind: 'surge', direction: 'negative', within: 10, severity: 'warning' },
    seconds: warmup + 240, start: warmup,
    second: (t, rate, rng) => (t >= warmup && t < warmup + 60 ? syntheticSecond(rng, rate * 10, stormMix) : normal(rate, rng)),
  },
  {
    name: 'volume spike ×10, usual mix',
    expect: { kind: 'volume', direction: 'positive', within: 10, severity: 'warning' },
    forbid: ['surge'],
    seconds: warmup + 240, start: warmup,
    second: (t, rate, rng) => normal(t >= warmup && t < warmup + 60 ? rate * 10 : rate, rng),
  },
  {
    name: 'gradual drift: mean −0.3 over 30 min',
    expect: { kind: 'sentiment', direction: 'negative', within: 1800, severity: 'info' },
    seconds: driftWarmup + 2400, start: driftWarmup,
    second: (t, rate, rng) => syntheticSecond(rng, rate, shiftedMix(baseMix, 0.3 * Math.min(1, Math.max(0, t - driftWarmup) / 1800))),
  },
  {
    name: 'positive viral spike, volume ×5',
    expect: { kind: 'surge', direction: 'positive', within: 30, severity: 'info' },
    seconds: warmup + 240, start: warmup,
    second: (t, rate, rng) => (t >= warmup && t < warmup + 120 ? syntheticSecond(rng, rate * 5, viralMix) : normal(rate, rng)),
  },
  {
    name: 'volume outage: ~0 for 10 min, then back',
    expect: null,
    seconds: warmup + 1200, start: warmup,
    second: (t, rate, rng) => normal(t >= warmup && t < warmup + 600 ? rate * 0.02 : rate, rng),
  },
  {
    name: "a new stream's first 10 minutes",
    expect: null,
    seconds: 600, start: 0,
    second: (_t, rate, rng) => normal(rate, rng),
  },
  {
    // The loop reads a second once it is settled; what lands later is not seen, and an
    // out-of-order re-read of an older second is ignored.
    name: 'late seconds: 20-s stalls (10 % seen), re-reads',
    expect: null,
    seconds: warmup + 1200, start: warmup,
    second: (t, rate, rng) => {
      const s = normal(rate, rng);
      if (t >= warmup && (t - warmup) % 300 < 20) {
        const seen = Math.round(s.count * 0.1);
        const share = s.count ? seen / s.count : 0;
        return { count: seen, scoreSum: s.scoreSum * share, negative: Math.min(seen, Math.round(s.negative * share)), positive: Math.min(seen, Math.round(s.positive * share)) };
      }
      return s;
    },
  },
];

export interface ScenarioResult {
  scenario: Scenario;
  rate: number;
  trials: number;
  /** Trials that raised the expected kind and direction (any time after the start). */
  detected: number;
  /** Delays (s) of those trials, sorted; the highest severity they reached by the deadline. */
  delays: number[];
  severity: Severity | null;
  /** Every kind/direction raised after the start, with how many trials raised it. */
  raised: Map<string, number>;
  /** Trials that raised anything after the start. */
  alerted: number;
  passed: number;
}

export function runScenario(scenario: Scenario, rate: number, trials: number, seed: number, rules: DetectorRules = parseAlertRule({})): ScenarioResult {
  const result: ScenarioResult = { scenario, rate, trials, detected: 0, delays: [], severity: null, raised: new Map(), alerted: 0, passed: 0 };
  const expect = scenario.expect;
  for (let i = 0; i < trials; i++) {
    const rng = new Rng(seed + i * 7919);
    const detector = new StreamDetector('scenario', rules);
    const raisedHere = new Set<string>();
    let delay: number | null = null;
    let severity: Severity | null = null;
    for (let t = 0; t < scenario.seconds; t++) {
      const second = scenario.second(t, rate, rng);
      if (!second) continue;
      const decisions: Decision[] = detector.observe({ t: t * 1000, ...second });
      // A late re-read of the previous second: the detector must ignore it.
      if (scenario.name.startsWith('late') && t % 7 === 0 && t > 0) decisions.push(...detector.observe({ t: (t - 1) * 1000, ...second }));
      if (t < scenario.start) continue;
      for (const d of decisions) {
        if (d.type === 'raise') raisedHere.add(`${d.kind} ${d.direction}`);
        if (!expect || d.kind !== expect.kind || d.direction !== expect.direction || d.type === 'resolve') continue;
        const since = t + 1 - scenario.start;
        if (d.type === 'raise' && delay === null) delay = since;
        if (since <= expect.within && (severity === null || rank[d.severity] > rank[severity])) severity = d.severity;
      }
    }
    for (const k of raisedHere) result.raised.set(k, (result.raised.get(k) ?? 0) + 1);
    if (raisedHere.size) result.alerted++;
    if (delay !== null) {
      result.detected++;
      result.delays.push(delay);
      if (severity && (result.severity === null || rank[severity] < rank[result.severity])) result.severity = severity;
    }
    const forbidden = expect ? [...raisedHere].some((k) => scenario.forbid?.includes(k.split(' ')[0] as AlertKind)) : raisedHere.size > 0;
    const timely = !expect || (delay !== null && delay <= expect.within && severity !== null && rank[severity] >= rank[expect.severity]);
    if (timely && !forbidden) result.passed++;
  }
  result.delays.sort((a, b) => a - b);
  return result;
}

function expectation(s: Scenario): string {
  if (!s.expect) return 'no alert';
  const e = s.expect;
  return `${e.kind} ${e.direction} ≥${e.severity} ≤${e.within} s${s.forbid ? `, no ${s.forbid.join('/')}` : ''}`;
}

/** The table, one row per scenario and rate. */
export function scenarioTable(results: readonly ScenarioResult[]): string[] {
  const lines = [
    `${'scenario'.padEnd(46)} ${'msgs/s'.padStart(6)}  ${'expected'.padEnd(38)} ${'detected'.padStart(8)}  ${'kind'.padEnd(9)} ${'direction'.padEnd(9)} ${'severity'.padEnd(8)} ${'delay p50/max'.padStart(13)}  ${'pass'.padStart(5)}  also raised`,
  ];
  for (const r of results) {
    const e = r.scenario.expect;
    const delays = r.delays.length ? `${percentile(r.delays, 0.5)} / ${r.delays.at(-1)} s` : '—';
    const also = [...r.raised].filter(([k]) => !e || k !== `${e.kind} ${e.direction}`).map(([k, n]) => `${k} (${n}/${r.trials})`).join(', ') || '—';
    lines.push(
      `${r.scenario.name.padEnd(46)} ${String(r.rate).padStart(6)}  ${expectation(r.scenario).padEnd(38)} ${`${e ? r.detected : r.alerted}/${r.trials}`.padStart(8)}  ` +
        `${(e && r.detected ? e.kind : '—').padEnd(9)} ${(e && r.detected ? e.direction : '—').padEnd(9)} ${(r.severity ?? '—').padEnd(8)} ${delays.padStart(13)}  ` +
        `${`${r.passed}/${r.trials}`.padStart(5)}  ${also}`,
    );
  }
  return lines;
}
