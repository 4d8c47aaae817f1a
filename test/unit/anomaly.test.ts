import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { AlertSchema } from '../../lib/alerts/alert.ts';
import { robustLocation } from '../../lib/anomaly/baseline.ts';
import { AlertEpisodes, severityOf, type EpisodeRules } from '../../lib/anomaly/episode.ts';
import { Rng } from '../../harness/anomaly/rng.ts';
import { parseAlertRule, SensitivityPresets, type DetectorRules } from '../../lib/anomaly/rules.ts';
import { anomalyScore } from '../../harness/anomaly/score.ts';
import { parseSeriesCsv } from '../../harness/anomaly/series-csv.ts';
import { defaultSeriesRules, detectSeries, type SeriesRules } from '../../harness/anomaly/series-detector.ts';
import { SortedWindow } from '../../lib/anomaly/sorted-window.ts';
import { alertId, StreamDetector, type Decision } from '../../lib/anomaly/stream-detector.ts';
import { baseMix, meanScore, shiftedMix, syntheticSecond, type SecondAggregate } from '../../harness/anomaly/synthetic.ts';
import { toAlert } from '../../lib/anomaly/to-alert.ts';
import { isPulseError } from '../../lib/errors.ts';
import { repoRoot } from '../../lib/paths.ts';

const medium = parseAlertRule({});

/** A decision and the second (tick) at which it came. */
type Seen = Decision & { tick: number };

/**
 * Runs a synthetic stream through a detector: `second(t, rng)` gives each second's aggregate
 * (default: the base mix at `rate`).
 */
function runStream(options: {
  seconds: number;
  rate: number;
  second?: (t: number, rng: Rng, normal: () => SecondAggregate) => SecondAggregate;
  rules?: DetectorRules;
  seed?: number;
}): Seen[] {
  const rng = new Rng(options.seed ?? 11);
  const detector = new StreamDetector('acme', options.rules ?? medium);
  const seen: Seen[] = [];
  for (let t = 0; t < options.seconds; t++) {
    const normal = () => syntheticSecond(rng, options.rate, baseMix);
    const s = options.second ? options.second(t, rng, normal) : normal();
    for (const d of detector.observe({ t: t * 1000, ...s })) seen.push({ ...d, tick: t });
  }
  return seen;
}

const raises = (seen: Seen[], kind: Decision['kind'] = 'sentiment') => seen.filter((d) => d.type === 'raise' && d.kind === kind);
/** The baseline is full (10 min) and settled from this second on. */
const warm = 700;

describe('SortedWindow', () => {
  it('keeps median and MAD equal to a full sort through inserts and removals', () => {
    const rng = new Rng(1);
    const w = new SortedWindow(4);
    const kept: number[] = [];
    for (let i = 0; i < 500; i++) {
      const x = Math.round(rng.normal() * 10) / 2; // ties on purpose
      w.insert(x);
      kept.push(x);
      if (kept.length > 41) assert.ok(w.remove(kept.shift()!));
      const sorted = [...kept].sort((a, b) => a - b);
      const median = (xs: number[]) => (xs.length % 2 ? xs[xs.length >> 1]! : (xs[xs.length / 2 - 1]! + xs[xs.length / 2]!) / 2);
      assert.ok(w.median() === median(sorted)); // === : −0 and 0 are the same median
      const c = w.median();
      assert.ok(w.medianAbsDeviation(c) === median(sorted.map((x) => Math.abs(x - c)).sort((a, b) => a - b)));
    }
    assert.equal(w.remove(12345), false);
  });

  it('robustLocation: MAD for the bulk, the 1st/99th percentiles for a second mode, mean deviation when MAD is 0', () => {
    const w = new SortedWindow(16);
    const rng = new Rng(2);
    for (let i = 0; i < 1000; i++) w.insert(rng.normal());
    const normal = robustLocation(w);
    assert.ok(Math.abs(normal.center) < 0.15 && Math.abs(normal.upper - 1) < 0.15 && Math.abs(normal.lower - 1) < 0.15);
    // 30 % of the time a second level at 10: the upper spread must cover it, the lower not.
    for (let i = 0; i < 430; i++) w.insert(10 + rng.normal());
    const twoLevels = robustLocation(w);
    assert.ok(twoLevels.upper > 3, `upper ${twoLevels.upper}`);
    assert.ok(twoLevels.lower < 2, `lower ${twoLevels.lower}`);
    const quantised = new SortedWindow(8);
    for (let i = 0; i < 100; i++) quantised.insert(i % 10 === 0 ? 1 : 0);
    assert.ok(robustLocation(quantised).upper > 0, 'more than half equal values still vary');
  });
});

