/**
 * `ws://…/ws/ingest`: the same messages as `POST /api/ingest`, one JSON message or array per
 * frame. Every frame is answered, in order, with `{type:"ack", frame, accepted, rejected, ids}`
 * or, when it is not JSON at all, `{type:"error", frame, code, message}`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { isPulseError } from '../lib/errors.ts';
import { MaxBodyBytes, parseBody, type Ingestor } from '../lib/ingest.ts';
import { log } from '../lib/log.ts';

export type IngestReply =
  | { type: 'ack'; frame: number; accepted: number; rejected: Array<{ index: number; reason: string }>; ids: string[] }
  | { type: 'error'; frame: number; code: string; message: string };

export class WsIngest {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: MaxBodyBytes });

  constructor(private readonly ingestor: Ingestor) {
    this.wss.on('connection', (socket) => this.serve(socket));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  private serve(socket: WebSocket): void {
    let frame = 0;
    // Frames are ingested one after another so acknowledgements arrive in frame order.
    let queue = Promise.resolve();
    socket.on('message', (data, isBinary) => {
      const n = ++frame;
      const text = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      queue = queue.then(async () => {
        let reply: IngestReply;
        try {
          const result = await this.ingestor.ingest(parseBody(text, 'application/json'));
          reply = { type: 'ack', frame: n, ...result };
        } catch (err) {
          if (!isPulseError(err)) log.error({ err }, 'websocket ingest failed');
          reply = isPulseError(err)
            ? { type: 'error', frame: n, code: err.code, message: err.message }
            : { type: 'error', frame: n, code: 'INTERNAL', message: 'internal error' };
        }
        if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(reply));
      });
    });
  }

  close(): void {
    for (const client of this.wss.clients) client.close(1001, 'server shutting down');
    this.wss.close();
  }
}
