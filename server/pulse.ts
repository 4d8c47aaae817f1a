/**
 * Starts one Pulse server process: bus + store from configuration (the factories are the only
 * place that choose between embedded and distributed), the in-process classifiers when the
 * configuration asks for them, HTTP + WebSocket ingest on one port, and the demo replay.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Bus } from '../lib/bus/bus.ts';
import { createBus } from '../lib/bus/index.ts';
import type { Config } from '../lib/config.ts';
import { startDeadLetterRecorder } from '../lib/dlq-recorder.ts';
import { PulseError, isPulseError } from '../lib/errors.ts';
import { AccessControl } from '../lib/auth/access.ts';
import { Audit } from '../lib/audit.ts';
import { Topics } from '../lib/bus/topics.ts';
import { ClassifierGroup } from '../lib/classifier.ts';
import { BacklogGate, ConnectionLimiter, TokenBuckets } from '../lib/limits.ts';
import { RequestAuth } from './auth.ts';
import { takeIngestQuota } from './routes/ingest.ts';
import { guardUpgrades } from './upgrade.ts';
import { Ingestor } from '../lib/ingest.ts';
import { log } from '../lib/log.ts';
import { createMetrics, type Metrics } from '../lib/metrics.ts';
import { loadReplayRows, runReplay, type ReplayRow } from '../lib/replay.ts';
import { openStore, type Store } from '../lib/store/index.ts';
import { dashboardChannel } from '../lib/alerts/channels/dashboard.ts';
import { StreamCatalog } from '../lib/streams/catalog.ts';
import { StreamRegistry } from '../lib/streams/registry.ts';
import { startClassifierService, type ClassifierService } from '../workers/classifier-service.ts';
import { startDetectorService, type DetectorService } from '../workers/detector-service.ts';
import { createApp } from './app.ts';
import { LiveHub } from './live-hub.ts';
import { createUi, type Ui } from './ui/handler.ts';
import { WsIngest } from './ws-ingest.ts';

export interface Pulse {
  url: string;
  bus: Bus;
  store: Store;
  streams: StreamRegistry;
  metrics: Metrics;
  ingestor: Ingestor;
  close(): Promise<void>;
}

/** Used when ../shared/datasets is not beside the checkout, so a fresh clone still shows data. */
const builtinDemo: ReplayRow[] = [
  ['I absolutely love the new update, everything is faster!', 'positive'],
  ['Flight delayed three hours and nobody tells us anything. Awful.', 'negative'],
  ['The store opens at 9am on Saturdays.', 'neutral'],
  ['Best customer service I have had in years, thank you!', 'positive'],
  ['My order arrived broken and support never answered.', 'negative'],
  ['New version 2.4 is out today.', 'neutral'],
].map(([text, label]) => ({ text: text!, label: label!, source: 'builtin' }));

function demoRows(config: Config): { rows: ReplayRow[]; dataset: string } {
  try {
    return { rows: loadReplayRows(config.datasetsDir, 'tweeteval-val'), dataset: 'tweeteval-val' };
  } catch (err) {
    if (!isPulseError(err, 'DATASET_NOT_FOUND')) throw err;
    log.warn({ datasetsDir: config.datasetsDir }, 'datasets not found; the demo replays built-in examples');
    return { rows: builtinDemo, dataset: 'builtin' };
  }
}

/** A looked-up session is trusted this long: a logout elsewhere applies within it. */
const sessionCacheMs = 2_000;
/** Login attempts per address: 10 at once, then one every 5 s. */
const loginAttempts = { ratePerSecond: 0.2, burst: 10, unit: 'attempts' };

/**
 * Open mode (nobody configured) is for a first look on this machine: a server reachable from
 * elsewhere must not run it unless PULSE_INSECURE=1 says so.
 */
function checkExposure(config: Config, access: AccessControl): void {
  if (access.enforced) return;
  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(config.server.host) || config.server.host.startsWith('127.');
  if (!loopback && !config.auth.insecure) {
    throw new PulseError(
      'INSECURE_BIND',
      `refusing to serve ${config.server.host} without authentication: set PULSE_ADMIN_EMAIL and PULSE_ADMIN_PASSWORD (or run npm run admin:create), bind HOST=127.0.0.1, or set PULSE_INSECURE=1`,
    );
  }
  log.warn({ host: config.server.host }, 'authentication is OFF (open mode): anyone who reaches this server may read, ingest and reconfigure it; create an admin to turn it on');
}

