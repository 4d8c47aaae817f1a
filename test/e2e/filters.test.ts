/**
 * Filters that behave (issue 15 item 4) in a real browser (test/support/browser.ts: an embedded
 * server in open mode, demo off, a fresh data dir, the production UI build). Messages from
 * "airline" and "rail", some in the stream "Acme launch", go in through /api/ingest with event
 * times. Choosing a stream changes the URL and the counters at once, without an Apply button;
 * the source field offers the stored sources; "Airline" finds what arrived as "airline" (counters,
 * drill-down, live feed); an empty result names the filter that emptied it, and its button drops
 * that filter; Clear resets both.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { ScoredMessage } from '../../lib/message.ts';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

/** airline: 8 (5 about acme), rail: 4 (2 about acme); over the last minute. */
function knownMessages(now: number): Array<{ id: string; ts: number; source: string; text: string }> {
  const about = (acme: boolean, i: number) => (acme ? `acme launch was delayed again (${i})` : `the weather is lovely today (${i})`);
  return [
    ...Array.from({ length: 8 }, (_, i) => ({ id: `air-${i}`, ts: now - 60_000 + i * 1000, source: 'airline', text: about(i < 5, i) })),
    ...Array.from({ length: 4 }, (_, i) => ({ id: `rail-${i}`, ts: now - 50_000 + i * 1000, source: 'rail', text: about(i < 2, i) })),
  ];
}

