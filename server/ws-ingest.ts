/**
 * `ws://…/ws/ingest`: the same messages as `POST /api/ingest`, one JSON message or array per
 * frame. Every frame is answered, in order, with `{type:"ack", frame, accepted, rejected, ids}`
 * or, when it is refused or not JSON at all, `{type:"error", frame, code, message}`. When the
 * server stops, frames that arrive from then on are refused with SHUTTING_DOWN, and each socket
 * is closed with 1001 "going away" once the frames it sent before are answered.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isPulseError } from '../lib/errors.ts';
import type { IngestAdmission } from '../lib/ingest/admission.ts';
import { MaxBodyBytes, parseBody } from '../lib/ingest/body.ts';
import type { Ingestor } from '../lib/ingest/ingestor.ts';
import { log } from '../lib/log.ts';
import { quotaKey, type RequestContext } from './auth.ts';

export type IngestReply =
  | { type: 'ack'; frame: number; accepted: number; rejected: Array<{ index: number; reason: string }>; ids: string[] }
  | { type: 'error'; frame: number; code: string; message: string };

/** Frames received and not yet answered, per connection, before the socket stops being read. */
const maxQueuedFrames = 8;

export class WsIngest {
  /** A frame is one request body: the same 5 MB bound. */
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MaxBodyBytes });
  /** Each open socket's answer queue: the last frame's answer settles it. */
  private readonly queues = new Map<WebSocket, { tail: Promise<void> }>();

  constructor(
    private readonly ingestor: Ingestor,
    private readonly admission: IngestAdmission,
  ) {}

  /** `ctx`: who opened the connection (server/auth.ts checked its ingest permission). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: RequestContext): void {
    // Thrown inside server/upgrade.ts's accept: answered as a plain 503 with Retry-After.
    this.admission.checkOpen();
    this.wss.handleUpgrade(req, socket, head, (ws) => this.serve(ws, ctx));
  }

  private serve(socket: WebSocket, ctx: RequestContext): void {
    // A protocol error (an oversized or malformed frame) closes this socket with its code (1009,
    // 1002); unheard, the 'error' event would take the whole server down.
    socket.on('error', (err) => log.debug({ err: err.message, ip: ctx.ip }, 'ingest socket closed on a protocol error'));
    let frame = 0;
    // Frames are ingested one after another so acknowledgements arrive in frame order. A client
    // that sends faster than they are ingested is not read from (TCP pushes back on it) while
    // `maxQueuedFrames` wait, so its frames cannot pile up in memory.
    const queue = { tail: Promise.resolve() };
    this.queues.set(socket, queue);
    socket.on('close', () => this.queues.delete(socket));
    let queued = 0;
    socket.on('message', (data, isBinary) => {
      const n = ++frame;
      if (++queued >= maxQueuedFrames) socket.pause();
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      // Admitted on arrival: a frame received before the stop began is ingested, one after it refused.
      let leave: (() => void) | undefined;
      let refusal: unknown;
      try {
        leave = this.admission.enter();
      } catch (err) {
        refusal = err;
      }
      queue.tail = queue.tail.then(async () => {
        let reply: IngestReply;
        try {
          if (refusal) throw refusal;
          const items = parseBody(text, 'application/json');
          this.admission.admit({ ip: ctx.ip, quotaKey: quotaKey(ctx) }, items.length);
          const result = await this.ingestor.ingest(items);
          reply = { type: 'ack', frame: n, ...result };
        } catch (err) {
          if (!isPulseError(err)) log.error({ err }, 'websocket ingest failed');
          reply = isPulseError(err)
            ? { type: 'error', frame: n, code: err.code, message: err.message }
            : { type: 'error', frame: n, code: 'INTERNAL', message: 'internal error' };
        } finally {
          leave?.();
        }
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
        if (--queued < maxQueuedFrames) socket.resume();
      });
    });
  }

  /**
   * At the start of a stop (the admission already refuses new frames): closes each socket with
   * 1001 once every frame it sent is answered; resolves when all are closing.
   */
  async drain(): Promise<void> {
    await Promise.all(
      [...this.queues].map(async ([socket, queue]) => {
        // Frames keep arriving until the client hears the close: answer up to the last one.
        for (let tail = queue.tail; ; tail = queue.tail) {
          await tail;
          if (tail === queue.tail) break;
        }
        socket.close(1001, 'server shutting down');
      }),
    );
  }

  /** At the end of a stop: ends what is still open, answered or not. */
  close(): void {
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }
}
