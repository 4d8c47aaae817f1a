/**
 * What a newcomer sees on a first `npm start` with the demo on, in a real browser: the example
 * streams listed with their badge, the scripted incident's alert on the overview's banner naming
 * the example stream, the Alerts page explaining it (top terms, example messages), the stream's
 * trend reacting, and "Remove examples" taking the examples away in one click. The demo's
 * settings compress the timing: the incident 15 s after the start (once), at half the demo rate
 * so the first run's history (15 minutes of it) is classified sooner. In-process server, fresh
 * data dir.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { Alert } from '../../lib/alerts/alert.ts';
import { exampleStreams, incidentStreamId } from '../../lib/demo/examples.ts';
import type { PublicStream } from '../../lib/streams/stream.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const incidentName = exampleStreams.find((s) => s.id === incidentStreamId)!.name;

describe('first run with the demo on', { timeout: 4 * 60_000 }, () => {
  let t: BrowserTest;
  let page: Page;
  let started: number;

  before(async () => {
    started = Date.now();
    t = await startBrowserTest({
      name: 'first-run',
      env: { PULSE_DEMO: '1', PULSE_DEMO_RATE: '10', PULSE_DEMO_INCIDENT_AFTER: '15', PULSE_DEMO_INCIDENT_EVERY: '0' },
    });
    page = t.page;
  });

  after(async () => {
    await t?.close();
  });

  const api = async <T,>(path: string): Promise<T> => {
    const res = await fetch(`${t.pulse.url}${path}`);
    assert.equal(res.status, 200, `${path}: ${res.status}`);
    return (await res.json()) as T;
  };
  const incidentAlerts = () => api<{ alerts: Alert[] }>(`/api/alerts?stream=${incidentStreamId}`).then((b) => b.alerts);

  it('lists the example streams with their badge', async () => {
    await page.goto(`${t.pulse.url}/streams`);
    const rows = page.getByTestId('streams').locator('tbody tr');
    await until('example rows', () => rows.count(), (n) => n === exampleStreams.length);
    for (const example of exampleStreams) {
      const row = page.locator(`tr[data-stream-id="${example.id}"]`);
      assert.equal(await row.getByTestId('example-badge').textContent(), 'Example');
      assert.ok((await row.textContent())?.includes(example.name));
    }
    await screenshot(page, 'first-run-streams.png');
    const stored = (await api<{ streams: PublicStream[] }>('/api/streams')).streams;
    assert.deepEqual(stored.map((s) => [s.id, s.example]).sort(), exampleStreams.map((s) => [s.id, true]).sort());
  });

  it('puts the incident’s alert on the banner, naming the example stream, within two minutes', async () => {
    await page.goto(`${t.pulse.url}/`);
    const banner = page.getByTestId('alert-banner');
    await banner.getByText(incidentName).first().waitFor({ timeout: 150_000 });
    console.log(`# first alert of ${incidentName} on the banner ${((Date.now() - started) / 1000).toFixed(0)} s after the server's start`);
    // The storm is negative: its negative surge or sentiment drop follows the volume spike.
    const negative = await until('a negative alert', incidentAlerts, (alerts) => alerts.some((a) => a.direction === 'negative'), 60_000);
    const alert = negative.find((a) => a.direction === 'negative')!;
    await banner.locator(`li[data-alert-id="${alert.id}"]`).waitFor();
    await screenshot(page, 'first-run-banner.png');
  });

  it('explains it on the Alerts page: top terms and example messages', async () => {
    const alert = (await incidentAlerts()).find((a) => a.direction === 'negative')!;
    assert.ok(alert.topTerms.length > 0, 'top terms');
    assert.ok(alert.examples.length > 0, 'examples');
    await page.goto(`${t.pulse.url}/alerts?stream=${incidentStreamId}`);
    const row = page.locator(`tbody[data-alert-id="${alert.id}"]`);
    await row.waitFor();
    assert.ok((await row.textContent())?.includes(incidentName));
    await row.getByRole('button', { name: 'Details' }).click();
    const details = row.getByTestId('alert-details');
    await details.getByRole('list', { name: 'Top terms' }).waitFor();
    assert.ok((await details.getByRole('region', { name: 'Example messages' }).locator('li').count()) > 0);
    await screenshot(page, 'first-run-alert.png');
  });

  it('shows the stream’s trend reacting: the storm’s seconds far above its usual volume, and more negative', async () => {
    const to = new Date();
    const points = await t.pulse.store.stats.buckets({ stream: incidentStreamId, bucket: '10s', from: new Date(to.getTime() - 10 * 60_000), to });
    const counts = points.map((p) => p.count).sort((a, b) => a - b);
    const usual = counts[Math.floor(counts.length / 2)]!;
    const peak = points.reduce((max, p) => (p.count > max.count ? p : max));
    assert.ok(peak.count >= 3 * usual, `peak ${peak.count} against usual ${usual} per 10 s`);
    const share = (p: { negative: number; count: number }) => p.negative / p.count;
    const all = points.reduce((sum, p) => ({ negative: sum.negative + p.negative, count: sum.count + p.count }), { negative: 0, count: 0 });
    assert.ok(share(peak) > share(all), `negative share ${share(peak).toFixed(2)} at the peak against ${share(all).toFixed(2)} overall`);
  });

  it('removes the examples in one click', async () => {
    await page.goto(`${t.pulse.url}/streams`);
    await page.getByRole('button', { name: /^Remove examples/ }).click();
    await page.getByText('No streams yet').waitFor();
    await page.getByText(/^Removed 3 example streams/).waitFor();
    assert.deepEqual((await api<{ streams: PublicStream[] }>('/api/streams')).streams, []);
    assert.deepEqual(t.pageErrors, [], 'no errors in the pages');
  });
});
