/**
 * Issue 14's detector: per-label surges (a negative storm is a negative event, a pure volume
 * spike stays a volume alert), the cold start, the resolve hold, the opening and peak kept
 * through the resolve, a second storm caught as fast as the first, the wording, and the
 * backtest agreeing with the deployed loop on the same data.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../harness/anomaly/rng.ts';
import { baseMix, syntheticSecond, type Mix, type SecondAggregate } from '../../harness/anomaly/synthetic.ts';
import type { Alert, AlertEvent } from '../../lib/alerts/alert.ts';
import { parseAlertRule, ruleDefaults, type DetectorRules } from '../../lib/anomaly/rules.ts';
import type { StreamSecond } from '../../lib/anomaly/signals.ts';
import { StreamDetector, type Decision } from '../../lib/anomaly/stream-detector.ts';
import { alertReason, toAlert } from '../../lib/anomaly/to-alert.ts';
import type { PreviewCandidate } from '../../lib/contracts/api.ts';
import { DetectorLoop } from '../../lib/detect/loop.ts';
import { previewStream } from '../../lib/streams/preview.ts';

const medium = parseAlertRule({});
/** The stream: ~2.5 msgs/s, mostly negative (mean score about −0.45). */
const usual: Mix = { negative: 0.75, neutral: 0.15, positive: 0.1 };
const storm: Mix = { negative: 0.94, neutral: 0.04, positive: 0.02 };
const viral: Mix = { negative: 0.05, neutral: 0.1, positive: 0.85 };

type Seen = Decision & { tick: number };

function run(seconds: number, second: (t: number, rng: Rng) => SecondAggregate | null, rules: DetectorRules = medium, seed = 7): Seen[] {
  const rng = new Rng(seed);
  const detector = new StreamDetector('delta', rules);
  const seen: Seen[] = [];
  for (let t = 0; t < seconds; t++) {
    const s = second(t, rng);
    if (s) for (const d of detector.observe({ t: t * 1000, ...s })) seen.push({ ...d, tick: t });
  }
  return seen;
}

const raised = (seen: Seen[], kind?: Decision['kind']) => seen.filter((d) => d.type === 'raise' && (!kind || d.kind === kind));
const rank = { info: 0, warning: 1, critical: 2 } as const;
/** The highest severity an alert reached by tick `by`. */
const severityBy = (seen: Seen[], alertId: string, by: number) =>
  seen.filter((d) => d.alertId === alertId && d.tick <= by).reduce((s, d) => (rank[d.severity] > rank[s] ? d.severity : s), 'info' as Decision['severity']);

const warm = 700;

describe('label surge', () => {
  it('a negative storm (×12 volume, 94 % negative) is a negative surge, warning or worse, within 10 s', () => {
    const seen = run(warm + 120, (t, rng) => (t >= warm && t < warm + 60 ? syntheticSecond(rng, 30, storm) : syntheticSecond(rng, 2.5, usual)));
    const [surge] = raised(seen, 'surge');
    assert.ok(surge, 'a surge was raised');
    assert.equal(surge.direction, 'negative');
    assert.ok(surge.tick - warm < 10, `raised ${surge.tick - warm + 1} s after the start`);
    assert.ok(rank[severityBy(seen, surge.alertId, warm + 9)] >= rank.warning, 'warning within 10 s');
    assert.ok(surge.reading.current > 10 * surge.reading.baseline.center, 'the label rate against its own baseline rate');
    assert.ok(raised(seen).every((d) => d.tick >= warm), 'nothing before the storm');
  });

  it('also at a constant volume, when only the mix flips', () => {
    const seen = run(warm + 120, (t, rng) => syntheticSecond(rng, 50, t >= warm && t < warm + 60 ? storm : baseMix));
    const [surge] = raised(seen, 'surge');
    assert.ok(surge && surge.direction === 'negative' && surge.tick - warm < 10, `surge at ${surge?.tick}`);
    assert.deepEqual(raised(seen, 'volume'), [], 'the volume did not move');
  });

  it('a pure volume spike with the usual mix is a volume alert, not a surge', () => {
    for (const rate of [2, 50]) {
      const seen = run(warm + 120, (t, rng) => syntheticSecond(rng, t >= warm && t < warm + 60 ? rate * 10 : rate, baseMix));
      assert.deepEqual(raised(seen).map((d) => `${d.kind} ${d.direction}`), ['volume positive'], `${rate} msgs/s`);
    }
  });

  it('a positive viral spike is a positive surge', () => {
    const seen = run(warm + 120, (t, rng) => (t >= warm && t < warm + 60 ? syntheticSecond(rng, 250, viral) : syntheticSecond(rng, 50, baseMix)));
    const [surge] = raised(seen, 'surge');
    assert.ok(surge && surge.direction === 'positive' && surge.tick - warm < 10, `surge at ${surge?.tick}`);
    const alert = toAlert(surge, { topTerms: [], examples: [] });
    assert.equal(alert.label, 'positive');
    assert.equal(alert.direction, 'positive');
  });

  it('a second storm four minutes after the first is caught as fast (robust baseline, no cooldown hold-back)', () => {
    const second = warm + 60 + 240;
    const stormAt = (t: number) => (t >= warm && t < warm + 60) || (t >= second && t < second + 60);
    const seen = run(second + 120, (t, rng) => (stormAt(t) ? syntheticSecond(rng, 30, storm) : syntheticSecond(rng, 3, usual)));
    const surges = raised(seen, 'surge');
    assert.equal(surges.length, 2, surges.map((d) => d.tick).join(', '));
    assert.ok(surges[1]!.tick - second <= surges[0]!.tick - warm + 1, `${surges[1]!.tick - second} s vs ${surges[0]!.tick - warm} s`);
    assert.ok(rank[severityBy(seen, surges[1]!.alertId, second + 9)] >= rank.warning);
  });
});

