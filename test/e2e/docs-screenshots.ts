/**
 * `npm run docs:screenshots`: the overview pictures the README shows (docs/), taken the way a
 * newcomer meets the product: a first run with the demo on (example streams, 15 minutes of
 * history, the scripted incident), in a real browser. Not a test (CI does not run it): run it by
 * hand after a change to what the overview looks like, and commit the pictures.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { runCli } from '../../lib/cli.ts';
import { repoRoot } from '../../lib/paths.ts';
import { startBrowserTest, until } from '../support/browser.ts';

const help = `Usage: npm run docs:screenshots [-- --settle S]

Starts a first run with the demo on (in-process, fresh data dir) once per picture and saves the
overview to docs/: overview-2mps.png (demo at 2 msgs/s), overview-1000mps.png (1,000 msgs/s),
overview-dark.png (20 msgs/s, the system's dark colour scheme). Each waits until the scripted
incident's alert is on the banner, then --settle seconds more (default 20) so the trend shows it.`;

interface Shot {
  file: string;
  rate: number;
  scheme: 'light' | 'dark';
}

const shots: Shot[] = [
  { file: 'overview-2mps.png', rate: 2, scheme: 'light' },
  { file: 'overview-1000mps.png', rate: 1000, scheme: 'light' },
  { file: 'overview-dark.png', rate: 20, scheme: 'dark' },
];

async function take(shot: Shot, settleMs: number): Promise<void> {
  const started = Date.now();
  const t = await startBrowserTest({
    name: 'docs',
    env: { PULSE_DEMO: '1', PULSE_DEMO_RATE: String(shot.rate), PULSE_DEMO_INCIDENT_AFTER: '20', PULSE_DEMO_INCIDENT_EVERY: '0' },
    // Tall enough for the banner, the counters and both charts.
    page: { colorScheme: shot.scheme, viewport: { width: 1440, height: 1500 } },
  });
  try {
    const page: Page = t.page;
    await page.goto(`${t.pulse.url}/?window=5m`);
    await until('an alert on the banner', () => page.getByTestId('alert-banner').count(), (n) => n > 0, 5 * 60_000);
    await new Promise((r) => setTimeout(r, settleMs));
    const file = path.join(repoRoot, 'docs', shot.file);
    await page.screenshot({ path: file, fullPage: false });
    console.log(`${shot.file}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await t.close();
  }
}

/**
 * Each picture in a process of its own: Next's request handler keeps per-process state that a
 * second server in the same process trips over.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { help: { type: 'boolean', short: 'h', default: false }, settle: { type: 'string', default: '20' }, shot: { type: 'string' } },
  });
  if (values.help) return void console.log(help);
  const one = shots.find((s) => s.file === values.shot);
  if (one) return take(one, Number(values.settle) * 1000);
  fs.mkdirSync(path.join(repoRoot, 'docs'), { recursive: true });
  for (const shot of shots) {
    const child = spawnSync(process.execPath, [...process.execArgv, process.argv[1]!, '--shot', shot.file, '--settle', values.settle], { stdio: 'inherit' });
    if (child.status !== 0) throw new Error(`${shot.file}: the picture's process exited with ${child.status ?? child.signal}`);
  }
}

runCli(main);
