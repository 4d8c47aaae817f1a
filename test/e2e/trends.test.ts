/**
 * Trends a person can read (issue 15 item 1), in a real browser (test/support/browser.ts: an
 * embedded server, demo off, a fresh data dir, the production UI build) whose clock is in a
 * +05:30 zone, so "round local times" cannot pass by being round in UTC. Three sources go in
 * through /api/ingest with event times in the past: `slow` at 2 msgs/s for 20 minutes with a
 * 7-minute outage, `medium` at 20 msgs/s for a minute, `fast` at 1,000 msgs/s for a minute, all up
 * to a few seconds before the test starts, turning more negative in the last 2.5 minutes. What the
 * trend draws is read from its Chart.js instance: each point of the line rests on ≥ 30 messages
 * over the raw buckets' dots, the outage is a null in the line while the volume shows zeros,
 * the ticks sit at round local times in the 5 min, 1 h, 24 h and custom views, one y axis, shares
 * or the mean score as picked (kept in the URL). Screenshots at 2 and 1,000 msgs/s.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const texts = {
  positive: ['I love this phone, the camera is stunning', 'Best support team ever, thank you so much!', 'What a fantastic concert, totally amazing night'],
  negative: ['Worst service I have ever had, absolutely terrible', 'The update broke everything, I hate it', 'Awful delay again, this airline is a disaster'],
  neutral: ['The meeting is moved to 3pm on Tuesday', 'Version 2.4 was released this morning', 'The store is on the corner of Main Street'],
};
/** A fixed pseudo-random sequence (Park–Miller), so every run sends the same texts. */
let seed = 42;
const random = () => (seed = (seed * 48_271) % 2_147_483_647) / 2_147_483_647;
/** A text drawn with `negative` odds of being negative, the rest split between the other two labels. */
function text(negative: number): string {
  const r = random();
  const pool = r < negative ? texts.negative : r < (1 + negative) / 2 ? texts.neutral : texts.positive;
  return pool[Math.floor(random() * pool.length)]!;
}
/** The page's zone: +05:30 all year. */
const timezoneId = 'Asia/Kolkata';
const zoneOffsetMs = 330 * 60_000;
const minute = 60_000;
/** The steps app/lib/time-ticks.ts may choose. */
const roundSteps = [1, 2, 5, 10, 15, 30].map((s) => s * 1000).concat([1, 2, 5, 10, 15, 30].map((m) => m * minute), [1, 2, 3, 6, 12].map((h) => h * 60 * minute));

interface DrawnPoint { x: number; y: number | null; messages?: number; from?: number; to?: number }
interface Drawn {
  datasets: Array<{ label: string; showLine?: boolean; spanGaps?: boolean; data: DrawnPoint[] }>;
  scales: string[];
  y: { min: number; max: number };
  ticks: Array<{ value: number; label: string }>;
  spanGaps: unknown;
}

/**
 * What a chart draws, from its Chart.js instance. The bundle does not expose `Chart.getChart`,
 * so this finds the instance where React keeps it: in a ref of a component above the canvas
 * (react-chartjs-2's, and TimeChart's own), reached through React's fiber on the element.
 */
function drawn(page: Page, testId: string): Promise<Drawn | null> {
  return page.getByTestId(testId).evaluate((canvas: HTMLCanvasElement) => {
    type Fiber = { return: Fiber | null; memoizedState: unknown; ref?: unknown };
    type ChartLike = { canvas: HTMLCanvasElement; data: { datasets: Drawn['datasets'] }; scales: Record<string, { min: number; max: number; ticks: Drawn['ticks'] }>; options: { spanGaps?: unknown } };
    const isChart = (ref: unknown): ref is { current: ChartLike } =>
      typeof ref === 'object' && ref !== null && 'current' in ref && (ref as { current: { canvas?: unknown } | null }).current?.canvas === canvas;
    const key = Object.keys(canvas).find((k) => k.startsWith('__reactFiber$'));
    let chart: ChartLike | undefined;
    for (let fiber = key ? (canvas as unknown as Record<string, Fiber>)[key]! : null; fiber && !chart; fiber = fiber.return) {
      if (isChart(fiber.ref)) chart = fiber.ref.current;
      // A function component's hooks: a linked list whose useRef cells hold `{ current }`.
      for (let hook = fiber.memoizedState as { memoizedState: unknown; next: unknown } | null; !chart && hook && typeof hook === 'object' && 'next' in hook; hook = hook.next as typeof hook) {
        if (isChart(hook.memoizedState)) chart = hook.memoizedState.current;
      }
    }
    if (!chart) return null;
    return {
      datasets: chart.data.datasets.map((d) => ({
        label: d.label, showLine: d.showLine, spanGaps: d.spanGaps,
        data: d.data.map((p) => ({ x: p.x, y: p.y, messages: p.messages, from: p.from, to: p.to })),
      })),
      scales: Object.keys(chart.scales),
      y: { min: chart.scales.y!.min, max: chart.scales.y!.max },
      ticks: chart.scales.x!.ticks.map((t) => ({ value: t.value, label: t.label })),
      spanGaps: chart.options.spanGaps,
    };
  });
}

