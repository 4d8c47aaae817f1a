/**
 * The dashboard in a real browser (test/support/browser.ts: Debian's chromium driven by
 * playwright-core, against an embedded server started here with demo off, a fresh data dir and
 * the production UI build, made first if missing or stale). A known set of messages goes in through /api/ingest; the page
 * must count and chart exactly those, list them in the live feed, drill down to them from a
 * slice and from a point in time, and export them as CSV. Then ~1,000 msgs/s flow for a few
 * seconds while the page counts its frames: the frame rate is printed, not asserted (speed
 * targets are reported, not tested), and the counters must catch up to the exact total.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Locator, Page } from 'playwright-core';
import type { ScoredMessage } from '../../lib/message.ts';
import { Labels, type Label } from '../../lib/sentiment.ts';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const texts = {
  positive: ['I love this phone, the camera is stunning', 'Best support team ever, thank you so much!', 'What a fantastic concert, totally amazing night'],
  negative: ['Worst service I have ever had, absolutely terrible', 'The update broke everything, I hate it', 'Awful delay again, this airline is a disaster'],
  neutral: ['The meeting is moved to 3pm on Tuesday', 'Version 2.4 was released this morning', 'The store is on the corner of Main Street'],
};
/** Quotes, a comma and a line break: what CSV escaping has to survive. */
const trickyText = 'Refund "now", please:\nthe app crashed again';

/**
 * 60 messages over 6 consecutive seconds, 10 per second, ending ~10 s ago; one source in four
 * is `e2e-b`. Message 5 (in the last second, source e2e-b) carries the tricky text.
 */
function knownMessages(now: number): Array<{ id: string; ts: number; source: string; text: string }> {
  const base = Math.floor(now / 1000) * 1000 - 15_000;
  const pool = [...texts.positive, ...texts.negative, ...texts.neutral];
  return Array.from({ length: 60 }, (_, i) => ({
    id: `e2e-${String(i).padStart(2, '0')}`,
    ts: base + (i % 6) * 1000 + i,
    source: i % 4 === 1 ? 'e2e-b' : 'e2e',
    text: i === 5 ? trickyText : `${pool[i % pool.length]} (${i})`,
  }));
}

const lastSecond = (i: number) => i % 6 === 5;

