/**
 * Issue 15's small things in a real browser (test/support/browser.ts: an embedded server in open
 * mode, demo off, a fresh data dir, the production UI build), with a US-English page so a
 * locale-following picker would show AM/PM: the range pickers write and show 24-hour times, two
 * alerts seconds apart on one stream get two labels on the charts that name the stream and do
 * not overlap, with no admin yet the new-user form starts at the admin role, and the page turns
 * dark when the system's colour scheme does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import { alertId } from '../../lib/anomaly/stream-detector.ts';
import type { Pulse } from '../../server/pulse.ts';
import { alertFixture } from '../support/alert-fixture.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Box, outer: Box) => a.x >= outer.x && a.y >= outer.y && a.x + a.width <= outer.x + outer.width && a.y + a.height <= outer.y + outer.height;

describe('small things: 24-hour pickers, alert markers, the first user', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;

  before(async () => {
    test = await startBrowserTest({ name: 'small', page: { locale: 'en-US', timezoneId: 'UTC' } });
    ({ pulse, page } = test);
  });

  after(() => test?.close());

  const post = (pathname: string, body: unknown) =>
    fetch(`${pulse.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('starts the first user at the admin role, and says why', async () => {
    await page.goto(`${pulse.url}/admin/users`);
    const form = page.getByTestId('new-user');
    await form.waitFor();
    assert.ok(await form.getByRole('radio', { name: /^admin/ }).isChecked(), 'admin is picked');
    assert.match((await form.getByTestId('first-user-role').textContent()) ?? '', /the first account is an admin/);
    await form.getByTestId('first-admin-warning').waitFor();
  });

  it('picks a range of the alert history in 24-hour time: 23:15 in, 23:15 in the URL and back in the field', async () => {
    await page.goto(`${pulse.url}/alerts`);
    const filters = page.getByRole('form', { name: 'Filter the alerts' });
    // A choice made before React has hydrated the server-rendered form changes nothing: choose until the fields show.
    await until('the range fields', async () => {
      await filters.getByLabel('Opened').selectOption('between');
      return filters.getByLabel('From date').count();
    }, (n) => n > 0);
    assert.equal(await page.locator('input[type="datetime-local"]').count(), 0, 'no locale-following date-time control');
    await filters.getByLabel('From date').fill('2025-03-04');
    await filters.getByLabel('From time').fill('23:15');
    await filters.getByLabel('To date').fill('2025-03-05');
    await filters.getByLabel('To time').fill('00:45');
    await filters.getByRole('button', { name: /Apply/ }).click();
    await page.waitForURL(/from=/);
    const params = new URL(page.url()).searchParams;
    assert.equal(params.get('from'), '2025-03-04T23:15:00.000Z');
    assert.equal(params.get('to'), '2025-03-05T00:45:00.000Z');
    assert.equal(await filters.getByLabel('From time').inputValue(), '23:15');
    assert.equal(await filters.getByLabel('To time').inputValue(), '00:45');
    assert.doesNotMatch((await filters.textContent()) ?? '', /\b[AP]M\b/);

    // A time off the 24-hour clock is refused by the field itself, before anything is applied.
    await filters.getByLabel('From time').fill('25:00');
    await filters.getByRole('button', { name: /Apply/ }).click();
    assert.equal(await filters.getByLabel('From time').evaluate((el: HTMLInputElement) => el.validity.patternMismatch), true);
    assert.equal(new URL(page.url()).searchParams.get('from'), '2025-03-04T23:15:00.000Z');
  });

  it('picks the overview’s custom range in 24-hour time', async () => {
    await page.goto(`${pulse.url}/?window=5m`);
    await page.getByRole('button', { name: 'Custom…' }).click();
    const custom = page.getByRole('form', { name: 'Custom range' });
    assert.match(await custom.getByLabel('From time').inputValue(), /^([01]\d|2[0-3]):[0-5]\d$/, 'the default start is shown on the 24-hour clock');
    await custom.getByLabel('From date').fill('2025-03-04');
    await custom.getByLabel('From time').fill('23:15');
    await custom.getByLabel('To date').fill('2025-03-05');
    await custom.getByLabel('To time').fill('01:00');
    await custom.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/from=/);
    assert.equal(new URL(page.url()).searchParams.get('from'), '2025-03-04T23:15:00.000Z');
    await page.getByRole('button', { name: 'Custom…' }).click();
    assert.equal(await page.getByRole('form', { name: 'Custom range' }).getByLabel('From time').inputValue(), '23:15');
  });

  it('marks two alerts seconds apart with two labels that name the stream, apart and inside the chart', async () => {
    assert.equal((await post('/api/streams', { name: 'Zorblax launch', query: 'zorblax' })).status, 201);
    const now = Date.now();
    const messages = Array.from({ length: 20 }, (_, i) => ({ id: `st-${i}`, ts: now - 60_000 + i * 3000, source: 'e2e', text: `zorblax is down again (${i})` }));
    assert.equal((await post('/api/ingest', messages)).status, 202);
    await until('stored messages', async () => ((await (await fetch(`${pulse.url}/api/messages?limit=100`)).json()) as { messages: unknown[] }).messages.length, (n) => n === 20);
    for (const agoMs of [40_000, 37_000]) {
      const openedAt = now - agoMs;
      await pulse.store.alerts.insert(
        alertFixture({
          id: alertId('zorblax-launch', 'sentiment', 'negative', openedAt),
          stream: 'zorblax-launch',
          openedAt: new Date(openedAt).toISOString(),
          updatedAt: new Date(openedAt + 1000).toISOString(),
          window: { from: new Date(openedAt - 30_000).toISOString(), to: new Date(openedAt).toISOString() },
        }),
      );
    }

    await page.goto(`${pulse.url}/?window=5m`);
    for (const chart of ['trend-chart', 'volume-chart']) {
      const figure = page.locator('figure', { has: page.getByTestId(chart) });
      const markers = figure.getByTestId('alert-marker');
      await until(`${chart}: markers`, () => markers.count(), (n) => n === 2);
      const boxes: Box[] = [];
      const canvas = (await figure.getByTestId(chart).boundingBox())!;
      for (const marker of await markers.all()) {
        assert.equal(await marker.textContent(), '⚠ Zorblax launch');
        assert.match((await marker.getAttribute('title')) ?? '', /^Zorblax launch: Sentiment ↓ fell, critical, at \d\d:\d\d:\d\d$/);
        const box = (await marker.boundingBox())!;
        assert.ok(inside(box, canvas), `${chart}: a label inside the chart (${JSON.stringify(box)} in ${JSON.stringify(canvas)})`);
        boxes.push(box);
      }
      assert.ok(!overlaps(boxes[0]!, boxes[1]!), `${chart}: the labels overlap: ${JSON.stringify(boxes)}`);
      assert.ok(await isReadable(markers.first()), `${chart}: the label is not cut short`);
    }
    await screenshot(page, 'alert-markers.png');
    assert.deepEqual(test.pageErrors, [], 'no errors in the pages');
  });

  it('follows the system into a dark theme and back', async () => {
    // The page of the test before: alerts on the banner, counters, charts, the feed.
    const lightness = async (selector: string, property: 'backgroundColor' | 'color') =>
      lightnessOf(await page.locator(selector).first().evaluate((el, p) => getComputedStyle(el)[p], property));
    await page.emulateMedia({ colorScheme: 'dark' });
    assert.ok((await lightness('body', 'backgroundColor')) < 0.25, 'the page is dark');
    assert.ok((await lightness('body', 'color')) > 0.8, 'its text is light');
    const card = '[aria-label="Counters for the selected window"] > div';
    assert.ok((await lightness(card, 'backgroundColor')) < 0.3, 'a card is dark');
    assert.ok((await lightness(card, 'backgroundColor')) > (await lightness('body', 'backgroundColor')), 'a card stands above the page');
    assert.ok((await lightness('[aria-label="Pages"]', 'color')) > 0.8, 'the navigation keeps light text');
    await screenshot(page, 'dark-overview.png');
    await page.emulateMedia({ colorScheme: 'light' });
    assert.ok((await lightness('body', 'backgroundColor')) > 0.9, 'light again');
    assert.deepEqual(test.pageErrors, [], 'no errors in the pages');
  });
});

/**
 * A computed colour's lightness, 0 (black) to 1 (white): Chromium reports the theme's colours as
 * `oklch(L% …)` or `lab(L …)` (L of 100) and others as `rgb(r, g, b)` (then the mean of the
 * channels is close enough).
 */
function lightnessOf(colour: string): number {
  const oklch = /^oklch\(([\d.]+)(%?)/.exec(colour);
  if (oklch) return Number(oklch[1]) / (oklch[2] ? 100 : 1);
  const lab = /^lab\(([\d.]+)/.exec(colour);
  if (lab) return Number(lab[1]) / 100;
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(colour);
  if (!rgb) throw new Error(`unexpected colour ${colour}`);
  return (Number(rgb[1]) + Number(rgb[2]) + Number(rgb[3])) / 3 / 255;
}

/** Whether the element's text fits its box (an ellipsis would mean it was cut). */
function isReadable(marker: Locator): Promise<boolean> {
  return marker.evaluate((el) => el.scrollWidth <= el.clientWidth);
}
