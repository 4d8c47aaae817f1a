/** `npm start`: the Pulse server (and, in the embedded runtime, everything else in-process). */
import { parseArgs } from 'node:util';
import { runCli } from '../lib/cli.ts';
import { loadConfig } from '../lib/config.ts';
import { exitOnStopSignals } from '../lib/shutdown.ts';
import { startPulse } from './pulse.ts';

const help = `Usage: npm start [-- --help]

Runs the Pulse server on HOST:PORT (default 127.0.0.1:3000): the dashboard (/, built first
by npm start's prestart when missing or stale; PULSE_UI=0 serves the API only, PULSE_UI=dev
the Next dev server; pages /, /streams, /alerts), ingest (POST /api/ingest, WS /ws/ingest),
the live feed (WS /ws), the read API (/api/stats, /api/messages, /api/dlq, /api/health),
keyword streams (/api/streams, /api/streams/preview), alerts (/api/alerts) and /metrics.

Embedded runtime (default, nothing to install): in-process bus, embedded ClickHouse (chdb)
under PULSE_DATA_DIR (default ./data), classifiers and the anomaly detector in this process,
and a demo replay of real labelled tweets (PULSE_DEMO=0 turns it off, PULSE_DEMO_RATE sets
msgs/s: three quarters TweetEval, a quarter airline support tweets). A store's first run with the
demo gets three example keyword streams (removable in one click on the Streams page) and 15
minutes of history, and a scripted incident, a negative storm in the "United Airlines" example,
comes PULSE_DEMO_INCIDENT_AFTER seconds after the start (90; 0: none), then every
PULSE_DEMO_INCIDENT_EVERY seconds (600; 0: once).

The in-process classifier members follow the lag: one more when it stays above PULSE_SCALE_LAG
(1000) for PULSE_SCALE_UP_AFTER_MS, one fewer after PULSE_SCALE_COOLDOWN_MS at or under it,
between PULSE_EMBEDDED_CLASSIFIERS and PULSE_EMBEDDED_CLASSIFIERS_MAX (PULSE_SCALE=0: a fixed
set). Distributed runtime: set KAFKA_BROKERS and CLICKHOUSE_URL; classifiers then run as
separate processes (npm run worker:classifier, or npm run workers -- --autoscale to follow the
lag on one host, or KEDA: deploy/), and the detector as one process (npm run worker:detector).

SIGTERM / SIGINT stop it gracefully within PULSE_SHUTDOWN_GRACE_MS (ingest answers 503
SHUTTING_DOWN meanwhile; in-flight work finishes; what is queued is processed after the next
start); a second signal exits at once.

All settings are environment variables: see README.md → Configuration.`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h', default: false } } });
  if (values.help) return void console.log(help);
  const pulse = await startPulse(loadConfig());
  console.log(`Pulse is running at ${pulse.url}  (API: ${pulse.url}/api/stats, health: ${pulse.url}/api/health)`);
  exitOnStopSignals('pulse server', () => pulse.close());
}

runCli(main);