describe('dashboard in a real browser (embedded runtime)', { timeout: 15 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;
  let sent: ReturnType<typeof knownMessages>;
  /** The known messages as the store holds them, by id (labels come from the model). */
  let stored: Map<string, ScoredMessage>;

  before(async () => {
    test = await startBrowserTest({
      name: 'dashboard',
      // Every message reaches the feed (the default samples 20/s): the feed assertions see
      // all of them, and the frame-rate run gets the heaviest stream the hub can send.
      env: { PULSE_LIVE_MESSAGE_RATE: '1000' },
      page: { acceptDownloads: true },
    });
    ({ pulse, page } = test);
  });

  after(() => test?.close());

  const text = async (locator: Locator) => (await locator.textContent())?.trim() ?? '';
  const kpi = (name: string) => page.getByTestId(`kpi-${name}`);
  const ingest = async (messages: unknown[]) => {
    const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messages) });
    assert.equal(res.status, 202);
    return (await res.json()) as { accepted: number };
  };
  const drillRows = () => page.getByTestId('drilldown').locator('tbody tr');
  /** The ids the drill-down lists, after loading every page. */
  const drillIds = async () => {
    const more = page.getByTestId('drilldown').getByRole('button', { name: 'Load more' });
    while (await more.isVisible()) await more.click();
    return (await drillRows().evaluateAll((rows) => rows.map((r) => r.getAttribute('data-id')))).sort();
  };
  const idsWhere = (keep: (m: ScoredMessage) => boolean) => [...stored.values()].filter(keep).map((m) => m.id).sort();

  it('says what to do while there is no data, with live updates connected', async () => {
    await page.goto(`${pulse.url}/?window=5m`);
    await page.getByText('No data yet — is the replay running?').waitFor();
    assert.equal(await text(kpi('total')), '0');
    await until('connection badge', () => text(page.getByTestId('connection')), (t) => t.startsWith('Live') && !t.includes('waiting'));
    // The status line: the lag with the server's in-process classifier members beside it.
    await until('classifier count beside the lag', () => text(kpi('lag')), (t) => /^\d[\d,]* · 1 classifier$/.test(t));
  });

  it('counts and charts exactly the ingested messages, live', async () => {
    sent = knownMessages(Date.now());
    assert.equal((await ingest(sent)).accepted, 60);
    const page1 = await until(
      'stored messages',
      async () => (await (await fetch(`${pulse.url}/api/messages?limit=100`)).json()) as { messages: ScoredMessage[] },
      (p) => p.messages.length === 60,
    );
    stored = new Map(page1.messages.map((m) => [m.id, m]));
    const count = (label: Label, keep: (i: number) => boolean = () => true) =>
      sent.filter((m, i) => keep(i) && stored.get(m.id)!.label === label).length;

    await until('total counter', () => text(kpi('total')), (t) => t === '60');
    for (const label of Labels) {
      assert.match(await text(kpi(label)), new RegExp(`^${count(label)}\\b`), `${label} counter`);
    }
    const distribution = (await page.getByTestId('distribution-chart').getAttribute('aria-label')) ?? '';
    for (const label of Labels) {
      const name = label[0]!.toUpperCase() + label.slice(1);
      assert.ok(distribution.includes(`${name} ${count(label)} (${((100 * count(label)) / 60).toFixed(1)} %)`), distribution);
    }
    const volume = (await page.getByTestId('volume-chart').getAttribute('aria-label')) ?? '';
    assert.match(volume, /: 60 messages, at most 10 per second/);
    // The trend's latest bucket is the last of the six seconds: 10 messages.
    const trend = (await page.getByTestId('trend-chart').getAttribute('aria-label')) ?? '';
    for (const label of Labels) assert.ok(trend.includes(`${label} ${((100 * count(label, lastSecond)) / 10).toFixed(1)} %`), trend);
  });

  it('lists the new messages in the live feed and shows a message\'s probabilities', async () => {
    const feed = page.getByTestId('feed').locator('li');
    await until('feed length', () => feed.count(), (n) => n === 50); // the feed keeps the newest 50
    const shown = await feed.allTextContents();
    const ours = sent.map((m) => m.text.split('\n')[0]!);
    assert.ok(shown.every((s) => ours.some((t) => s.includes(t))), 'every feed entry is one of the ingested messages');

    const first = feed.first();
    const entry = await text(first);
    const message = [...stored.values()].find((m) => entry.includes(m.text.split('\n')[0]!))!;
    await first.getByRole('button').click();
    const detail = page.getByTestId('message-detail');
    for (const label of Labels) assert.equal(await text(detail.getByTestId(`prob-${label}`)), message.probs[label].toFixed(3));
  });

  it('reaches every control with the Tab key', async () => {
    await page.locator('body').focus();
    const reached = new Set<string>();
    for (let i = 0; i < 80; i++) {
      await page.keyboard.press('Tab');
      reached.add(
        await page.evaluate(() => {
          const el = document.activeElement as HTMLElement | null;
          return el?.dataset.testid ?? el?.getAttribute('name') ?? el?.textContent?.trim().slice(0, 20) ?? '';
        }),
      );
    }
    for (const want of ['Live 1 h', 'Custom…', 'stream', 'source', 'distribution-chart', 'trend-chart', 'volume-chart', '❚❚ Pause']) {
      assert.ok(reached.has(want), `Tab reaches ${want}; reached: ${[...reached].join(' | ')}`);
    }
  });

  it('drills down from a slice of the distribution (mouse) and from the keyboard', async () => {
    const counts = Labels.map((l) => idsWhere((m) => m.label === l).length);
    const biggest = counts.indexOf(Math.max(...counts));
    // Chart.js starts the first slice at 12 o'clock and goes clockwise; click the middle of the
    // biggest slice, halfway between the doughnut's inner (55 %) and outer radius.
    const box = (await page.getByTestId('distribution-chart').boundingBox())!;
    const before = counts.slice(0, biggest).reduce((a, b) => a + b, 0);
    const angle = -Math.PI / 2 + (2 * Math.PI * (before + counts[biggest]! / 2)) / 60;
    const radius = (Math.min(box.width, box.height) / 2) * 0.78;
    await page.mouse.click(box.x + box.width / 2 + radius * Math.cos(angle), box.y + box.height / 2 + radius * Math.sin(angle));

    const label = Labels[biggest]!;
    const drill = page.getByTestId('drilldown');
    await drill.getByRole('heading', { name: new RegExp(`^Messages: ${label}`, 'i') }).waitFor();
    await until('slice drill-down', drillIds, (ids) => ids.join() === idsWhere((m) => m.label === label).join());

    // The same through the keyboard: focus the chart, → to the first slice, Enter.
    await page.getByTestId('distribution-chart').focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await drill.getByRole('heading', { name: /^Messages: negative/i }).waitFor();
    await until('keyboard drill-down', drillIds, (ids) => ids.join() === idsWhere((m) => m.label === 'negative').join());
  });

  it('drills down from a point in time, filters by text and source, and exports the selection as CSV', async () => {
    // Click the trend chart just right of where it drew its last point (the rightmost column
    // of the positive, negative or mean-score line, colours of app/lib/palette.ts): with
    // nothing later, the nearest point in time is the last one.
    const canvas = page.getByTestId('trend-chart');
    const x = await canvas.evaluate((c: HTMLCanvasElement) => {
      const { data, width, height } = c.getContext('2d')!.getImageData(0, 0, c.width, c.height);
      const lines = [[0, 114, 178], [213, 94, 0], [0, 0, 0]];
      for (let px = width - 1; px >= 0; px--) {
        for (let py = 0; py < height; py++) {
          const o = (py * width + px) * 4;
          if (lines.some(([r, g, b]) => Math.abs(data[o]! - r!) + Math.abs(data[o + 1]! - g!) + Math.abs(data[o + 2]! - b!) < 40 && data[o + 3]! > 200)) {
            return (px * c.clientWidth) / width;
          }
        }
      }
      return null;
    });
    assert.ok(x !== null, 'the trend chart drew its lines');
    const box = (await canvas.boundingBox())!;
    await page.mouse.click(box.x + x + 3, box.y + box.height / 2);

    const drill = page.getByTestId('drilldown');
    await drill.getByRole('heading', { name: /^Messages: 1s bucket at/ }).waitFor();
    const inLastSecond = sent.filter((_, i) => lastSecond(i)).map((m) => m.id).sort();
    await until('point drill-down', drillIds, (ids) => ids.join() === inLastSecond.join());

    await drill.getByLabel('Text contains').fill('crashed');
    await drill.getByRole('button', { name: 'Apply' }).click();
    await until('text filter', drillIds, (ids) => ids.join() === 'e2e-05');

    await drill.getByLabel('Text contains').fill('');
    await drill.getByLabel('Source').fill('e2e-b');
    await drill.getByRole('button', { name: 'Apply' }).click();
    const fromB = sent.filter((m, i) => lastSecond(i) && m.source === 'e2e-b').map((m) => m.id).sort();
    await until('source filter', drillIds, (ids) => ids.join() === fromB.join());

    const [download] = await Promise.all([page.waitForEvent('download'), drill.getByRole('button', { name: /Export CSV/ }).click()]);
    const csv = fs.readFileSync((await download.path())!, 'utf8');
    const [header, ...rows] = parse(csv) as string[][];
    assert.deepEqual(header, ['id', 'ts', 'source', 'label', 'human_label', 'confidence', 'p_negative', 'p_neutral', 'p_positive', 'text', 'model']);
    assert.deepEqual(rows.map((r) => r[0]).sort(), fromB);
    for (const [id, ts, source, label, humanLabel, confidence, pNeg, pNeu, pPos, body, model] of rows) {
      const m = stored.get(id!)!;
      assert.deepEqual([ts, source, label, humanLabel, body, model], [m.ts, m.source, m.label, '', m.text, m.model]);
      assert.deepEqual([confidence, pNeg, pNeu, pPos].map(Number), [m.confidence, m.probs.negative, m.probs.neutral, m.probs.positive]);
    }
    assert.ok(rows.some((r) => r[9] === trickyText), 'quotes, comma and line break survive the CSV round trip');
  });

  it('stays responsive while ~1,000 msgs/s flow, and the counters catch up exactly', async () => {
    const seconds = 5;
    const rate = 1000;
    const batchesPerSecond = 10;
    const pool = [...texts.positive, ...texts.negative, ...texts.neutral];
    /** Frames the page draws in `ms` (a requestAnimationFrame counter), and its longest frame. */
    const frames = (ms: number) =>
      page.evaluate(
        (ms) =>
          new Promise<{ fps: number; worstMs: number }>((resolve) => {
            let count = 0;
            let worst = 0;
            let previous = performance.now();
            const start = previous;
            const frame = (now: number) => {
              count++;
              worst = Math.max(worst, now - previous);
              previous = now;
              if (now - start < ms) requestAnimationFrame(frame);
              else resolve({ fps: (1000 * count) / (now - start), worstMs: worst });
            };
            requestAnimationFrame(frame);
          }),
        ms,
      );
    const idle = await frames(2000);
    const underLoad = frames(seconds * 1000);
    const started = Date.now();
    let n = 0;
    for (let b = 0; b < seconds * batchesPerSecond; b++) {
      const batch = Array.from({ length: rate / batchesPerSecond }, () => ({ id: `load-${n}`, source: 'load', text: `${pool[n % pool.length]} #${n++}` }));
      await ingest(batch);
      const due = started + ((b + 1) * 1000) / batchesPerSecond;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now())));
    }
    const offered = n / ((Date.now() - started) / 1000);
    const loaded = await underLoad;
    const total = String((60 + n).toLocaleString('en-US'));
    await until('total after the load', () => text(kpi('total')), (t) => t === total, 120_000);
    const caughtUp = (Date.now() - started) / 1000;
    const fps = (f: { fps: number; worstMs: number }) => `${f.fps.toFixed(1)} frames/s (longest frame ${f.worstMs.toFixed(0)} ms)`;
    console.log(
      `${n} messages at ${offered.toFixed(0)} msgs/s: page at ${fps(loaded)}, idle before ${fps(idle)}; ` +
        `counters exact ${caughtUp.toFixed(1)} s after the load began`,
    );

    await screenshot(page, 'dashboard.png');
    assert.deepEqual(test.pageErrors, [], 'no errors in the page');
  });
});