describe('stream detector: sentiment', () => {
  it('detects a step of −0.3 at 200 msgs/s within K + 1 ticks and explains it', () => {
    const shifted = shiftedMix(baseMix, 0.3);
    const seen = runStream({ seconds: warm + 60, rate: 200, second: (t, rng, normal) => (t >= warm ? syntheticSecond(rng, 200, shifted) : normal()) });
    const [raise, ...more] = raises(seen);
    assert.ok(raise, 'raised');
    assert.equal(more.length, 0, 'one alert for one shift (updates, no second raise)');
    assert.ok(raise.tick - warm + 1 <= medium.consecutive + 1, `delay ${raise.tick - warm + 1} s`);
    assert.equal(raise.direction, 'negative');
    assert.ok(raise.reading.z <= -medium.zThreshold);
    assert.ok(Math.abs(raise.reading.baseline.center - meanScore(baseMix)) < 0.02, `centre ${raise.reading.baseline.center}`);
    assert.ok(Math.abs(raise.reading.current - meanScore(shifted)) < 0.1, `current ${raise.reading.current}`);
    assert.equal(raise.reading.baseline.minutes, 10);
    assert.ok(raise.reading.window.to === (raise.tick + 1) * 1000 && raise.reading.window.from < raise.reading.window.to);
    assert.ok(raise.reading.volume > 100);
    assert.equal(raise.alertId, `acme:sentiment:negative:${new Date(raise.tick * 1000).toISOString()}`);
  });

  it('detects a ramp (mean −0.4 over 2 minutes) before it is half done', () => {
    const seen = runStream({
      seconds: warm + 120,
      rate: 50,
      second: (t, rng, normal) => (t >= warm ? syntheticSecond(rng, 50, shiftedMix(baseMix, (0.4 * (t - warm)) / 120)) : normal()),
    });
    const [raise] = raises(seen);
    assert.ok(raise && raise.tick < warm + 60, `raised at ${raise?.tick}`);
    assert.equal(raise.direction, 'negative');
  });

  it('does not alert on a single extreme second (K = 2), but does on the same messages for 10 s', () => {
    const allNegative = (s: SecondAggregate) => ({ count: s.count, scoreSum: -s.count, negative: s.count, positive: 0 });
    const spike = runStream({ seconds: warm + 120, rate: 50, second: (t, _rng, normal) => (t === warm ? allNegative(normal()) : normal()) });
    assert.deepEqual(raises(spike), []);
    const burst = runStream({ seconds: warm + 120, rate: 50, second: (t, _rng, normal) => (t >= warm && t < warm + 10 ? allNegative(normal()) : normal()) });
    assert.equal(raises(burst).length, 1);
  });

  it('does not alert on a low-volume wobble that is an alert at high volume', () => {
    // 10 s of messages all at −0.8: at 50 msgs/s that is 500 messages, at 1 msg/s ten.
    const wobble = (rate: number) =>
      runStream({
        seconds: warm + 120,
        rate,
        second: (t, _rng, normal) => {
          const s = normal();
          return t >= warm && t < warm + 10 ? { count: s.count, scoreSum: -0.8 * s.count, negative: s.count, positive: 0 } : s;
        },
      });
    assert.deepEqual(raises(wobble(1)), []);
    assert.equal(raises(wobble(50)).length, 1);
  });

  it('raises nothing on 6 hours of stationary noise (seeded), at any volume', () => {
    for (const rate of [2, 50]) {
      const seen = runStream({ seconds: 6 * 3600, rate, seed: 5 });
      assert.deepEqual(seen, [], `${rate} msgs/s`);
    }
  });

  it('is not blinded by a past spike: a shift 4 minutes after a 60-s collapse is found as fast', () => {
    // No cooldown: this is about the baseline, not about the second alert being held back.
    const rules = parseAlertRule({ cooldownSeconds: 0 });
    const shifted = shiftedMix(baseMix, 0.3);
    const collapse = shiftedMix(baseMix, 0.6);
    const stepAt = warm + 300;
    const delay = (withSpike: boolean) => {
      const seen = runStream({
        seconds: stepAt + 60,
        rate: 50,
        rules,
        second: (t, rng, normal) =>
          t >= stepAt ? syntheticSecond(rng, 50, shifted) : withSpike && t >= warm && t < warm + 60 ? syntheticSecond(rng, 50, collapse) : normal(),
      });
      const late = raises(seen).filter((d) => d.tick >= stepAt);
      assert.equal(late.length, 1);
      return { delay: late[0]!.tick - stepAt + 1, spread: late[0]!.reading.baseline.spread };
    };
    const clean = delay(false);
    const after = delay(true);
    assert.ok(after.delay <= clean.delay + 1, `${after.delay} s after the spike, ${clean.delay} s without`);
    assert.ok(after.spread < clean.spread * 1.5, `spread ${after.spread} vs ${clean.spread}`);
  });

  it('resolves when the stream is back, and a lasting shift becomes the new normal', () => {
    const shifted = shiftedMix(baseMix, 0.3);
    const episode = runStream({ seconds: warm + 200, rate: 50, second: (t, rng, normal) => (t >= warm && t < warm + 60 ? syntheticSecond(rng, 50, shifted) : normal()) });
    const resolve = episode.find((d) => d.type === 'resolve' && d.kind === 'sentiment');
    assert.ok(resolve, 'resolved');
    // Back within the window and the hysteresis, and then held: no second at the threshold for the resolve hold.
    assert.ok(resolve.tick >= warm + 60 + medium.resolveHoldSeconds && resolve.tick <= warm + 60 + 30 + medium.resolveHoldSeconds + 5, `resolved at ${resolve.tick}`);
    assert.equal(resolve.alertId, raises(episode)[0]!.alertId);
    const lasting = runStream({ seconds: warm + 900, rate: 50, second: (t, rng, normal) => (t >= warm ? syntheticSecond(rng, 50, shifted) : normal()) });
    assert.equal(raises(lasting).length, 1);
    const absorbed = lasting.find((d) => d.type === 'resolve' && d.kind === 'sentiment');
    assert.ok(absorbed && absorbed.tick < warm + 600, 'the new level is the baseline within the horizon');
  });

  it('escalates severity as |z| grows, with new peaks as updates on the same alert', () => {
    const seen = runStream({ seconds: warm + 40, rate: 50, second: (t, rng, normal) => (t >= warm ? syntheticSecond(rng, 50, shiftedMix(baseMix, 0.4)) : normal()) });
    const sentiment = seen.filter((d) => d.kind === 'sentiment');
    assert.equal(sentiment[0]!.type, 'raise');
    assert.ok(sentiment.slice(1).every((d) => d.type === 'escalate' || d.type === 'update'));
    // A severity that rose is an escalation; a higher peak at the same severity an update.
    for (let i = 1; i < sentiment.length; i++) {
      assert.equal(sentiment[i]!.type === 'escalate', sentiment[i]!.severity !== sentiment[i - 1]!.severity, `decision ${i}`);
      assert.ok(Math.abs(sentiment[i]!.peak.z) >= Math.abs(sentiment[i - 1]!.peak.z));
    }
    assert.equal(sentiment.at(-1)!.severity, 'critical');
    assert.ok(new Set(sentiment.map((d) => d.alertId)).size === 1);
  });
});