describe('cold start', () => {
  it("a new stream's first messages raise nothing, and its baseline is its own, not the silence before it", () => {
    // Five minutes of silence before the stream exists, then 4.5 minutes at 2.5 msgs/s, then a spike.
    const start = 300;
    const spikeAt = start + 270;
    const seen = run(spikeAt + 60, (t, rng) => (t < start ? { count: 0, scoreSum: 0, negative: 0, positive: 0 } : syntheticSecond(rng, t >= spikeAt ? 25 : 2.5, usual)));
    assert.ok(raised(seen).every((d) => d.tick >= spikeAt), raised(seen).map((d) => `${d.kind} at ${d.tick}`).join(', '));
    const [volume] = raised(seen, 'volume');
    assert.ok(volume, 'the spike is seen');
    assert.ok(Math.abs(volume.reading.baseline.center - 2.5) < 0.6, `baseline ${volume.reading.baseline.center} msgs/s`);
  });

  it('no alert in the first three minutes, even on a burst', () => {
    const seen = run(180, (t, rng) => syntheticSecond(rng, t >= 100 && t < 130 ? 40 : 3, t >= 100 ? storm : usual));
    assert.deepEqual(raised(seen), []);
  });
});

describe('resolve hold', () => {
  const burst = (rules: DetectorRules) => run(warm + 600, (t, rng) => syntheticSecond(rng, 50, t >= warm && t < warm + 30 ? storm : baseMix), rules);

  it('an alert resolves only once the value stayed back for the hold (default 2 minutes)', () => {
    assert.equal(medium.resolveHoldSeconds, 120);
    for (const d of burst(medium).filter((d) => d.type === 'resolve')) assert.ok(d.tick >= warm + 30 + 120, `${d.kind} resolved at +${d.tick - warm} s`);
    const longer = parseAlertRule({}, ruleDefaults(300_000));
    assert.equal(longer.resolveHoldSeconds, 300);
    const resolves = burst(longer).filter((d) => d.type === 'resolve');
    assert.ok(resolves.length > 0 && resolves.every((d) => d.tick >= warm + 30 + 300));
    assert.equal(parseAlertRule({ resolveHoldSeconds: 60 }, ruleDefaults(300_000)).resolveHoldSeconds, 60, 'a rule of its own wins');
  });

  it('the resolve keeps the opening and the peak, and the alert shows them', () => {
    const seen = burst(medium).filter((d) => d.kind === 'surge');
    const [raise, resolve] = [seen[0]!, seen.at(-1)!];
    assert.equal(resolve.type, 'resolve');
    assert.deepEqual(resolve.opening, raise.opening);
    // The peak is followed at every tick, told only when it grew by a quarter: at least every number told.
    assert.ok(Math.abs(resolve.peak.z) >= Math.max(...seen.map((d) => Math.abs(d.reading.z))));
    const alert = toAlert(resolve, { topTerms: [], examples: [] });
    assert.equal(alert.status, 'resolved');
    assert.ok(alert.peak!.z > 3 * Math.abs(alert.z), 'the peak, not the numbers at the end');
    assert.equal(alert.opening!.at, new Date(raise.opening.at).toISOString());
  });
});

