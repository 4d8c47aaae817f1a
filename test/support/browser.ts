/**
 * What the browser tests share: an embedded server with the dashboard (demo off, a fresh data
 * dir, the production UI build, made first if missing or stale), Debian's chromium driven by
 * playwright-core (also on its own, for a server in a child process), pages that collect their
 * errors, polling with a clear failure, and screenshots into test/e2e/artifacts/.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContextOptions, type ConsoleMessage, type Page } from 'playwright-core';
import { loadConfig } from '../../lib/config.ts';
import { repoRoot } from '../../lib/paths.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';
import { ensureUiBuild } from '../../server/ui/build.ts';
import { waitFor } from './wait.ts';

export const artifacts = path.join(repoRoot, 'test', 'e2e', 'artifacts');

const chromiumArgs = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface BrowserTestOptions {
  /** Names the data dir (`pulse-e2e-<name>-…` under the system's temp dir). */
  name: string;
  /** Settings over the defaults (port 0, demo off, the fresh data dir, the production dashboard). */
  env?: Record<string, string>;
  /** Console errors a test causes on purpose (a 400 from a bad query's preview, a 401 from a wrong password). */
  expectedError?(message: ConsoleMessage): boolean;
  /** For the pages: e.g. `acceptDownloads` for a CSV export. */
  page?: BrowserContextOptions;
}

/** The options that concern the pages alone: console errors caused on purpose, context options. */
export type PageOptions = Pick<BrowserTestOptions, 'expectedError' | 'page'>;

/** Chromium with its pages: the part of a browser test that does not depend on where the server runs. */
export interface BrowserPages {
  browser: Browser;
  /** The first page, made with the options. */
  page: Page;
  /** Every uncaught error and unexpected console error of every page made here. */
  pageErrors: string[];
  /** Another page in a context of its own (its own cookies: another person signed in). */
  newPage(): Promise<Page>;
}

export interface BrowserTest extends BrowserPages {
  pulse: Pulse;
  close(): Promise<void>;
}

/**
 * Launches Debian's chromium and its first page; every page made here collects its errors. On
 * its own for a server this process does not hold (a child process: chdb allows one data dir per
 * process), after {@link ensureFreshUi}; `startBrowserTest` does both around an in-process server.
 */
export async function launchBrowser(options: PageOptions): Promise<BrowserPages> {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: chromiumArgs });
  const pageErrors: string[] = [];
  const newPage = async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 1100 }, deviceScaleFactor: 1, ...options.page });
    // tsx compiles the tests with esbuild's keepNames, which wraps named functions in
    // `__name(…)`; the functions given to page.evaluate run in the page, which needs it too.
    await page.addInitScript('window.__name = (f) => f');
    page.on('pageerror', (err) => pageErrors.push(err.message));
    // With the address: "Failed to load resource" alone does not say which.
    page.on('console', (msg) => msg.type() === 'error' && !options.expectedError?.(msg) && pageErrors.push(`${msg.text()} (${msg.location().url})`));
    return page;
  };
  try {
    return { browser, page: await newPage(), pageErrors, newPage };
  } catch (err) {
    await browser.close();
    throw err;
  }
}

/** Makes the production UI build if it is missing or stale, saying which and how long it took. */
export async function ensureFreshUi(): Promise<void> {
  const started = Date.now();
  const build = await ensureUiBuild();
  console.log(`UI build: ${build} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
}

/** Starts the server and the browser; on a failure part-way, closes what did start. */
export async function startBrowserTest(options: BrowserTestOptions): Promise<BrowserTest> {
  await ensureFreshUi();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `pulse-e2e-${options.name}-`));
  let pulse: Pulse | undefined;
  let pages: BrowserPages | undefined;
  const close = async () => {
    await pages?.browser.close();
    await pulse?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    pulse = await startPulse(loadConfig({ ...process.env, PORT: '0', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_UI: '1', ...options.env }));
    pages = await launchBrowser(options);
    return { ...pages, pulse, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Polls until `read` gives what `want` accepts; fails with the last value seen. */
export async function until<T>(what: string, read: () => Promise<T>, want: (v: T) => boolean, timeoutMs = 20_000): Promise<T> {
  let last: T | undefined;
  try {
    await waitFor(async () => want((last = await read())), timeoutMs, 100);
  } catch {
    assert.fail(`${what}: still ${JSON.stringify(last)} after ${timeoutMs} ms`);
  }
  return last as T;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, name), fullPage: true });
}
