/**
 * WebSocket upgrades pass the same checks as REST routes before the handshake completes: the
 * permission (`/ws` read, `/ws/ingest` ingest), a same-origin browser for cookie sessions (a
 * page elsewhere must not open a socket with our user's cookie), and the connections per key.
 * A refusal is a plain HTTP answer with the usual JSON error, then the socket closes.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Permission } from '../lib/auth/roles.ts';
import { PulseError, RetryLaterError, isPulseError } from '../lib/errors.ts';
import type { ConnectionLimiter } from '../lib/limits.ts';
import { log } from '../lib/log.ts';
import { quotaKey, type RequestAuth, type RequestContext } from './auth.ts';
import { statusOf } from './respond.ts';

export function guardUpgrades(auth: RequestAuth, connections: ConnectionLimiter) {
  return (req: IncomingMessage, socket: Duplex, _head: Buffer, need: Permission, accept: (ctx: RequestContext) => void): void => {
    auth
      .authorize(req, need)
      .then((ctx) => {
        const origin = req.headers.origin;
        if (ctx.principal?.kind === 'user' && origin && hostOf(origin) !== req.headers.host) {
          throw new PulseError('FORBIDDEN', `a session may open a WebSocket from its own origin only, not ${origin}`);
        }
        const release = connections.acquire(quotaKey(ctx));
        socket.once('close', release);
        accept(ctx);
      })
      .catch((err: unknown) => refuse(socket, err));
  };
}

function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

function refuse(socket: Duplex, err: unknown): void {
  if (!isPulseError(err)) log.error({ err }, 'websocket upgrade failed');
  const status = isPulseError(err) ? (statusOf[err.code] ?? 500) : 500;
  const body = JSON.stringify(isPulseError(err) ? { error: { code: err.code, message: err.message } } : { error: { code: 'INTERNAL', message: 'internal error' } });
  const retry = err instanceof RetryLaterError ? `Retry-After: ${err.retryAfterSeconds}\r\n` : '';
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : status === 403 ? 'Forbidden' : status === 429 ? 'Too Many Requests' : 'Error'}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n${retry}\r\n${body}`,
  );
}
