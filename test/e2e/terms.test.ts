/**
 * The overview's top terms in a real browser (test/support/browser.ts): messages with event
 * times in the last minutes go in through /api/ingest and the model; the panel lists the terms
 * with their sentiment split (the segments add up to the count), hashtags and mentions on tabs
 * of their own, and a click on a term lists the messages holding it in the drill-down.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Locator, Page } from 'playwright-core';
import type { TermsResponse } from '../../lib/contracts/api.ts';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const now = Date.now();
const texts = [
  'Flight delayed again, #fail @skyair',
  'Delayed for three hours and nobody tells us anything #fail',
  'Our flight is delayed but the crew is lovely @skyair',
  'So delayed. So tired. #fail #travel',
  'Lovely crew, smooth landing @skyair #travel',
  'Lost my luggage, customer service never answers @skyair',
];
const messages = texts.map((text, i) => ({ id: `terms-${i}`, ts: now - 10 * 60_000 + i * 60_000, source: 'e2e', text }));

describe('top terms in a real browser', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;
  let panel: Locator;

  before(async () => {
    test = await startBrowserTest({ name: 'terms' });
    ({ pulse, page } = test);
    panel = page.getByTestId('terms-panel');
  });

  after(() => test?.close());

  const text = async (locator: Locator) => (await locator.textContent())?.trim() ?? '';
  const row = (term: string) => panel.locator(`tr[data-term="${term}"]`);

  it('lists the terms of the window with their sentiment split', async () => {
    const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(messages) });
    assert.equal(res.status, 202);
    const api = await until(
      'terms counted',
      async () => (await (await fetch(`${pulse.url}/api/terms?from=${now - 3_600_000}&to=${now + 60_000}`)).json()) as TermsResponse,
      (t) => t.messages === messages.length,
      60_000,
    );
    const delayed = api.terms.find((t) => t.term === 'delayed')!;
    assert.equal(delayed.count, 4);

    await page.goto(`${pulse.url}/?window=1h`);
    await row('delayed').waitFor();
    assert.equal(await text(row('delayed').locator('td').nth(2)), '4');
    // The bar's segments are the labels the model gave these four messages.
    const segments = row('delayed').locator('[data-label]');
    const shown = await segments.evaluateAll((spans) => spans.map((s) => s.getAttribute('data-label')));
    assert.deepEqual(shown, (['negative', 'neutral', 'positive'] as const).filter((l) => delayed[l] > 0));
    assert.match(await text(row('delayed').locator('.sr-only')), new RegExp(`^${delayed.negative} negative, ${delayed.neutral} neutral, ${delayed.positive} positive$`));
    // Lift: the hour before holds nothing, so there is none to show.
    assert.equal(await text(row('delayed').getByTestId('lift')), '–');
    // Hashtags and mentions are not among the words.
    assert.equal(await row('#fail').count(), 0);
    assert.equal(await row('@skyair').count(), 0);
  });

  it('shows hashtags and mentions on tabs of their own', async () => {
    await panel.getByRole('tab', { name: 'Hashtags' }).click();
    await row('#fail').waitFor();
    assert.deepEqual(await panel.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-term'))), ['#fail', '#travel']);
    assert.equal(await text(row('#fail').locator('td').nth(2)), '3');
    await panel.getByRole('tab', { name: 'Mentions' }).click();
    await row('@skyair').waitFor();
    assert.equal(await text(row('@skyair').locator('td').nth(2)), '4');
    assert.equal(await row('delayed').count(), 0);
  });

  it('lists the messages holding a term when it is clicked', async () => {
    await panel.getByRole('tab', { name: 'Terms' }).click();
    await row('delayed').getByRole('button', { name: 'delayed' }).click();
    const drill = page.getByTestId('drilldown');
    await until('drill-down count', () => text(drill.getByTestId('drilldown-count')), (t) => t === '4 messages, all shown');
    assert.match(await text(drill.locator('h2')), /“delayed”/);
    const listed = await drill.locator('tbody tr td:last-child').allTextContents();
    assert.equal(listed.length, 4);
    for (const t of listed) assert.match(t, /delayed/i);
    assert.equal(await drill.getByRole('searchbox').inputValue(), 'delayed');

    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'terms-panel.png');
    assert.deepEqual(test.pageErrors, [], 'no errors in the page');
  });
});