describe('stream detector: volume', () => {
  it('alerts on a volume that triples for a minute, not on a one-second burst of 10×', () => {
    const tripled = runStream({ seconds: warm + 120, rate: 50, second: (t, rng, normal) => (t >= warm && t < warm + 60 ? syntheticSecond(rng, 150, baseMix) : normal()) });
    const [raise] = raises(tripled, 'volume');
    assert.ok(raise && raise.tick - warm < 10, `raised at ${raise?.tick}`);
    assert.equal(raise.direction, 'positive');
    assert.ok(raise.reading.current > 100 && Math.abs(raise.reading.baseline.center - 50) < 3);
    assert.deepEqual(raises(tripled), [], 'the same mix: no sentiment alert');
    const burst = runStream({ seconds: warm + 60, rate: 50, second: (t, rng, normal) => (t === warm ? syntheticSecond(rng, 500, baseMix) : normal()) });
    assert.deepEqual(raises(burst, 'volume'), []);
  });

  it('can be switched off per stream', () => {
    const rules = parseAlertRule({ volume: { enabled: false } });
    const seen = runStream({ seconds: warm + 60, rate: 50, rules, second: (t, rng, normal) => (t >= warm ? syntheticSecond(rng, 200, baseMix) : normal()) });
    assert.deepEqual(raises(seen, 'volume'), []);
  });
});

