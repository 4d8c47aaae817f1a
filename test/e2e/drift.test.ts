/**
 * The drift watch in a real browser (embedded runtime, the shipped model scoring real ingest):
 * tweets give the "all messages" stream its reference and read as steady on the Models page's
 * drift panel; then a stream of words the model has never seen drifts, a model_drift alert opens
 * after the hold, the panel shows the stream drifting with a link to it, and the alert's details
 * name the measures against the reference and the unknown words. Checks run every second here
 * (PULSE_DRIFT_* shortened); the product's defaults are minutes and an hour.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { AllStreamsId } from '../../lib/contracts/api.ts';
import type { ModelDriftStatus } from '../../lib/contracts/model-drift.ts';
import { readDataset } from '../../lib/datasets.ts';
import { loadConfig } from '../../lib/config.ts';
import type { Pulse } from '../../server/pulse.ts';
import { apiClient } from '../support/api-client.ts';
import { screenshot, startBrowserTest, until, type BrowserTest } from '../support/browser.ts';

const tweets = readDataset(loadConfig().datasetsDir, 'tweeteval-val').map((t) => t.text);
/** Words no English vocabulary holds whole, deterministic. */
function gibberish(i: number): string {
  const syllables = ['blor', 'vex', 'quin', 'dral', 'zep', 'tak', 'mru', 'gof', 'xil', 'prau', 'snek', 'vo'];
  const word = (k: number) => [0, 1, 2].map((j) => syllables[(k * 7 + j * 5 + i) % syllables.length]).join('');
  return Array.from({ length: 8 }, (_, k) => word(k + i)).join(' ');
}

describe('drift watch in a real browser', { timeout: 4 * 60_000 }, () => {
  let test: BrowserTest;
  let pulse: Pulse;
  let page: Page;
  let sent = 0;
  let sender: NodeJS.Timeout | undefined;
  const { api } = apiClient(() => pulse.url);
  const drift = async () => (await api('/api/models/drift')).body as ModelDriftStatus;
  const all = (s: ModelDriftStatus) => s.streams.find((r) => r.stream === AllStreamsId);

  /** Ten messages every 500 ms, from `texts`, until the next call. */
  function send(texts: (i: number) => string): void {
    clearInterval(sender);
    sender = setInterval(() => {
      const batch = Array.from({ length: 10 }, () => ({ source: 'e2e-drift', text: texts(sent++) }));
      void api('/api/ingest', { method: 'POST', body: batch });
    }, 500);
  }

  before(async () => {
    test = await startBrowserTest({
      name: 'drift',
      env: {
        PULSE_DRIFT_CHECK_MS: '1000', PULSE_DRIFT_WINDOW_MS: '10000', PULSE_DRIFT_HOLD_MS: '3000',
        PULSE_DRIFT_REFERENCE_MESSAGES: '60', PULSE_DRIFT_MIN_MESSAGES: '20',
      },
    });
    ({ pulse, page } = test);
  });
  after(async () => {
    clearInterval(sender);
    await test?.close();
  });

  it('takes the reference from tweets and shows them steady on the Models page', async () => {
    send((i) => tweets[i % tweets.length]!);
    await until('a steady reading of all messages', drift, (s) => all(s)?.state === 'steady', 60_000);
    await page.goto(`${pulse.url}/models`);
    const row = page.getByTestId('drift-panel').getByTestId('drift-row').filter({ hasText: 'All messages' });
    await until('the panel\'s steady row', async () => (await row.getByTestId('drift-state').textContent()) ?? '', (t) => t === 'steady');
    assert.match((await row.textContent()) ?? '', /\d+ msgs, /, 'the reference is named with its messages');
  });

  it('opens a model_drift alert once unknown words held, shows the stream drifting and links to the alert\'s details', async () => {
    send(gibberish);
    const status = await until('an open drift alert on all messages', drift, (s) => all(s)?.alertId != null, 90_000);
    clearInterval(sender);
    const row = all(status)!;
    assert.equal(row.state, 'drifting');
    assert.ok(row.psi!.unknownWords > status.threshold, `unknown-word PSI ${row.psi!.unknownWords}`);
    assert.ok(row.unknownRate!.current > row.unknownRate!.reference + 0.1, `unknown rate ${JSON.stringify(row.unknownRate)}`);

    await page.reload();
    const panelRow = page.getByTestId('drift-panel').getByTestId('drift-row').filter({ hasText: 'All messages' });
    await until('the panel\'s drifting row', async () => (await panelRow.getByTestId('drift-state').textContent()) ?? '', (t) => t === 'drifting');
    await screenshot(page, 'drift-models.png');
    await panelRow.getByRole('link', { name: 'the alert' }).click();
    await page.waitForURL(/\/alerts\?alert=/);
    const linked = page.getByTestId('linked-alert');
    await linked.getByTestId('alert-drift-figures').waitFor();
    assert.match((await linked.textContent()) ?? '', /Model drift/);
    assert.match((await linked.getByTestId('alert-drift-figures').textContent()) ?? '', /unknown words \d+\.\d % against \d+\.\d % \(PSI \d+\.\d\d\)/);
    assert.match((await linked.getByRole('list', { name: 'Top terms' }).textContent()) ?? '', /blor|vex|quin|dral|zep|tak/);
    await screenshot(page, 'drift-alert.png');
  });
});
