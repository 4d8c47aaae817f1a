/**
 * Starts one Pulse server process: its runtime and the stages the configuration runs in it
 * (lib/runtime.ts, the only place that decides), authentication, HTTP + WebSocket ingest and
 * the live feed on one port, and the demo replay; and stops it in order (`close`).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Bus } from '../lib/bus/bus.ts';
import type { Config } from '../lib/config.ts';
import { PulseError } from '../lib/errors.ts';
import { startDemo, type Demo } from '../lib/demo/demo.ts';
import { AccessControl } from '../lib/auth/access.ts';
import { Audit } from '../lib/audit.ts';
import { IngestAdmission } from '../lib/ingest/admission.ts';
import { Ingestor } from '../lib/ingest/ingestor.ts';
import { ConnectionLimiter, TokenBuckets } from '../lib/limits.ts';
import { RequestAuth } from './auth.ts';
import { guardUpgrades } from './upgrade.ts';
import { log } from '../lib/log.ts';
import type { Metrics } from '../lib/metrics.ts';
import { openRuntime, startInProcessStages } from '../lib/runtime.ts';
import { Deadline, Drain } from '../lib/shutdown.ts';
import type { Store } from '../lib/store/index.ts';
import { AlertNotifier } from '../lib/alerts/notifier.ts';
import { StreamBackfills, defaultBackfillTuning, type BackfillOptions } from '../lib/streams/backfill/service.ts';
import { StreamCatalog } from '../lib/streams/catalog.ts';
import { registerConfiguredModel } from '../lib/models/configured-model.ts';
import { TrainingJobs } from '../lib/training/jobs.ts';
import { channelTargetCheck } from '../lib/streams/channel-targets.ts';
import type { StreamRegistry } from '../lib/streams/registry.ts';
import { createApp } from './app.ts';
import { LiveHub } from '../lib/live/hub.ts';
import { LiveSocket } from './live-socket.ts';
import { createUi, type Ui } from './ui/handler.ts';
import { WsIngest } from './ws-ingest.ts';

export interface Pulse {
  url: string;
  bus: Bus;
  store: Store;
  streams: StreamRegistry;
  metrics: Metrics;
  ingestor: Ingestor;
  /**
   * The graceful stop, within PULSE_SHUTDOWN_GRACE_MS: ingest refuses new work (503
   * SHUTTING_DOWN, health `draining`) while what it admitted finishes; the stages finish their
   * in-flight work; then the listener, the store and the bus close. What is still queued stays
   * on the bus. Resolves when everything is closed, even if the grace ran out (that is logged).
   */
  close(): Promise<void>;
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

/** What tests set beyond the configuration. */
export interface PulseOptions {
  /** The stream backfill's waits and chunks (defaults: `defaultBackfillTuning`). */
  backfill?: Partial<typeof defaultBackfillTuning>;
}

