/**
 * Clean text in a real browser (test/support/browser.ts): a message whose sender left a literal
 * `\u2019` escape, HTML entities and an escaped `<p>` in it goes in through /api/ingest; the
 * store keeps the text decoded once at ingest, with the text as received in `meta`, and the live
 * feed, the message's detail, the drill-down and its CSV export all show the readable text.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { parse } from 'csv-parse/sync';
import type { Locator, Page } from 'playwright-core';
import { OriginalTextKey } from '../../lib/ingest/normalize.ts';
import type { ScoredMessage } from '../../lib/message.ts';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

/** As the sender's JSON carries it: `\u2019` is six characters of text, not an escape of JSON's. */
const sentText = 'It\\u2019s great &amp; fast &lt;p&gt;really&lt;/p&gt;';
const readable = 'It’s great & fast really';

describe('clean text in a real browser', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;
  let stored: ScoredMessage;

  before(async () => {
    test = await startBrowserTest({ name: 'clean-text', page: { acceptDownloads: true } });
    ({ pulse, page } = test);
  });

  after(() => test?.close());

  const text = async (locator: Locator) => (await locator.textContent())?.trim() ?? '';

  it('stores the text decoded once, and the text as received in meta', async () => {
    await page.goto(`${pulse.url}/?window=5m`);
    // The feed shows what arrives once the page is live: connect before sending.
    await until('connection badge', () => text(page.getByTestId('connection')), (t) => t.startsWith('Live') && !t.includes('waiting'));
    const body = JSON.stringify([{ id: 'clean-1', source: 'e2e', text: sentText }]);
    assert.ok(body.includes('It\\\\u2019s'), 'the JSON carries an escaped backslash, so the text holds a literal \\u2019');
    const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    assert.equal(res.status, 202);
    const listed = await until(
      'stored message',
      async () => (await (await fetch(`${pulse.url}/api/messages?limit=10`)).json()) as { messages: ScoredMessage[] },
      (p) => p.messages.length === 1,
    );
    stored = listed.messages[0]!;
    assert.equal(stored.text, readable);
    assert.equal(stored.meta?.[OriginalTextKey], sentText);
  });

  it('shows the readable text in the live feed and the message detail', async () => {
    const entry = page.getByTestId('feed').locator('li').first();
    await until('feed entry', () => text(entry), (t) => t.includes(readable));
    assert.doesNotMatch(await text(entry), /&amp;|&lt;|<p>|\\u2019/);
    await entry.getByRole('button').click();
    assert.match(await text(page.getByTestId('message-detail').locator('p').first()), new RegExp(`^${readable}`));
  });

  it('shows it in the drill-down and exports it in the CSV', async () => {
    const name = stored.label[0]!.toUpperCase() + stored.label.slice(1);
    await page.getByRole('button', { name: new RegExp(`^${name}\\b.*list these messages`) }).click();
    const row = page.getByTestId('drilldown').locator('tr[data-id="clean-1"]');
    await row.waitFor();
    assert.equal(await text(row.locator('td').last()), readable);

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('drilldown').getByRole('button', { name: /Export CSV/ }).click()]);
    const [header, ...rows] = parse(fs.readFileSync((await download.path())!, 'utf8')) as string[][];
    assert.deepEqual(rows.map((r) => r[header!.indexOf('text')]), [readable]);

    await screenshot(page, 'clean-text.png');
    assert.deepEqual(test.pageErrors, [], 'no errors in the page');
  });
});
