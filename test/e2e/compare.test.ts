/**
 * Share of voice and the period comparison in a real browser (test/support/browser.ts: an
 * embedded server in open mode, demo off, a fresh data dir, the production UI build). Two
 * streams are created through the API and messages ingested with event times in the current
 * and the previous 5 minutes: /compare names both in the chart's legend and gives their shares
 * in the table, a row opens the overview on its stream, the overview's KPI cards show their
 * changes against the previous 5 minutes, and a filtered Throughput card shows the stream's own
 * rate rather than the server's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { ShareResponse } from '../../lib/contracts/api.ts';
import type { Pulse } from '../../server/pulse.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

describe('share of voice and the previous period', { timeout: 5 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;

  before(async () => {
    test = await startBrowserTest({ name: 'compare', page: { timezoneId: 'UTC' } });
    ({ pulse, page } = test);
    const post = (pathname: string, body: unknown) =>
      fetch(`${pulse.url}${pathname}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    for (const [id, name] of [['acme', 'Acme'], ['globex', 'Globex']]) {
      assert.equal((await post('/api/streams', { id, name, query: id })).status, 201);
    }
    // Now: acme 6, globex 2 (shares 75 % and 25 %); the 5 minutes before: 2 each. Times leave
    // a minute's margin on both sides, so the periods hold them while the test runs.
    const now = Date.now();
    let n = 0;
    const messages = (stream: string, times: number[]) =>
      times.map((agoMs) => ({ id: `cmp-${++n}`, ts: now - agoMs, source: 'e2e', text: `${stream} customer service was great today, thanks (${n})` }));
    const batch = [
      ...messages('acme', [150_000, 120_000, 90_000, 60_000, 30_000, 10_000]),
      ...messages('globex', [140_000, 40_000]),
      ...messages('acme', [450_000, 400_000]),
      ...messages('globex', [430_000, 340_000]),
    ];
    assert.equal((await post('/api/ingest', batch)).status, 202);
    const share = async () => {
      const res = await fetch(`${pulse.url}/api/share?streams=acme,globex&from=${now - 300_000}&to=${now}`);
      return ((await res.json()) as ShareResponse).streams.map((s) => [s.totals.count, s.previous.count]);
    };
    await until('stored messages', share, (counts) => JSON.stringify(counts) === JSON.stringify([[6, 2], [2, 2]]));
  });

  after(() => test?.close());

  it('shows both streams in the chart’s legend and their shares of voice in the table', async () => {
    await page.goto(`${pulse.url}/?window=5m`);
    await page.getByTestId('compare-link').click();
    await page.waitForURL(/\/compare\?window=5m/);
    const legend = page.getByTestId('compare-legend');
    await until('legend', async () => (await legend.textContent()) ?? '', (text) => text.includes('Acme') && text.includes('Globex'));
    const table = page.getByTestId('share-table');
    const rows = table.locator('tbody tr');
    await until('rows', () => rows.count(), (count) => count === 2);
    assert.deepEqual(await table.getByTestId('share-of-voice').allTextContents(), ['75.0 %', '25.0 %']);
    const acme = rows.filter({ hasText: 'Acme' });
    assert.match((await acme.textContent()) ?? '', /▲ 200 %/, 'acme: 6 messages against 2 the 5 minutes before');
    assert.match((await rows.filter({ hasText: 'Globex' }).textContent()) ?? '', /= 0 %/);
    await page.getByTestId('compare-chart').waitFor();
    await screenshot(page, 'compare.png');

    // The mean score instead of the volume, and one stream less: both in the URL.
    await page.getByRole('button', { name: 'Mean score' }).click();
    await page.waitForURL(/show=score/);
    assert.equal(await page.getByRole('button', { name: 'Mean score' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('checkbox', { name: 'Globex' }).uncheck();
    await page.waitForURL(/streams=acme(&|$)/);
    await until('one row', () => rows.count(), (count) => count === 1);
    assert.deepEqual(await table.getByTestId('share-of-voice').allTextContents(), ['100.0 %']);
    // Every box unticked is nothing to compare, not every stream.
    await page.getByRole('checkbox', { name: 'Acme' }).uncheck();
    await page.getByText('No stream chosen').waitFor();
    await page.getByRole('checkbox', { name: 'Acme' }).check();
    await until('acme again', () => rows.count(), (count) => count === 1);

    // A row (here its count, not the name's link) opens the overview on its stream, same window.
    await rows.first().locator('td').nth(1).click();
    await page.waitForURL((url) => url.pathname === '/' && url.searchParams.get('stream') === 'acme' && url.searchParams.get('window') === '5m');
  });

  it('shows each KPI card’s change against the previous 5 minutes', async () => {
    await page.goto(`${pulse.url}/?window=5m`);
    const delta = (id: string) => until(`${id} delta`, async () => (await page.getByTestId(`${id}-delta`).textContent()) ?? '', (t) => t.length > 0);
    // 8 messages now, 4 before.
    await until('total', async () => (await page.getByTestId('kpi-total').textContent()) ?? '', (t) => t === '8');
    assert.equal(await delta('kpi-total'), '▲ 100 % vs previous 5 min');
    for (const label of ['negative', 'neutral', 'positive']) {
      assert.match(await delta(`kpi-${label}`), /^(= 0\.0 pp|[▲▼] \d+\.\d pp) vs previous 5 min( · (better|worse))?$/, label);
    }
    assert.match(await delta('kpi-mean'), /^(= ±0\.00|▲ \+\d\.\d\d|▼ −\d\.\d\d) vs previous 5 min( · (better|worse))?$/);

    await page.goto(`${pulse.url}/?window=5m&stream=acme`);
    await until('acme total', async () => (await page.getByTestId('kpi-total').textContent()) ?? '', (t) => t === '6');
    assert.equal(await delta('kpi-total'), '▲ 200 % vs previous 5 min');
    assert.equal(await page.getByTestId('compare-link').count(), 0, 'no comparison link on one stream');
  });

  it('shows the filtered view’s own throughput, not the server’s', async () => {
    await page.goto(`${pulse.url}/?window=5m`);
    const card = page.locator('div', { has: page.getByTestId('kpi-throughput') }).last();
    await page.getByTestId('kpi-throughput').waitFor();
    assert.equal(await card.locator('dt').textContent(), 'Throughput');
    const global = (await page.getByTestId('kpi-throughput').textContent()) ?? '';

    // Three acme messages from the last few seconds (with the setup's last ones, up to 5 in the last 30-odd seconds).
    const now = Date.now();
    const fresh = [1_000, 2_000, 3_000].map((agoMs, i) => ({ id: `fresh-${i}`, ts: now - agoMs, source: 'e2e', text: `acme fresh news (${i})` }));
    const res = await fetch(`${pulse.url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(fresh) });
    assert.equal(res.status, 202);
    await page.goto(`${pulse.url}/?window=5m&stream=acme`);
    await until('acme total', async () => (await page.getByTestId('kpi-total').textContent()) ?? '', (t) => t === '9');
    assert.equal(await card.locator('dt').textContent(), 'Throughput, filtered (last 30 s)');
    const filtered = (await page.getByTestId('kpi-throughput').textContent()) ?? '';
    assert.match(filtered, /^0\.[1-2]\/s$/, 'the stream’s messages of the last 30 s per second');
    assert.notEqual(filtered, global, 'the server’s rate is whole messages per second');
    await screenshot(page, 'compare-overview-kpis.png');
    assert.deepEqual(test.pageErrors, [], 'no errors in the pages');
  });
});