const lines = (d: Drawn) => d.datasets.filter((s) => s.showLine !== false);
const dots = (d: Drawn) => d.datasets.filter((s) => s.showLine === false);
const plotted = (points: DrawnPoint[]) => points.filter((p) => p.y !== null);

/** The ticks: one round step apart, each at a multiple of it in local time, labelled on the 24-hour clock (or the date at midnight). */
function assertRoundTicks(d: Drawn, view: string) {
  const values = d.ticks.map((t) => t.value);
  assert.ok(values.length >= 3, `${view}: ${values.length} ticks`);
  const step = values[1]! - values[0]!;
  assert.ok(roundSteps.includes(step), `${view}: a round step, not ${step} ms`);
  for (const [i, t] of d.ticks.entries()) {
    if (i > 0) assert.equal(t.value - values[i - 1]!, step, `${view}: evenly spaced`);
    assert.equal((t.value + zoneOffsetMs) % step, 0, `${view}: ${new Date(t.value).toISOString()} is a round local time`);
    const local = new Date(t.value + zoneOffsetMs).toISOString();
    const hms = local.slice(11, step < minute ? 19 : 16);
    assert.ok(t.label === hms || (local.slice(11, 19) === '00:00:00' && t.label === local.slice(5, 10)), `${view}: label ${t.label} for ${local}`);
  }
}