export async function startPulse(config: Config, options: PulseOptions = {}): Promise<Pulse> {
  const runtime = await openRuntime(config);
  const { bus, store, streams, metrics } = runtime;
  const audit = new Audit(store.audit);
  let access: AccessControl | undefined;
  try {
    access = await AccessControl.start(store, audit, {
      pollMs: config.auth.pollMs, sessionTtlMs: config.auth.sessionTtlMs, sessionCacheMs: sessionCacheMs,
      ...(config.auth.bootstrapAdmin ? { bootstrapAdmin: config.auth.bootstrapAdmin } : {}),
    });
    checkExposure(config, access);
    // The registry's first model: what a rollback past the first promotion returns to.
    await registerConfiguredModel(store.models, config.model.dir);
  } catch (err) {
    // No stage has started yet: leave nothing open behind the refusal.
    await access?.stop();
    await runtime.close();
    throw err;
  }
  // With the demo on, the detector waits for a first run's history (lib/demo/seed.ts): it reads
  // a stream's past only when it first sees the stream. The demo starts once the server listens.
  let demoHistoryStored: (stored: Promise<void>) => void = () => undefined;
  const demoHistory = new Promise<void>((resolve) => (demoHistoryStored = (stored) => void stored.then(resolve)));
  const stages = await startInProcessStages(runtime, config.demo.enabled ? { detectorAfter: demoHistory } : {});
  const { classifiers } = stages;
  const auth = new RequestAuth(access, config.auth, config.alerts.publicUrl?.startsWith('https:') ?? false);
  const drain = new Drain();
  const admission = new IngestAdmission(runtime.lag, config.limits, Date.now, drain);
  const connections = new ConnectionLimiter(config.limits.wsConnectionsPerKey);
  const ingestor = new Ingestor(bus, metrics.ingested);
  const wsIngest = new WsIngest(ingestor, admission);
  const live = new LiveSocket(
    await LiveHub.start({ bus, store, metrics, lag: runtime.lag, ...(classifiers ? { classifiers } : {}) }, { messageRate: config.live.messageRate }),
  );
  // People's acknowledgements and resolutions reach the stream's channels like the detector's events.
  const notifier = new AlertNotifier({ bus, deliveries: store.deliveries, metrics, alerts: config.alerts });
  // PULSE_ALLOW_PRIVATE_WEBHOOKS: inside URLs are saved, with a warning (server/routes/streams.ts), instead of refused.
  // A stream created or changed is brought into the stored past in the background; unfinished jobs go on.
  const backfills = new StreamBackfills({ jobs: store.backfills, retag: store.retag, streams: store.streams }, {
    ...defaultBackfillTuning, ...options.backfill, now: Date.now,
    registryPollMs: config.streams.pollMs, windowMs: Math.min(24, config.store.retentionDays * 24) * 3_600_000,
  } satisfies BackfillOptions);
  await backfills.resume();
  const catalog = new StreamCatalog(store.streams, audit, {
    ...(config.alerts.allowPrivateWebhooks ? {} : { checkTargets: channelTargetCheck() }),
    onSaved: (stream, previous) => backfills.saved(stream, previous),
  });
  const channelsOf = (stream: string) => catalog.get(stream).then((s) => s.channels, () => []);
  // The API queues and cancels training jobs; the deployment's one trainer runs them (this
  // process's stages with PULSE_EMBEDDED_TRAINER, else workers/trainer.ts).
  const trainingJobs = new TrainingJobs({ jobs: store.trainingJobs, sets: store.trainingSets, audit });
  const ui: Ui | undefined = config.ui === 'off'
    ? undefined
    : createUi(config.ui, () => ({ hostname: config.server.host, port: (server.address() as AddressInfo).port }));
  const server = http.createServer(
    createApp({
      bus, store, lag: runtime.lag, ingestor, admission, drain, metrics, ...(classifiers ? { classifiers } : {}),
      streams: catalog,
      alertActions: { alerts: store.alerts, notifier, channelsOf, audit },
      audit,
      alertChannels: { bus, allowPrivate: config.alerts.allowPrivateWebhooks, publicUrl: config.alerts.publicUrl },
      modelDir: config.model.dir,
      trainingJobs,
      resolveAfterMs: config.detector.resolveAfterMs,
      drift: config.drift,
      auth, limits: { login: new TokenBuckets(loginAttempts) },
      ...(ui ? { ui: ui.handle } : {}),
      ...(classifiers ? { model: classifiers.model } : {}),
    }),
  );
  const guarded = guardUpgrades(auth, connections);
  const openLive = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    // A stopping server's live feed is closing: refused (503 SHUTTING_DOWN), the dashboard
    // reconnects to the next server.
    drain.check();
    live.handleUpgrade(req, socket, head);
  };
  server.on('upgrade', (req, socket, head) => {
    const { pathname } = new URL(req.url ?? '/', 'http://localhost');
    if (pathname === '/ws/ingest') guarded(req, socket, head, 'ingest', (ctx) => wsIngest.handleUpgrade(req, socket, head, ctx));
    else if (pathname === '/ws') guarded(req, socket, head, 'read', () => openLive(req, socket, head));
    else if (ui?.ownsUpgrade(pathname)) ui.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.server.port, config.server.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host}:${port}`;

  let demo: Demo | undefined;
  if (config.demo.enabled) {
    try {
      demo = await startDemo({
        config, streams: store.streams, catalog, registry: streams, seconds: store.signals, backlog: () => runtime.lag.backlog,
        send: (messages) => ingestor.ingest(messages.map((value) => ({ ok: true, value })), 'demo').then(() => undefined),
      });
    } finally {
      // A demo that failed to start must not keep the detector waiting.
      demoHistoryStored(demo?.historyStored ?? Promise.resolve());
    }
  }
  log.info({ url, bus: bus.kind, store: store.kind, classifiers: classifiers?.members ?? 0 }, 'pulse server listening');

  return {
    url, bus, store, streams, metrics, ingestor,
    close: async () => {
      const deadline = new Deadline(config.shutdown.graceMs);
      // 1. Stop accepting. The listener stays open until the stages have stopped, so that a
      //    late sender or a load balancer's probe gets 503 SHUTTING_DOWN / draining with
      //    Retry-After rather than a refused connection it cannot tell from a crash.
      drain.begin('the server is shutting down');
      const demoStopped = demo?.stop();
      const socketsAnswered = wsIngest.drain();
      // 2. What ingest admitted before finishes: its publish completes and it gets its 202.
      if (!(await deadline.wait(Promise.all([demoStopped, drain.idle(), socketsAnswered])))) {
        log.warn({ inFlight: drain.inFlight }, 'shutdown grace spent before in-flight ingest finished; its senders get no answer');
      }
      // 3. The stages, then the live feed, finish their in-flight batches with what is left.
      await Promise.all([stages.stop({ graceMs: deadline.left() }), backfills.stop()]);
      await notifier.drain(deadline.left());
      await deadline.stop('live feed', { stop: (options) => live.close(options) });
      // 4. The transports, then the store (chdb flushes) and the bus.
      wsIngest.close();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await ui?.close();
      await access.stop();
      await runtime.close();
    },
  };
}
