/** `npm run build:ui` (and npm start's prestart): the dashboard's production build when it is due. */
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { buildUi, uiBuildState } from './ui/build.ts';

const help = `Usage: npm run build:ui [-- --force]

Builds the dashboard (Next.js production build in .next/) when it is missing or its sources
(app/, public/, lib/, configs, package-lock.json) changed since the last build; npm start runs
this first. --force builds regardless; without it, nothing happens when PULSE_UI is 0 or dev.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { help: { type: 'boolean', short: 'h', default: false }, force: { type: 'boolean', default: false } },
  });
  if (values.help) return void console.log(help);
  const mode = loadConfig().ui;
  if (mode !== 'production' && !values.force) return;
  const state = uiBuildState();
  if (state === 'fresh' && !values.force) return;
  console.error(`dashboard build ${state === 'fresh' ? 'forced' : state}: running next build (10–30 s on 2 cores)`);
  const started = Date.now();
  // Next has printed what went wrong; a stack trace of the wrapper would only bury it.
  await buildUi().catch((err: unknown) => {
    console.error(`error: ${(err as Error).message}`);
    process.exit(1);
  });
  console.error(`dashboard built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
}

runCli(main);
