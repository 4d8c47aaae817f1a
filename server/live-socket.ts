/**
 * `ws://…/ws`: the transport of the dashboard's live feed. The live stage's service is
 * lib/live/hub.ts; this module only carries its events: it accepts the upgrade, parses each
 * client frame (lib/contracts/live.ts validates it), encodes the hub's events as JSON and maps
 * the hub's reasons for closing to close codes. Everything else (subscriptions, snapshots,
 * ticks, the slow-client policy, status) is the hub's.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { StopOptions } from '../lib/bus/bus.ts';
import { ClientEventSchema, type ServerEvent } from '../lib/contracts/live.ts';
import type { CloseReason, LiveConnection, LiveSession } from '../lib/live/connection.ts';
import type { LiveHub } from '../lib/live/hub.ts';
import { log } from '../lib/log.ts';

/** A subscribe frame is a few hundred bytes; nothing a client sends needs more. */
const maxFrameBytes = 64 * 1024;

/** RFC 6455 close code and text for each reason the hub ends a connection. */
const closeFrames: Record<CloseReason, { code: number; text: string }> = {
  // "Going away".
  'shutting-down': { code: 1001, text: 'server shutting down' },
  // "Try again later": the dashboard reconnects to a fresh snapshot.
  'too-slow': { code: 1013, text: 'client too slow' },
};

export class LiveSocket {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: maxFrameBytes });
  /**
   * The hub sends one event object to many clients (a sampled message to every subscription it
   * matches), so each object is encoded once, however many clients get it.
   */
  private readonly encoded = new WeakMap<ServerEvent, string>();

  /** Serves `hub` to the connections it is given; closing the socket closes the hub. */
  constructor(private readonly hub: LiveHub) {
    this.wss.on('connection', (socket) => this.serve(socket));
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  /** Closes the hub (its consumers get `graceMs`), which ends every client's connection, then the server. */
  async close(options?: StopOptions): Promise<void> {
    await this.hub.close(options);
    this.wss.close();
  }

  private serve(socket: WebSocket): void {
    const session = this.hub.connect(this.connectionOf(socket));
    socket.on('message', (data) => onFrame(session, data));
    // Protocol errors (an oversized frame, bad framing): ws closes the socket itself.
    socket.on('error', (err) => log.debug({ err }, 'live client socket error'));
    socket.on('close', () => session.end());
  }

  private connectionOf(socket: WebSocket): LiveConnection {
    return {
      send: (event) => {
        if (socket.readyState !== socket.OPEN) return;
        let json = this.encoded.get(event);
        if (json === undefined) this.encoded.set(event, (json = JSON.stringify(event)));
        socket.send(json);
      },
      get bufferedBytes() {
        return socket.bufferedAmount;
      },
      get open() {
        return socket.readyState === socket.OPEN;
      },
      close: (reason) => socket.close(closeFrames[reason].code, closeFrames[reason].text),
      terminate: () => socket.terminate(),
    };
  }
}

function onFrame(session: LiveSession, data: RawData): void {
  // With ws' default binaryType every frame, text or binary, arrives as one Buffer.
  const text = (data as Buffer).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    session.refuse('the frame is not JSON');
    return;
  }
  const parsed = ClientEventSchema.safeParse(json);
  if (!parsed.success) {
    session.refuse(parsed.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; '));
    return;
  }
  session.receive(parsed.data);
}