describe('wording', () => {
  const seen = run(warm + 400, (t, rng) => (t >= warm && t < warm + 60 ? syntheticSecond(rng, 30, storm) : syntheticSecond(rng, 2.5, usual)));
  it('a surge says which messages surged, from what, and how many', () => {
    const surge = raised(seen, 'surge')[0]!;
    assert.match(alertReason(surge, 'Delta'), /^Negative messages in 'Delta' surged to \d+\.\d\/s from \d+\.\d\/s \(z \d+\.\d; \d+ % of [\d,]+ messages over \d+ s\)$/);
  });

  it('a volume spike rises; a resolve is back, never a rise or fall; a spread has no sign', () => {
    const volume = raised(seen, 'volume')[0]!;
    assert.match(alertReason(volume, 'Delta'), /^Volume of 'Delta' rose from \d+\.\d to \d+\.\d msgs\/s/);
    const resolves = seen.filter((d) => d.type === 'resolve');
    assert.ok(resolves.length >= 2);
    for (const d of resolves) {
      const reason = alertReason(d, 'Delta');
      assert.match(reason, /back within/);
      assert.doesNotMatch(reason, /rose|fell|surged|± [+−-]/);
    }
  });
});

describe('backtest = live', () => {
  it('the preview and the deployed loop raise the same alerts on the same seconds', async () => {
    const t0 = Date.UTC(2026, 4, 1, 12);
    const rng = new Rng(21);
    const messages: PreviewCandidate[] = [];
    // A new stream (cold start), 12 minutes of the usual, a storm, then quiet.
    for (let s = 0; s < 1200; s++) {
      const inStorm = s >= 720 && s < 780;
      const n = rng.poisson(inStorm ? 30 : 3);
      const mix = inStorm ? storm : usual;
      for (let i = 0; i < n; i++) {
        const u = rng.next();
        const label = u < mix.negative ? 'negative' : u < mix.negative + mix.neutral ? 'neutral' : 'positive';
        const score = label === 'negative' ? -0.8 : label === 'positive' ? 0.8 : 0;
        messages.push({ id: `m${s}-${i}`, ts: new Date(t0 + s * 1000 + i).toISOString(), source: 'test', text: 'delta flight', label, score });
      }
    }
    const now = t0 + 1200_000;

    const preview = await previewStream({ candidates: async () => [...messages].reverse() }, { query: 'delta', name: 'Delta' }, { now, hours: 1, resolveAfterMs: 120_000 });

    const seconds = new Map<number, StreamSecond>();
    for (const m of messages) {
      const t = Math.floor(Date.parse(m.ts) / 1000) * 1000;
      const s = seconds.get(t) ?? { stream: 'delta', t, count: 0, scoreSum: 0, negative: 0, positive: 0 };
      s.count++;
      s.scoreSum += m.score;
      if (m.label === 'negative') s.negative++;
      if (m.label === 'positive') s.positive++;
      seconds.set(t, s);
    }
    const stored: Alert[] = [];
    const events: Array<[AlertEvent, Alert]> = [];
    // The loop starts with the stream, as a new stream is first watched, and ticks through it.
    const clock = { now: t0 + 1000 };
    const loop = new DetectorLoop({
      signals: {
        streamSeconds: async (_s, from, to) => [...seconds.values()].filter((s) => s.t >= from.getTime() && s.t < to.getTime()),
        termCounts: async () => ({ windowMessages: 0, baselineMessages: 0, terms: [] }),
        exampleMessages: async () => [],
      },
      alerts: {
        getMany: async (ids) => new Map(stored.filter((a) => ids.includes(a.id)).map((a) => [a.id, a])),
        insert: async (a) => void stored.push(a),
      },
      streams: () => [{ id: 'delta', name: 'Delta', rule: {}, channels: [] }],
      notify: (alert, event) => events.push([event, alert]),
      settleMs: 0,
      resolveAfterMs: 120_000,
      now: () => clock.now,
    });
    for (; clock.now <= now; clock.now += 1000) await loop.tick();

    const live = events.filter(([e]) => e === 'opened').map(([, a]) => `${a.kind} ${a.direction} ${a.openedAt}`);
    const backtest = preview.alerts.map((a) => `${a.kind} ${a.direction} ${a.openedAt}`);
    assert.ok(backtest.some((a) => a.startsWith('surge negative')), backtest.join('; '));
    assert.deepEqual(backtest, live);
    const resolvedLive = events.filter(([e]) => e === 'resolved').map(([, a]) => `${a.kind} ${a.resolvedAt}`);
    assert.deepEqual(preview.alerts.filter((a) => a.resolvedAt).map((a) => `${a.kind} ${a.resolvedAt}`).sort(), resolvedLive.sort());
  });
});