describe('trends a person can read, at 2, 20 and 1,000 msgs/s', { timeout: 10 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;
  const now = Math.floor(Date.now() / 1000) * 1000;
  /** The slow source's outage: 7 minutes without a message, on the 10-s buckets of the 1 h and the custom view. */
  const hole = { from: Math.floor((now - 15 * minute) / 10_000) * 10_000, to: Math.floor((now - 8 * minute) / 10_000) * 10_000 };

  before(async () => {
    // 62,800 messages sent as fast as the server takes them: past the default 20,000 msgs/s per address and per key (open mode: one key).
    test = await startBrowserTest({ name: 'trends', env: { PULSE_INGEST_RATE_PER_IP: '1000000', PULSE_INGEST_RATE_PER_KEY: '1000000' }, page: { timezoneId } });
    ({ pulse, page } = test);
    const messages: Array<{ id: string; ts: number; source: string; text: string }> = [];
    /** `rate` msgs/s over [from, to), a quarter negative until the last 2.5 minutes, then half: a turn the trend should show. */
    const add = (source: string, rate: number, from: number, to: number, skip = (_ts: number) => false) => {
      for (let ts = from; ts < to; ts += 1000 / rate) {
        const negative = ts < now - 150_000 ? 0.25 : 0.5;
        if (!skip(ts)) messages.push({ id: `${source}-${messages.length}`, ts: Math.floor(ts), source, text: `${text(negative)} (${messages.length})` });
      }
    };
    // Up to a few seconds ago: the 5-min views that follow see them while the window slides on.
    add('slow', 2, now - 20 * minute, now - 5_000, (ts) => ts >= hole.from && ts < hole.to);
    add('medium', 20, now - 65_000, now - 5_000);
    add('fast', 1000, now - 65_000, now - 5_000);
    for (let i = 0; i < messages.length; i += 5000) {
      const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messages.slice(i, i + 5000)) });
      assert.equal(res.status, 202, await res.text());
    }
    const range = `from=${new Date(now - 30 * minute).toISOString()}&to=${new Date(now + minute).toISOString()}&bucket=1h`;
    await until(
      'every message classified and counted',
      async () => ((await (await fetch(`${pulse.url}/api/stats?${range}`)).json()) as { buckets: Array<{ count: number }> }).buckets.reduce((n, b) => n + b.count, 0),
      (n) => n === messages.length,
      180_000,
    );
  });

  after(() => test?.close());

  /** Opens a view and waits until the trend has drawn what `ready` wants. */
  async function open(query: string, ready: (d: Drawn) => boolean): Promise<Drawn> {
    await page.goto(`${pulse.url}/?${query}`);
    return (await until(`trend of ${query}`, () => drawn(page, 'trend-chart'), (d) => d !== null && ready(d)))!;
  }

  it('at 2 msgs/s pools about 15 one-second buckets into each point, over a dot for every bucket', async () => {
    const d = await open('window=5m&source=slow', (d) => plotted(lines(d)[0]?.data ?? []).length > 100);
    assert.deepEqual(d.datasets.map((s) => s.label), ['Negative %, one bucket', 'Neutral %, one bucket', 'Positive %, one bucket', 'Negative %', 'Neutral %', 'Positive %']);
    for (const line of lines(d)) {
      for (const p of plotted(line.data)) {
        assert.ok(p.messages! >= 30, `${line.label} at ${p.x}: ${p.messages} messages`);
        assert.equal(p.to! - p.from!, 15_000, `${line.label} at ${p.x}: pooled ${p.to! - p.from!} ms`);
      }
    }
    for (const raw of dots(d)) assert.ok(plotted(raw.data).length > 100 && plotted(raw.data).every((p) => p.messages === 2), raw.label);
    assert.equal(await page.getByTestId('trend-note').textContent(), 'Each point of a line: ≥ 30 messages, about 15 s; dots: one 1s bucket each.');
    assert.deepEqual(d.scales, ['x', 'y']);
    assert.deepEqual(d.y, { min: 0, max: 100 });
    assertRoundTicks(d, '5 min');
    await screenshot(page, 'trend-2mps.png');
  });

  it('at 20 msgs/s pools two buckets', async () => {
    const d = await open('window=5m&source=medium', (d) => plotted(lines(d)[0]?.data ?? []).length >= 60);
    for (const p of lines(d).flatMap((l) => plotted(l.data))) assert.ok(p.messages! >= 30 && p.to! - p.from! === 2000, JSON.stringify(p));
    assert.equal(await page.getByTestId('trend-note').textContent(), 'Each point of a line: ≥ 30 messages, about 2 s; dots: one 1s bucket each.');
  });

  it('at 1,000 msgs/s draws each bucket as its own point', async () => {
    const d = await open('window=5m&source=fast', (d) => plotted(lines(d)[0]?.data ?? []).length >= 60);
    for (const p of lines(d).flatMap((l) => plotted(l.data))) assert.ok(p.messages === 1000 && p.to! - p.from! === 1000, JSON.stringify(p));
    assert.equal(await page.getByTestId('trend-note').textContent(), 'Each point of a line: one 1s bucket, ≥ 30 messages; dots: one 1s bucket each.');
    assertRoundTicks(d, '5 min, fast');
    await screenshot(page, 'trend-1000mps.png');
  });

  for (const [view, query] of [
    ['1 h', 'window=1h&source=slow'],
    ['custom', `from=${new Date(now - 30 * minute).toISOString()}&to=${new Date(now).toISOString()}&source=slow`],
  ] as const) {
    it(`${view}: breaks the line at the 7-minute outage while the volume shows 0 there`, async () => {
      const d = await open(query, (d) => plotted(lines(d)[0]?.data ?? []).length > 60);
      const inHole = (p: DrawnPoint) => p.x >= hole.from && p.x < hole.to;
      for (const line of lines(d)) {
        assert.ok(line.spanGaps !== true && d.spanGaps === false, 'lines are not drawn across nulls');
        assert.deepEqual(line.data.filter(inHole).map((p) => p.y), [null], `${line.label}: one null in the outage and nothing drawn there`);
      }
      const volume = (await drawn(page, 'volume-chart'))!;
      const zeros = volume.datasets[0]!.data.filter((p) => p.x >= hole.from + 10_000 && p.x < hole.to - 10_000);
      assert.ok(zeros.length >= 30 && zeros.every((p) => p.y === 0), `volume in the outage: ${JSON.stringify(zeros.slice(0, 3))}`);
      assertRoundTicks(d, view);
      assertRoundTicks(volume, `${view} volume`);
    });
  }

  it('24 h: ticks at round local hours', async () => {
    const d = await open('window=24h&source=slow', (d) => plotted(dots(d)[0]?.data ?? []).length > 0);
    assertRoundTicks(d, '24 h');
  });

  it('shows the mean score on its own axis when picked, kept in the URL beside the view', async () => {
    await open('window=5m&source=slow', (d) => plotted(lines(d)[0]?.data ?? []).length > 100);
    await page.getByRole('group', { name: 'Show on the trend' }).getByRole('button', { name: 'Mean score' }).click();
    await page.waitForURL(/trend=score/);
    assert.equal(new URL(page.url()).searchParams.get('source'), 'slow');
    for (const reload of [false, true]) {
      if (reload) await page.reload();
      const d = (await until('score trend', () => drawn(page, 'trend-chart'), (d) => d?.datasets.length === 2))!;
      assert.deepEqual(d.datasets.map((s) => s.label), ['Mean score, one bucket', 'Mean score']);
      assert.deepEqual(d.scales, ['x', 'y']);
      assert.deepEqual(d.y, { min: -1, max: 1 });
      assert.ok(plotted(d.datasets[1]!.data).every((p) => p.messages! >= 30 && p.y! >= -1 && p.y! <= 1));
    }
  });

  it('still drills down from a point of the trend with the keyboard', async () => {
    await open('window=5m&source=fast', (d) => plotted(lines(d)[0]?.data ?? []).length >= 30);
    await page.getByTestId('trend-chart').focus();
    await page.keyboard.press('End');
    await page.keyboard.press('Enter');
    await page.getByTestId('drilldown').getByRole('heading', { name: /^Messages: 1s bucket at/ }).waitFor();
    assert.deepEqual(test.pageErrors, []);
  });
});
