/**
 * The HTTP side of the server: REST routes and `/metrics`. Each route is one small module;
 * this file maps method + path to them, checks what each one needs (server/auth.ts) before it
 * runs, and turns every failure into the JSON error shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AlertActionDeps } from '../lib/alerts/actions.ts';
import type { ChannelDeps } from '../lib/alerts/channels/index.ts';
import type { Audit } from '../lib/audit.ts';
import type { DriftConfig } from '../lib/config.ts';
import { PulseError } from '../lib/errors.ts';
import type { IngestAdmission } from '../lib/ingest/admission.ts';
import type { Ingestor } from '../lib/ingest/ingestor.ts';
import type { TokenBuckets } from '../lib/limits.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { Store } from '../lib/store/index.ts';
import type { StreamCatalog } from '../lib/streams/catalog.ts';
import type { TrainingJobs } from '../lib/training/jobs.ts';
import type { Need, RequestAuth } from './auth.ts';
import { sendError, sendJson } from './respond.ts';
import type { Call, Route } from './route.ts';
import { adminRoutes } from './routes/admin.ts';
import { alertRoutes } from './routes/alerts.ts';
import { authRoutes } from './routes/auth.ts';
import { healthRoute, type HealthRouteDeps } from './routes/health.ts';
import { ingestRoute } from './routes/ingest.ts';
import { currentModelRoute, modelRoutes } from './routes/models.ts';
import { modelDriftRoute } from './routes/model-drift.ts';
import { modelPromotionRoutes } from './routes/model-promotion.ts';
import { labelRoutes } from './routes/labels.ts';
import { deadLettersRoute, messagesRoute, sourcesRoute, statsRoute } from './routes/read.ts';
import { shareRoute } from './routes/share.ts';
import { streamRoutes } from './routes/streams.ts';
import { termsRoute } from './routes/terms.ts';
import { trainingSetRoutes } from './routes/training-sets.ts';

export interface AppDeps extends HealthRouteDeps {
  store: Store;
  ingestor: Ingestor;
  /** Backlog gate and quotas, checked before anything is ingested. */
  admission: IngestAdmission;
  metrics: Metrics;
  streams: StreamCatalog;
  /** Acknowledge and resolve, delivered to the dashboard and the stream's channels. */
  alertActions: AlertActionDeps;
  /** The audit log's writer, for what routes record themselves (people's labels). */
  audit: Pick<Audit, 'recordEach'>;
  /** What a "send test" to a stream's channel needs (webhook reach, the link's address). */
  alertChannels: ChannelDeps;
  /** The configured model folder (MODEL_DIR): what `GET /api/models/current` describes. */
  modelDir: string;
  /** Training jobs: one at a time, each in its own process (lib/training/jobs.ts). */
  trainingJobs: TrainingJobs;
  /** The deployment's default resolve hold: the preview's backtest resolves as the live detector does. */
  resolveAfterMs: number;
  /** The drift watch's settings, which its status reports with its readings. */
  drift: DriftConfig;
  auth: RequestAuth;
  limits: { login: TokenBuckets };
  /** The dashboard (server/ui/): answers every path outside {@link serverPaths}, `/` included. */
  ui?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Paths the server answers itself, so a typo under them is a JSON 404, not a dashboard page. */
const serverPaths = /^\/(api|metrics|ws)(\/|$)/;