describe('stream detector: input', () => {
  it('alert ids are stable and fit the contract whatever the stream id', () => {
    const at = Date.UTC(2026, 0, 1);
    assert.equal(alertId('acme', 'volume', 'positive', at), 'acme:volume:positive:2026-01-01T00:00:00.000Z');
    const long = alertId('s'.repeat(128), 'sentiment', 'negative', at);
    assert.ok(long.length <= 128 && long === alertId('s'.repeat(128), 'sentiment', 'negative', at));
    assert.notEqual(long, alertId('s'.repeat(127) + 't', 'sentiment', 'negative', at));
  });

  it('ignores a second it has seen, fills a gap with silent seconds, accepts ISO times and mean scores', () => {
    const detector = new StreamDetector('acme', medium);
    assert.deepEqual(detector.observe({ t: '2026-01-01T00:00:00Z', count: 10, meanScore: 0.5 }), []);
    assert.deepEqual(detector.observe({ t: Date.parse('2026-01-01T00:00:00Z'), count: 99, scoreSum: -99 }), [], 're-read of the same second');
    assert.deepEqual(detector.observe({ t: new Date('2026-01-01T00:00:09Z'), count: 10, scoreSum: 5 }), []);
    assert.throws(() => detector.observe({ t: '2026-01-01T00:00:10Z', count: -1, scoreSum: 0 }), (e) => isPulseError(e, 'INPUT_INVALID'));
    assert.throws(() => detector.observe({ t: 'yesterday', count: 1, scoreSum: 0 }), (e) => isPulseError(e, 'INPUT_INVALID'));
  });
});

describe('alert episodes', () => {
  const rules: EpisodeRules = { threshold: 5, consecutive: 3, resolveZ: 2.5, resolveTicks: 4, cooldownTicks: 10, warning: 8, critical: 12 };
  const feed = (episodes: AlertEpisodes, zs: Array<number | null>, from = 0) => zs.map((z, i) => episodes.step(from + i, z));
  const events = (steps: ReturnType<typeof feed>) => steps.flatMap((s, i) => (s.event ? [`${i}:${s.event.type}:${s.event.severity}`] : []));

  it('raises after K consecutive deviating ticks in one direction, not on K−1 or a change of sign', () => {
    assert.deepEqual(events(feed(new AlertEpisodes(rules), [6, 6, 0, 6, 6, -6, 6, 6, 6])), ['8:raise:info']);
    assert.deepEqual(events(feed(new AlertEpisodes(rules), [-6, -6, null, -6])), []);
  });

  it('evidence is the smallest |z| of the last K ticks and reaches the threshold exactly at the raise', () => {
    const steps = feed(new AlertEpisodes(rules), [4, 7, 6, 5.5, 9]);
    assert.deepEqual(steps.map((s) => s.evidence), [0, 0, 4, 5.5, 0]);
    assert.equal(steps[3]!.event?.type, 'raise');
  });

  it('de-duplicates while open, escalates severity, resolves with hysteresis', () => {
    const e = new AlertEpisodes(rules);
    const steps = feed(e, [6, 6, 6, 9, 4, 3, 2.6, 13, 2, 2, 2, 1, 1, 1, 1]);
    // 4, 3, 2.6 are below the threshold but above resolveZ: still the same alert.
    assert.deepEqual(events(steps), ['2:raise:info', '3:escalate:warning', '7:escalate:critical', '11:resolve:critical']);
    assert.ok(steps.slice(3, 8).every((s) => s.deviating));
    assert.equal(e.openAlert, null);
  });

  it('hovering around the threshold raises once and does not flap', () => {
    const hover = Array.from({ length: 60 }, (_, i) => (i % 2 ? 4.8 : 5.2));
    assert.deepEqual(events(feed(new AlertEpisodes({ ...rules, consecutive: 1 }), hover)), ['0:raise:info']);
  });

  it('cools down after a resolve: the same direction waits, the other does not', () => {
    const e = new AlertEpisodes({ ...rules, consecutive: 1 });
    const first = feed(e, [6, 1, 1, 1, 1]);
    assert.deepEqual(events(first), ['0:raise:info', '4:resolve:info']);
    const again = feed(e, [6, 6, 6], 5);
    assert.ok(again.every((s) => s.suppressed && !s.event && s.evidence === 0));
    assert.deepEqual(events(feed(e, [-6], 8)), ['0:raise:info'], 'negative is not cooling down');
    const later = new AlertEpisodes({ ...rules, consecutive: 1 });
    feed(later, [6, 1, 1, 1, 1]);
    assert.deepEqual(events(feed(later, [6], 4 + rules.cooldownTicks + 1)), ['0:raise:info'], 'raised once the cooldown is over');
  });

  it('severity from |z|', () => {
    assert.deepEqual([5, 8, 11.9, 12, -20].map((z) => severityOf(Math.abs(z), rules)), ['info', 'warning', 'warning', 'critical', 'critical']);
  });
});

