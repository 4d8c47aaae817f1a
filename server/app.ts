/**
 * The HTTP side of the server: REST routes and `/metrics`. Each route is one small module;
 * this file only maps method + path to them and turns every failure into the JSON error shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PulseError } from '../lib/errors.ts';
import type { Ingestor } from '../lib/ingest.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { Store } from '../lib/store/index.ts';
import type { AlertActionDeps } from '../lib/alerts/actions.ts';
import type { StreamCatalog } from '../lib/streams/catalog.ts';
import { alertRoutes } from './routes/alerts.ts';
import { healthRoute, type HealthDeps } from './routes/health.ts';
import { streamRoutes } from './routes/streams.ts';
import { ingestRoute } from './routes/ingest.ts';
import { deadLettersRoute, messagesRoute, statsRoute } from './routes/read.ts';
import { sendError, sendJson } from './respond.ts';

export interface AppDeps extends HealthDeps {
  store: Store;
  ingestor: Ingestor;
  metrics: Metrics;
  streams: StreamCatalog;
  /** The dashboard channel, which tells every browser when a person acknowledges or resolves an alert. */
  alertActions: AlertActionDeps;
  /** The dashboard (server/ui/): answers every path outside {@link serverPaths}, `/` included. */
  ui?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Paths the server answers itself, so a typo under them is a JSON 404, not a dashboard page. */
const serverPaths = /^\/(api|metrics|ws)(\/|$)/;

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;
type ParamHandler = (req: IncomingMessage, res: ServerResponse, param: string, url: URL) => Promise<void>;

/** A route with one path parameter (a stream or alert id, URL-encoded). */
interface ParamRoute {
  pattern: RegExp;
  methods: Partial<Record<string, ParamHandler>>;
}

export function createApp(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const streams = streamRoutes(deps.streams, deps.store);
  const alerts = alertRoutes(deps.store, deps.alertActions);
  const routes: Record<string, Partial<Record<string, Handler>>> = {
    '/api/streams': { GET: streams.list, POST: streams.create },
    '/api/streams/preview': { POST: streams.preview },
    '/api/alerts': { GET: (req, res, url) => alerts.list(req, res, url) },
    '/api/ingest': { POST: (req, res) => ingestRoute(deps.ingestor, req, res) },
    '/api/stats': { GET: (_req, res, url) => statsRoute(deps.store, url.searchParams, res) },
    '/api/messages': { GET: (_req, res, url) => messagesRoute(deps.store, url.searchParams, res) },
    '/api/dlq': { GET: (_req, res, url) => deadLettersRoute(deps.store, url.searchParams, res) },
    '/api/health': { GET: (_req, res) => healthRoute(deps, res) },
    '/metrics': {
      GET: async (_req, res) => {
        const body = await deps.metrics.registry.metrics();
        res.writeHead(200, { 'content-type': deps.metrics.registry.contentType }).end(body);
      },
    },
    '/': {
      GET: async (_req, res) =>
        sendJson(res, 200, {
          name: 'pulse',
          api: [
            'POST /api/ingest', 'GET /api/stats', 'GET /api/messages', 'GET /api/dlq', 'GET /api/health',
            'GET|POST /api/streams', 'POST /api/streams/preview', 'GET|PUT|DELETE /api/streams/:id', 'GET /api/streams/:id/versions',
            'GET /api/alerts', 'GET /api/alerts/:id', 'POST /api/alerts/:id/acknowledge', 'POST /api/alerts/:id/resolve',
            'GET /metrics', 'WS /ws', 'WS /ws/ingest',
          ],
        }),
    },
  };
  const paramRoutes: ParamRoute[] = [
    { pattern: /^\/api\/streams\/([^/]+)$/, methods: { GET: streams.get, PUT: streams.update, DELETE: streams.remove } },
    { pattern: /^\/api\/streams\/([^/]+)\/versions$/, methods: { GET: streams.versions } },
    { pattern: /^\/api\/alerts\/([^/]+)$/, methods: { GET: alerts.get } },
    { pattern: /^\/api\/alerts\/([^/]+)\/acknowledge$/, methods: { POST: alerts.acknowledge } },
    { pattern: /^\/api\/alerts\/([^/]+)\/resolve$/, methods: { POST: alerts.resolve } },
  ];
  /** The exact route of a path, else the first parameter route it matches, with the parameter bound. */
  const find = (pathname: string): Partial<Record<string, Handler>> | undefined => {
    const exact = routes[pathname];
    if (exact) return exact;
    for (const r of paramRoutes) {
      const raw = r.pattern.exec(pathname)?.[1];
      if (raw === undefined) continue;
      let param: string;
      try {
        param = decodeURIComponent(raw);
      } catch {
        return undefined; // a malformed %-escape names nothing: 404
      }
      return Object.fromEntries(
        Object.entries(r.methods).map(([method, h]) => [method, (req: IncomingMessage, res: ServerResponse, url: URL) => h!(req, res, param, url)]),
      );
    }
    return undefined;
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (deps.ui && !serverPaths.test(url.pathname)) return deps.ui(req, res);
    const route = find(url.pathname);
    const handler = route?.[req.method ?? 'GET'];
    const run = handler
      ? handler(req, res, url)
      : Promise.reject(
          route
            ? new PulseError('METHOD_NOT_ALLOWED', `${req.method} is not allowed on ${url.pathname}; use ${Object.keys(route).join(', ')}`)
            : new PulseError('NOT_FOUND', `no route ${url.pathname}`),
        );
    run.catch((err: unknown) => {
      if (!res.headersSent) sendError(res, err);
      else res.destroy();
    });
  };
}
