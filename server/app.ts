/**
 * The HTTP side of the server: REST routes and `/metrics`. Each route is one small module;
 * this file only maps method + path to them and turns every failure into the JSON error shape.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PulseError } from '../lib/errors.ts';
import type { Ingestor } from '../lib/ingest.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { Store } from '../lib/store/index.ts';
import { healthRoute, type HealthDeps } from './routes/health.ts';
import { ingestRoute } from './routes/ingest.ts';
import { deadLettersRoute, messagesRoute, statsRoute } from './routes/read.ts';
import { sendError, sendJson } from './respond.ts';

export interface AppDeps extends HealthDeps {
  store: Store;
  ingestor: Ingestor;
  metrics: Metrics;
  /** The dashboard (server/ui/): answers every path outside {@link serverPaths}, `/` included. */
  ui?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Paths the server answers itself, so a typo under them is a JSON 404, not a dashboard page. */
const serverPaths = /^\/(api|metrics|ws)(\/|$)/;

type Handler = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

export function createApp(deps: AppDeps): (req: IncomingMessage, res: ServerResponse) => void {
  const routes: Record<string, Partial<Record<string, Handler>>> = {
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
        sendJson(res, 200, { name: 'pulse', api: ['POST /api/ingest', 'GET /api/stats', 'GET /api/messages', 'GET /api/dlq', 'GET /api/health', 'GET /metrics', 'WS /ws', 'WS /ws/ingest'] }),
    },
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (deps.ui && !serverPaths.test(url.pathname)) return deps.ui(req, res);
    const route = routes[url.pathname];
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