describe('alert rules', () => {
  it('defaults to medium and fills the derived values', () => {
    assert.deepEqual(parseAlertRule(undefined), parseAlertRule({ sensitivity: 'medium' }));
    const r = parseAlertRule({});
    assert.equal(r.zThreshold, SensitivityPresets.medium.zThreshold);
    assert.equal(r.resolveZ, r.zThreshold / 2);
    assert.ok(r.severity.warning > r.zThreshold && r.severity.critical > r.severity.warning);
  });

  it('presets order low < medium < high in sensitivity; overrides win over the preset', () => {
    const [low, med, high] = (['low', 'medium', 'high'] as const).map((s) => parseAlertRule({ sensitivity: s }));
    assert.ok(low!.zThreshold > med!.zThreshold && med!.zThreshold > high!.zThreshold);
    assert.ok(low!.cooldownSeconds > high!.cooldownSeconds);
    const custom = parseAlertRule({ sensitivity: 'high', consecutive: 5, cooldownSeconds: 0, baselineMinutes: 30, severity: { critical: 20 } });
    assert.equal(custom.zThreshold, SensitivityPresets.high.zThreshold);
    assert.equal(custom.consecutive, 5);
    assert.equal(custom.cooldownSeconds, 0);
    assert.equal(custom.baselineMinutes, 30);
    assert.equal(custom.severity.critical, 20);
  });

  it('refuses unknown fields, out-of-range values and inconsistent thresholds with ALERT_RULE_INVALID', () => {
    for (const bad of [
      { sensitivity: 'extreme' },
      { zThreshold: 1 },
      { consecutive: 0 },
      { consecutive: 1.5 },
      { threshold: 4 },
      { resolveZ: 6, zThreshold: 5 },
      { zThreshold: 5, severity: { warning: 4 } },
      { severity: { warning: 9, critical: 9 } },
      { volume: { minRatio: 0.5 } },
      'medium',
    ]) {
      assert.throws(() => parseAlertRule(bad), (e) => isPulseError(e, 'ALERT_RULE_INVALID'), JSON.stringify(bad));
    }
  });
});

