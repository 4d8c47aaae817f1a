/**
 * The dashboard inside the server process: requests that no REST route answers go to Next.js's
 * request handler (one port for pages, API and WebSockets). Next is loaded on the first such
 * request, so API-only processes (workers' tests, benchmarks) never pay for it; a missing
 * build answers 503 saying what to run, instead of Next's stack trace.
 */
import { randomBytes } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { UiMode } from '../../lib/config.ts';
import { log } from '../../lib/log.ts';
import { repoRoot } from '../../lib/paths.ts';
import { uiBuildState } from './build.ts';

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface Ui {
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** Upgrades Next owns: only its dev server's hot reload under `/_next/`; `/ws*` stays Pulse's. */
  ownsUpgrade(pathname: string): boolean;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): Promise<void>;
}

class UiNotBuilt extends Error {}

/**
 * Scripts only from this origin or carrying this response's nonce ('strict-dynamic' lets those
 * load Next's chunks); styles may be inline (React style props, Chart.js); nothing may frame the
 * dashboard. The dev server evaluates its hot-reload code, so it also needs 'unsafe-eval'.
 */
function contentSecurityPolicy(nonce: string, mode: Exclude<UiMode, 'off'>): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${mode === 'dev' ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const pageHeaders = {
  'referrer-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'permissions-policy': 'camera=(), microphone=(), geolocation=()',
};

const notBuiltPage = `<!doctype html><meta charset="utf-8"><title>Pulse: dashboard not built</title>
<body style="font:16px system-ui;max-width:40em;margin:3em auto">
<h1>The dashboard is not built yet</h1>
<p>Run <code>npm run build:ui</code> (<code>npm start</code> does it by itself), then reload this page.
The API answers meanwhile: <a href="/api/health">/api/health</a>.</p>`;

export function createUi(mode: Exclude<UiMode, 'off'>, where: () => { hostname: string; port: number }): Ui {
  // Next attaches its own 'upgrade' listener to the server of the first request it sees,
  // unless given one: this one never listens, so `/ws` and `/ws/ingest` stay with Pulse and
  // only the upgrades handed over below reach Next.
  const upgrades = http.createServer();
  let app: { close(): Promise<void> } | undefined;
  let ready: Promise<RequestHandler> | undefined;

  const load = (): Promise<RequestHandler> =>
    (ready ??= (async () => {
      if (mode === 'production') {
        const state = uiBuildState();
        if (state === 'missing') throw new UiNotBuilt();
        if (state === 'stale') log.warn('the dashboard build is older than its sources; npm run build:ui rebuilds it');
      }
      // Pulse runs offline: Next's telemetry would only wait on a network that is not there.
      process.env.NEXT_TELEMETRY_DISABLED ??= '1';
      const { default: next } = await import('next');
      const server = next({ dev: mode === 'dev', dir: repoRoot, ...where(), httpServer: upgrades });
      await server.prepare();
      app = server;
      log.info({ mode }, 'dashboard ready');
      return server.getRequestHandler();
    })().catch((err: unknown) => {
      ready = undefined; // the next request tries again, e.g. after `npm run build:ui`
      throw err;
    }));

  return {
    handle(req, res) {
      const nonce = randomBytes(16).toString('base64');
      const policy = contentSecurityPolicy(nonce, mode);
      // Next reads the nonce from the request's policy and puts it on every script it emits.
      req.headers['content-security-policy'] = policy;
      for (const [name, value] of Object.entries({ ...pageHeaders, 'content-security-policy': policy })) res.setHeader(name, value);
      load()
        .then((handler) => handler(req, res))
        .catch((err: unknown) => {
          if (!(err instanceof UiNotBuilt)) log.error({ err, url: req.url }, 'dashboard request failed');
          if (res.headersSent) return void res.destroy();
          res.writeHead(err instanceof UiNotBuilt ? 503 : 500, { 'content-type': 'text/html; charset=utf-8' });
          res.end(err instanceof UiNotBuilt ? notBuiltPage : 'The dashboard failed to render; the server log says why.');
        });
    },
    ownsUpgrade: (pathname) => mode === 'dev' && pathname.startsWith('/_next/'),
    handleUpgrade(req, socket, head) {
      if (upgrades.listenerCount('upgrade')) upgrades.emit('upgrade', req, socket, head);
      else socket.destroy();
    },
    close: async () => {
      await app?.close();
    },
  };
}