describe('filters in a real browser', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;

  before(async () => {
    // Every message reaches the live feed (the default samples 20/s).
    test = await startBrowserTest({ name: 'filters', env: { PULSE_LIVE_MESSAGE_RATE: '1000' } });
    ({ pulse, page } = test);
  });

  after(() => test?.close());

  const text = async (locator: Locator) => (await locator.textContent())?.trim() ?? '';
  const post = (pathname: string, body: unknown) =>
    fetch(`${pulse.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const stored = async () => ((await (await fetch(`${pulse.url}/api/messages?limit=100`)).json()) as { messages: ScoredMessage[] }).messages;
  const total = () => text(page.getByTestId('kpi-total'));
  const filters = () => page.getByRole('group', { name: 'Filters' });
  const params = () => new URL(page.url()).searchParams;

  it('applies a chosen stream at once: URL and counters, no Apply button', async () => {
    assert.equal((await post('/api/streams', { name: 'Acme launch', query: 'acme' })).status, 201);
    // The classifier tags what it classifies once its registry has the stream.
    await until('the stream in the registry', async () => pulse.streams.streams.some((s) => s.id === 'acme-launch'), Boolean);
    assert.equal((await post('/api/ingest', knownMessages(Date.now()))).status, 202);
    await until('stored messages', async () => (await stored()).length, (n) => n === 12);

    await page.goto(`${pulse.url}/?window=5m`);
    await until('all messages counted', total, (t) => t === '12');
    assert.equal(await filters().getByRole('button', { name: 'Apply' }).count(), 0, 'nothing waits for an Apply');
    await filters().getByLabel('Stream').selectOption({ label: 'Acme launch' });
    await page.waitForURL(/stream=acme-launch/);
    await until('the stream’s messages counted', total, (t) => t === '7');
  });

  it('offers the stored sources of the stream, most messages first', async () => {
    const options = filters().getByTestId('source-options').locator('option');
    await until('source suggestions', () => options.evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value)), (v) => v.join() === 'airline,rail');
    assert.deepEqual(await options.allTextContents(), ['5 messages', '2 messages']);
  });

  it('applies a picked suggestion at once', async () => {
    // What Chromium sends when a datalist option is picked: one input event replacing the text.
    await filters().getByLabel('Source').evaluate((input: HTMLInputElement) => {
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!.call(input, 'rail');
      input.dispatchEvent(new InputEvent('input', { bubbles: true, inputType: 'insertReplacementText', data: 'rail' }));
    });
    await page.waitForURL(/source=rail/);
    await until('rail in the stream', total, (t) => t === '2');
  });

  it('finds “airline” when “Airline” is typed: counters, drill-down and live feed', async () => {
    const source = filters().getByLabel('Source');
    await source.fill('Airline');
    assert.equal(params().get('source'), 'rail', 'typing alone applies nothing');
    await source.press('Enter');
    await page.waitForURL(/source=Airline/);
    await until('airline in the stream', total, (t) => t === '5');
    assert.equal(params().get('stream'), 'acme-launch');

    // The drill-down of the window's biggest label lists only airline's messages of the stream.
    const ours = (await stored()).filter((m) => m.source === 'airline' && m.streams.includes('acme-launch'));
    const labels = ['negative', 'neutral', 'positive'] as const;
    const biggest = labels.reduce((a, b) => (ours.filter((m) => m.label === b).length > ours.filter((m) => m.label === a).length ? b : a));
    const name = biggest[0]!.toUpperCase() + biggest.slice(1);
    await page.getByRole('button', { name: new RegExp(`^${name}\\b.*list these messages`) }).click();
    const rows = page.getByTestId('drilldown').locator('tbody tr');
    const want = ours.filter((m) => m.label === biggest).map((m) => m.id).sort();
    await until('drill-down rows', async () => (await rows.evaluateAll((rs) => rs.map((r) => r.getAttribute('data-id')))).sort().join(), (ids) => ids === want.join());

    // Live: a new message from "AIRLINE" reaches the feed; one from rail does not.
    const feed = page.getByTestId('feed').locator('li');
    const now = Date.now();
    assert.equal((await post('/api/ingest', [
      { id: 'live-rail', ts: now - 500, source: 'rail', text: 'acme launch from the train' },
      { id: 'live-air', ts: now, source: 'AIRLINE', text: 'acme launch from the plane' },
    ])).status, 202);
    await until('the new airline message in the feed', () => feed.allTextContents(), (t) => t.some((s) => s.includes('from the plane')));
    await until('counted live', total, (t) => t === '6');
    assert.ok((await feed.allTextContents()).every((s) => !s.includes('from the train')), 'rail stays out of the feed');
  });

  it('names the filter that emptied the window, and drops it in one click', async () => {
    const source = filters().getByLabel('Source');
    await source.fill('Bus');
    await source.blur();
    await page.waitForURL(/source=Bus/);
    const notice = page.getByRole('status').filter({ has: page.getByTestId('empty-notice') });
    await notice.getByText('No messages from source “Bus” in stream “Acme launch” in the last 5 minutes').waitFor();
    // 7 stored in the stream before, plus the two live ones.
    await until('the count without the source filter', () => text(notice.getByTestId('empty-notice')), (t) => t.startsWith('9 messages match without the source filter.'));
    assert.match(await text(notice), /None match without the stream filter\./);
    assert.doesNotMatch(await text(notice), /replay/);
    assert.doesNotMatch(await text(page.getByRole('region', { name: 'Live feed' })), /replay/, 'the feed does not ask about the replay either');
    await screenshot(page, 'filters-empty.png');

    await notice.getByRole('button', { name: 'Drop the source filter' }).click();
    await until('source filter dropped', async () => params().get('source'), (s) => s === null);
    assert.equal(params().get('stream'), 'acme-launch');
    await until('the stream’s messages counted again', total, (t) => t === '9');
    assert.equal(await source.inputValue(), '', 'the field follows the URL');
  });

  it('clears both filters with Clear', async () => {
    const source = filters().getByLabel('Source');
    await source.fill('airline');
    await source.press('Enter');
    await page.waitForURL(/source=airline/);
    await filters().getByRole('button', { name: 'Clear' }).click();
    await until('no filters in the URL', async () => [...params().keys()].join(), (keys) => keys === 'window');
    await until('every message counted', total, (t) => t === '14');
    assert.equal(await filters().getByLabel('Stream').inputValue(), '');
    assert.equal(await source.inputValue(), '');
    assert.deepEqual(test.pageErrors, [], 'no errors in the page');
  });
});