describe('series detector', () => {
  const noise = (n: number, seed: number) => {
    const rng = new Rng(seed);
    return Array.from({ length: n }, () => 10 + rng.normal());
  };
  const alertRows = (alerts: ArrayLike<number>) => [...Array.from(alerts).entries()].filter(([, a]) => a).map(([i]) => i);
  const strict: SeriesRules = { ...defaultSeriesRules, zThreshold: 5, consecutive: 2, resolveZ: 2.5 };

  it('finds a level step at once, and marks it with a score of at least 0.5', () => {
    const values = noise(3000, 1).map((v, i) => (i >= 2000 ? v + 8 : v));
    const { scores, alerts } = detectSeries(values, strict);
    const rows = alertRows(alerts);
    assert.ok(rows[0]! >= 2000 && rows[0]! <= 2000 + strict.consecutive, `alert rows ${rows}`);
    assert.ok(rows.every((i) => scores[i]! >= 0.5));
    assert.ok(Array.from(scores).every((s) => s >= 0 && s <= 1));
  });

  it('a single outlier row alerts with K = 1 (the NAB default) and not with K = 2', () => {
    const values = noise(3000, 2);
    values[2500] = 30;
    assert.deepEqual(alertRows(detectSeries(values, { ...defaultSeriesRules, zThreshold: 5 }).alerts), [2500]);
    assert.deepEqual(alertRows(detectSeries(values, strict).alerts), []);
  });

  it('stays silent on 20,000 rows of stationary noise with K = 2, |z| ≥ 5', () => {
    assert.deepEqual(alertRows(detectSeries(noise(20_000, 3), strict).alerts), []);
  });

  it('anomaly_score is 0.5 at the threshold, monotone in |z|, and separates deviations well past where 1 − p rounds to 1', () => {
    assert.ok(Math.abs(anomalyScore(3.5, 3.5) - 0.5) < 1e-12);
    assert.equal(anomalyScore(0, 3.5), 0);
    const zs = [0.5, 1, 2, 3.5, 5, 8, 9, 12, 16, 20, 25];
    const scores = zs.map((z) => anomalyScore(-z, 3.5));
    assert.ok(scores.every((s, i) => s >= 0 && s < 1 && (i === 0 || s > scores[i - 1]!)), scores.join(' '));
    assert.equal(anomalyScore(1e6, 3.5), 1);
  });

  it('parses NAB CSVs and refuses malformed ones with their line', () => {
    const s = parseSeriesCsv('timestamp,value\n2014-04-01 00:00:00,1.5\n2014-04-01 00:05:00.000000,-2\r\n', 'x.csv');
    assert.deepEqual(s.values, [1.5, -2]);
    assert.deepEqual(s.times, [Date.UTC(2014, 3, 1), Date.UTC(2014, 3, 1, 0, 5)]);
    for (const [text, where] of [
      ['time,value\n', ':1:'],
      ['timestamp,value\n', 'no rows'],
      ['timestamp,value\n2014-04-01 00:00:00,abc\n', ':2: value'],
      ['timestamp,value\nnever,1\n', ':2: timestamp'],
      ['timestamp,value\n2014-04-01 00:00:00,1,2\n', ':2: expected 2 cells'],
    ] as const) {
      assert.throws(() => parseSeriesCsv(text, 'x.csv'), (e) => isPulseError(e, 'DATASET_INVALID') && e.message.includes(where), text);
    }
  });

  it('npm run detect prints only the annotated CSV, and a clear error for a missing file', async () => {
    const run = promisify(execFile);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-detect-'));
    const file = path.join(dir, 'series.csv');
    const values = noise(400, 4);
    values[300] = 40;
    fs.writeFileSync(file, 'timestamp,value\n' + values.map((v, i) => `${new Date(Date.UTC(2014, 0, 1, 0, 5 * i)).toISOString()},${v}`).join('\n') + '\n');
    const cli = path.join(repoRoot, 'bench', 'detect.ts');
    const { stdout } = await run(process.execPath, ['--import', 'tsx', cli, '--csv', file], { cwd: repoRoot });
    const lines = stdout.trimEnd().split('\n');
    assert.equal(lines[0], 'timestamp,value,anomaly_score,alert');
    assert.equal(lines.length, 401);
    const rows = lines.slice(1).map((l) => l.split(','));
    assert.ok(rows.every((r) => r.length === 4 && Number(r[2]) >= 0 && Number(r[2]) <= 1 && (r[3] === '0' || r[3] === '1')));
    assert.deepEqual(rows.flatMap((r, i) => (r[3] === '1' ? [i] : [])), [300]);
    await assert.rejects(run(process.execPath, ['--import', 'tsx', cli, '--csv', path.join(dir, 'missing.csv')], { cwd: repoRoot }), (err: { stderr: string }) =>
      /DATASET_NOT_FOUND.*missing\.csv/.test(err.stderr),
    );
    fs.rmSync(dir, { recursive: true });
  });
});

describe('toAlert', () => {
  it('builds a valid alert contract from a decision and the caller’s explanation', () => {
    const seen = runStream({ seconds: warm + 300, rate: 50, second: (t, rng, normal) => (t >= warm && t < warm + 20 ? syntheticSecond(rng, 50, shiftedMix(baseMix, 0.4)) : normal()) });
    const raise = raises(seen)[0]!;
    const examples = Array.from({ length: 7 }, (_, i) => ({ id: `m${i}`, text: 'x'.repeat(600), label: 'negative' as const, score: -0.9 }));
    const alert = toAlert(raise, { topTerms: ['outage', 'refund'], examples, streamName: 'Acme launch' });
    assert.deepEqual(AlertSchema.parse(alert), alert);
    assert.equal(alert.status, 'open');
    assert.equal(alert.examples.length, 5);
    assert.equal(alert.examples[0]!.text.length, 500);
    assert.match(alert.reason, /^Sentiment of 'Acme launch' fell from \+0\.3\d to [+−]0\.\d\d \(z −\d+\.\d\) over \d+ s, \d+ messages$/);
    const resolve = seen.find((d) => d.type === 'resolve' && d.kind === 'sentiment')!;
    const resolved = toAlert(resolve, { topTerms: [], examples: [] });
    assert.equal(resolved.id, alert.id);
    assert.equal(resolved.status, 'resolved');
    assert.ok(resolved.resolvedAt! > resolved.openedAt);
  });
});