/** Every route, with what it needs: the table the role tests walk through. */
export function routeTable(deps: AppDeps): Route[] {
  // The store is handed over, not its repositories: the table can be listed without one.
  const streams = streamRoutes(deps.streams, deps.store, deps.alertChannels, deps.resolveAfterMs);
  const alerts = alertRoutes(deps.store, deps.alertActions);
  const auth = authRoutes(deps.auth, deps.limits.login);
  const admin = adminRoutes(deps.auth.access, deps.store);
  const trainingSets = trainingSetRoutes(deps.store);
  const labels = labelRoutes(deps.store, deps.audit);
  const models = modelRoutes(() => ({ jobs: deps.trainingJobs, models: deps.store.models }), deps.modelDir);
  const promotion = modelPromotionRoutes(deps.store, deps.modelDir);
  const route = (method: string, path: string, need: Need, run: (c: Call) => Promise<void>): Route => ({ method, path, need, run });
  const routes: Route[] = [
    route('POST', '/api/ingest', 'ingest', (c) => ingestRoute(deps.ingestor, deps.admission, c)),
    route('GET', '/api/stats', 'read', (c) => statsRoute(deps.store.stats, c.url.searchParams, c.res)),
    route('GET', '/api/messages', 'read', (c) => messagesRoute(deps.store.messages, c.url.searchParams, c.res)),
    route('POST', '/api/messages/labels', 'edit', labels.labelMany),
    route('GET', '/api/messages/:id', 'read', labels.get),
    route('POST', '/api/messages/:id/label', 'edit', labels.label),
    route('GET', '/api/labels/agreement', 'read', labels.agreement),
    route('GET', '/api/sources', 'read', (c) => sourcesRoute(deps.store.sources, c.url.searchParams, c.res)),
    route('GET', '/api/share', 'read', (c) => shareRoute(deps.store.share, deps.streams, c.url.searchParams, c.res)),
    route('GET', '/api/terms', 'read', (c) => termsRoute(deps.store.terms, c.url.searchParams, c.res)),
    route('GET', '/api/dlq', 'read', (c) => deadLettersRoute(deps.store.deadLetters, c.url.searchParams, c.res)),
    route('GET', '/api/streams', 'read', streams.list),
    route('POST', '/api/streams', 'edit', streams.create),
    route('DELETE', '/api/streams', 'edit', streams.removeExamples),
    route('POST', '/api/streams/preview', 'read', streams.preview),
    route('GET', '/api/streams/:id', 'read', streams.get),
    route('PUT', '/api/streams/:id', 'edit', streams.update),
    route('DELETE', '/api/streams/:id', 'edit', streams.remove),
    route('GET', '/api/streams/:id/versions', 'read', streams.versions),
    route('POST', '/api/streams/:id/test-channel', 'admin', streams.testChannel),
    route('GET', '/api/alerts', 'read', alerts.list),
    route('GET', '/api/alerts/:id', 'read', alerts.get),
    route('POST', '/api/alerts/:id/acknowledge', 'edit', alerts.acknowledge),
    route('POST', '/api/alerts/:id/resolve', 'edit', alerts.resolve),
    route('POST', '/api/auth/login', 'public', auth.login),
    route('POST', '/api/auth/logout', 'public', auth.logout),
    route('GET', '/api/auth/me', 'public', auth.me),
    route('PUT', '/api/auth/password', 'person', auth.password),
    route('GET', '/api/models/current', 'read', (c) => currentModelRoute(deps.store.models, deps.modelDir, c)),
    route('GET', '/api/models', 'read', models.list),
    route('GET', '/api/models/drift', 'read', (c) => modelDriftRoute(deps.store, deps.streams, deps.drift, deps.modelDir, c)),
    route('POST', '/api/models/train', 'edit', models.train),
    route('GET', '/api/models/jobs', 'read', models.jobs),
    route('GET', '/api/models/jobs/:id', 'read', models.job),
    route('POST', '/api/models/jobs/:id/cancel', 'edit', models.cancel),
    route('GET', '/api/models/champions', 'read', promotion.history),
    route('POST', '/api/models/rollback', 'admin', promotion.rollback),
    route('POST', '/api/models/:version/promote', 'admin', promotion.promote),
    route('GET', '/api/models/:version/shadow', 'read', promotion.shadow),
    route('POST', '/api/models/:version/shadow', 'admin', promotion.startShadow),
    route('DELETE', '/api/models/:version/shadow', 'admin', promotion.stopShadow),
    route('GET', '/api/training-sets', 'read', trainingSets.list),
    route('POST', '/api/training-sets', 'edit', trainingSets.upload),
    route('GET', '/api/training-sets/:id', 'read', trainingSets.get),
    route('DELETE', '/api/training-sets/:id', 'edit', trainingSets.remove),
    route('GET', '/api/keys', 'admin', admin.listKeys),
    route('POST', '/api/keys', 'admin', admin.createKey),
    route('DELETE', '/api/keys/:id', 'admin', admin.revokeKey),
    route('GET', '/api/users', 'admin', admin.listUsers),
    route('POST', '/api/users', 'admin', admin.createUser),
    route('PUT', '/api/users/:id', 'admin', admin.updateUser),
    route('GET', '/api/audit', 'admin', admin.audit),
    route('GET', '/api/health', 'health', (c) => healthRoute(deps, c.res)),
    route('GET', '/metrics', 'health', async ({ res }) => {
      const body = await deps.metrics.registry.metrics();
      res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(body);
    }),
  ];
  const index = [...routes.map((r) => `${r.method} ${r.path}`), 'GET /api', 'WS /ws', 'WS /ws/ingest'];
  routes.push(route('GET', '/api', 'public', async ({ res }) => sendJson(res, 200, { name: 'pulse', api: index })));
  return routes;
}

interface Compiled {
  pattern: RegExp;
  methods: Map<string, Route>;
}

/** Routes grouped by path, each path a pattern with its parameter captured. */
function compile(routes: readonly Route[]): Compiled[] {
  const byPath = new Map<string, Compiled>();
  for (const r of routes) {
    let entry = byPath.get(r.path);
    if (!entry) {
      const source = r.path.split('/').map((seg) => (seg.startsWith(':') ? '([^/]+)' : seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))).join('/');
      entry = { pattern: new RegExp(`^${source}$`), methods: new Map() };
      byPath.set(r.path, entry);
    }
    entry.methods.set(r.method, r);
  }
  // Literal paths before parameter ones: `/api/streams/preview` is not the stream "preview".
  return [...byPath.entries()].sort(([a], [b]) => Number(a.includes(':')) - Number(b.includes(':'))).map(([, c]) => c);
}

export function createApp(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const compiled = compile(routeTable(deps));
  const handle = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    for (const { pattern, methods } of compiled) {
      const match = pattern.exec(url.pathname);
      if (!match) continue;
      const route = methods.get(req.method ?? 'GET');
      if (!route) throw new PulseError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}; use ${[...methods.keys()].join(', ')}`);
      let param = '';
      try {
        param = match[1] === undefined ? '' : decodeURIComponent(match[1]);
      } catch {
        throw new PulseError('NOT_FOUND', `no route ${url.pathname}`);
      }
      const ctx = await deps.auth.authorize(req, route.need);
      return route.run({ req, res, url, ctx, param });
    }
    throw new PulseError('NOT_FOUND', `no route ${url.pathname}`);
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (deps.ui && !serverPaths.test(url.pathname)) return deps.ui(req, res);
    if (url.pathname === '/') url.pathname = '/api';
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('cache-control', 'no-store');
    handle(req, res, url).catch((err: unknown) => {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    });
  };
}
