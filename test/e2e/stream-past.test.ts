/**
 * A new stream sees the past, in a real browser (test/support/browser.ts): messages with event
 * times over the last 24 h go in through /api/ingest and are classified while no stream exists;
 * a stream created on the Streams page shows its backfill's progress and then "finished", and
 * the overview filtered on it counts the past messages, as many as the preview matched; the
 * drill-down lists them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const past = Array.from({ length: 40 }, (_, i) => ({
  id: `past-${i}`,
  source: 'e2e',
  text: i % 2 ? `The ferry was late again, trip ${i}` : `Lovely breakfast at the harbour ${i}`,
  ts: new Date(Date.now() - (i + 1) * 30 * 60_000).toISOString(),
}));
const matching = past.filter((m) => m.text.includes('ferry')).length;

describe('a new stream sees the past', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;

  before(async () => {
    test = await startBrowserTest({ name: 'stream-past' });
    ({ pulse, page } = test);
    const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(past) });
    assert.equal(res.status, 202);
    await until('stored messages', async () => ((await (await fetch(`${pulse.url}/api/messages?limit=100`)).json()) as { messages: unknown[] }).messages.length, (n) => n === past.length, 60_000);
  });

  after(() => test?.close());

  it('tags the stored messages of the last 24 h, with the progress on the Streams page', async () => {
    await page.goto(`${pulse.url}/streams?new=1`);
    const editor = page.getByTestId('stream-editor');
    await editor.getByLabel('Name', { exact: true }).fill('Ferries');
    await editor.getByLabel('Query', { exact: true }).fill('ferry');
    await until('preview', async () => (await page.getByTestId('preview-matched').textContent())?.trim(), (t) => t === String(matching));
    await editor.getByRole('button', { name: 'Create stream' }).click();
    const progress = editor.getByTestId('backfill');
    await until('backfill shown', () => progress.getAttribute('data-state'), (s) => s === 'waiting' || s === 'running' || s === 'finished');
    await until('backfill finished', () => progress.getAttribute('data-state'), (s) => s === 'finished', 60_000);
    assert.match((await progress.textContent()) ?? '', new RegExp(`^Past 24 h: ${matching} messages tagged \\(finished \\d\\d:\\d\\d\\)`));
    await screenshot(page, 'stream-past-streams.png');
  });

  it('shows the past messages on the overview filtered on the stream', async () => {
    await page.goto(`${pulse.url}/?window=24h&stream=ferries`);
    await until('total counter', async () => (await page.getByTestId('kpi-total').textContent())?.trim(), (t) => t === String(matching), 30_000);
    const listed = (await (await fetch(`${pulse.url}/api/messages?stream=ferries&limit=100`)).json()) as { messages: Array<{ id: string; label: string }> };
    assert.deepEqual(listed.messages.map((m) => m.id).sort(), past.filter((m) => m.text.includes('ferry')).map((m) => m.id).sort());
    // The drill-down of one label lists exactly the stream's past messages with that label.
    const label = listed.messages[0]!.label;
    const name = label[0]!.toUpperCase() + label.slice(1);
    await page.getByRole('button', { name: new RegExp(`^${name}\\b.*list these messages`) }).click();
    const expected = listed.messages.filter((m) => m.label === label).map((m) => m.id).sort();
    const rows = page.getByTestId('drilldown').locator('tr[data-id]');
    await until('drill-down rows', () => rows.count(), (n) => n === expected.length);
    assert.deepEqual((await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-id')))).sort(), expected);
    await screenshot(page, 'stream-past-overview.png');
    assert.deepEqual(test.pageErrors, [], 'no errors in the page');
  });
});
