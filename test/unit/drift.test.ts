/**
 * The drift view of the sentiment (lib/anomaly/drift.ts through the StreamDetector): a slow
 * slide that the 10-minute baseline absorbs is raised as a sentiment alert worded as a drift,
 * a stationary stream raises none from it, and a new stream none before its reference hour.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../harness/anomaly/rng.ts';
import { baseMix, shiftedMix, syntheticSecond, type Mix } from '../../harness/anomaly/synthetic.ts';
import { parseAlertRule } from '../../lib/anomaly/rules.ts';
import { historySeconds, StreamDetector, type Decision } from '../../lib/anomaly/stream-detector.ts';
import { toAlert } from '../../lib/anomaly/to-alert.ts';

const medium = parseAlertRule({});
const history = historySeconds(medium);
const slide = 1800;

/** The base mix, its mean score lowered by 0.3 × the share of the 30-min slide done at `t`. */
function drifting(start: number): (t: number) => Mix {
  return (t) => shiftedMix(baseMix, 0.3 * Math.min(1, Math.max(0, t - start) / slide));
}

function run(seconds: number, rate: number, mix: (t: number) => Mix, seed: number): Array<Decision & { tick: number }> {
  const rng = new Rng(seed);
  const detector = new StreamDetector('acme', medium);
  const seen: Array<Decision & { tick: number }> = [];
  for (let t = 0; t < seconds; t++) for (const d of detector.observe({ t: t * 1000, ...syntheticSecond(rng, rate, mix(t)) })) seen.push({ ...d, tick: t });
  return seen;
}

describe('drift', () => {
  it('raises a negative sentiment alert on a 30-min slide of −0.3 before it is over, at 2 and at 50 msgs/s', () => {
    const start = history + 600;
    for (const rate of [2, 50]) {
      const seen = run(start + slide, rate, drifting(start), 5 + rate);
      const raise = seen.find((d) => d.type === 'raise' && d.kind === 'sentiment');
      assert.ok(raise, `${rate} msgs/s: no sentiment alert`);
      assert.equal(raise.direction, 'negative');
      assert.equal(raise.reading.drift, true, 'raised by the drift view');
      assert.ok(raise.tick >= start && raise.tick < start + slide, `${rate} msgs/s: raised ${raise.tick - start} s into the slide`);
      // Ten minutes against the hour before them, with the messages of those ten minutes.
      assert.equal(raise.reading.window.to - raise.reading.window.from, 600_000);
      assert.equal(raise.reading.baseline.minutes, 60);
      const reason = toAlert(raise, { topTerms: [], examples: [], streamName: 'Acme' }).reason;
      assert.match(reason, /^Sentiment of 'Acme' drifted from \+0\.\d\d to [+−]0\.\d\d over the last 10 min \(z −\d+\.\d\), [\d,]+ messages$/);
      assert.ok(raise.reading.current < raise.reading.baseline.center);
    }
  });

  it('raises nothing from the drift view over a simulated day of a stationary stream', () => {
    for (const rate of [2, 50]) {
      const drifts = run(86_400, rate, () => baseMix, 100 + rate).filter((d) => d.type === 'raise' && d.reading.drift);
      assert.deepEqual(drifts.map((d) => `${d.tick} z ${d.reading.z.toFixed(1)}`), [], `${rate} msgs/s`);
    }
  });

  it('gives a new stream no drift alert before its reference hour has filled', () => {
    // The slide starts with the stream: only the short windows could see it, and they absorb it.
    const seen = run(history, 50, drifting(0), 7);
    assert.equal(history, 71 * 60);
    assert.deepEqual(seen.filter((d) => d.reading.drift), []);
  });

  it('lets a storm of a minute be the surge\'s and the short windows\' news, not a 10-minute drift', () => {
    const start = history + 600;
    const storm: Mix = { negative: 0.93, neutral: 0.04, positive: 0.03 };
    const seen = run(start + 900, 50, (t) => (t >= start && t < start + 60 ? storm : baseMix), 9);
    assert.ok(seen.some((d) => d.type === 'raise' && d.kind === 'surge' && d.direction === 'negative'));
    assert.deepEqual(seen.filter((d) => d.reading.drift).map((d) => `${d.type} ${d.tick - start}`), []);
  });
});