export async function startPulse(config: Config): Promise<Pulse> {
  const metrics = createMetrics();
  const bus = createBus(config.bus);
  await bus.start();
  const store = await openStore(config.store);
  const access = await AccessControl.start(store, {
    pollMs: config.auth.pollMs, sessionTtlMs: config.auth.sessionTtlMs, sessionCacheMs: sessionCacheMs,
    ...(config.auth.bootstrapAdmin ? { bootstrapAdmin: config.auth.bootstrapAdmin } : {}),
  });
  try {
    checkExposure(config, access);
  } catch (err) {
    // Nothing else has started yet: leave nothing open behind the refusal.
    await access.stop();
    await store.close();
    await bus.close();
    throw err;
  }
  const streams = await StreamRegistry.start(store.streams, { pollMs: config.streams.pollMs });
  let classifiers: ClassifierService | undefined;
  if (config.classifier.embedded > 0) {
    classifiers = await startClassifierService(config, bus, store, metrics, config.classifier.embedded, streams);
  }
  const detector: DetectorService | undefined = config.detector.embedded ? startDetectorService(config, bus, store, metrics, streams) : undefined;
  const dlqRecorder = await startDeadLetterRecorder(bus, store.deadLetters);
  const auth = new RequestAuth(access, config.auth, config.alerts.publicUrl?.startsWith('https:') ?? false);
  const limits = {
    perKey: new TokenBuckets({ ratePerSecond: config.limits.ingestRatePerKey, burst: config.limits.ingestBurst, unit: 'messages' }),
    perIp: new TokenBuckets({ ratePerSecond: config.limits.ingestRatePerIp, burst: config.limits.ingestBurst, unit: 'messages' }),
    backlog: new BacklogGate(() => bus.lag(ClassifierGroup, Topics.raw), config.limits.ingestMaxBacklog),
    login: new TokenBuckets(loginAttempts),
  };
  const connections = new ConnectionLimiter(config.limits.wsConnectionsPerKey);
  const ingestor = new Ingestor(bus, metrics.ingested);
  const wsIngest = new WsIngest(ingestor, async (ctx, count) => {
    await limits.backlog.check();
    takeIngestQuota(limits, ctx, count);
  });
  const live = await LiveHub.start({ bus, store, metrics }, { messageRate: config.live.messageRate });
  const ui: Ui | undefined = config.ui === 'off'
    ? undefined
    : createUi(config.ui, () => ({ hostname: config.server.host, port: (server.address() as AddressInfo).port }));
  const server = http.createServer(
    createApp({
      bus, store, ingestor, metrics, embeddedClassifiers: config.classifier.embedded,
      streams: new StreamCatalog(store.streams),
      alertActions: { alerts: store.alerts, dashboard: dashboardChannel(bus) },
      auth, audit: new Audit(store.audit), limits,
      ...(ui ? { ui: ui.handle } : {}),
      ...(classifiers ? { model: { info: classifiers.pool.info, threads: classifiers.pool.size } } : {}),
    }),
  );
  const guarded = guardUpgrades(auth, connections);
  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/ws/ingest') guarded(req, socket, head, 'ingest', (ctx) => wsIngest.handleUpgrade(req, socket, head, ctx));
    else if (pathname === '/ws') guarded(req, socket, head, 'read', () => live.handleUpgrade(req, socket, head));
    else if (ui?.ownsUpgrade(pathname)) ui.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;

  const demo = new AbortController();
  let demoDone: Promise<unknown> = Promise.resolve();
  if (config.demo.enabled) {
    const { rows, dataset } = demoRows(config);
    demoDone = runReplay({
      rows, dataset, rate: config.demo.rate, loop: true, signal: demo.signal,
      send: (messages) => ingestor.ingest(messages.map((value) => ({ ok: true, value })), 'demo').then(() => undefined),
    });
    log.info({ dataset, rate: config.demo.rate }, 'demo replay running (PULSE_DEMO=0 turns it off)');
  }
  log.info({ url, bus: bus.kind, store: store.kind, classifiers: config.classifier.embedded }, 'pulse server listening');

  return {
    url, bus, store, streams, metrics, ingestor,
    close: async () => {
      demo.abort();
      await demoDone;
      wsIngest.close();
      await live.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await ui?.close();
      await detector?.stop();
      await classifiers?.stop();
      await streams.stop();
      await access.stop();
      await dlqRecorder.stop();
      await store.close();
      await bus.close();
    },
  };
}
