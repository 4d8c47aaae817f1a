/**
 * The browser end of `/ws` (lib/contracts/live.ts): one connection that reconnects with
 * exponential backoff and sends the current subscription again on every (re)connect, so the
 * hub answers each one with a fresh snapshot.
 */
import type { ClientEvent, ClientEventOf, ServerEvent } from '../../lib/contracts/live.ts';

export type Connection =
  | { state: 'connecting' }
  | { state: 'open' }
  /** Closed; the next attempt starts at `retryAt` (epoch ms). */
  | { state: 'waiting'; retryAt: number };

export interface LiveHandlers {
  event(event: ServerEvent): void;
  connection(connection: Connection): void;
}

const minDelayMs = 500;
const maxDelayMs = 15_000;

export class LiveClient {
  private socket: WebSocket | null = null;
  private subscription: ClientEventOf<'subscribe'> | null = null;
  private attempt = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly on: LiveHandlers,
  ) {
    this.connect();
  }

  /** Replaces the subscription; sent now if connected, else on connect. */
  subscribe(subscription: ClientEventOf<'subscribe'>): void {
    this.subscription = subscription;
    this.send(subscription);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.close();
  }

  private send(event: ClientEvent): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(event));
  }

  private connect(): void {
    this.on.connection({ state: 'connecting' });
    const socket = new WebSocket(this.url);
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.on.connection({ state: 'open' });
      if (this.subscription) this.send(this.subscription);
    };
    socket.onmessage = (frame) => {
      let event: ServerEvent;
      try {
        event = JSON.parse(String(frame.data)) as ServerEvent;
      } catch {
        return console.warn('live: a frame that is not JSON was ignored');
      }
      this.on.event(event);
    };
    // Every failure ends in `close` (an `error` is always followed by one), so retry there only.
    socket.onclose = () => {
      if (this.closed || socket !== this.socket) return;
      // Jitter, so the dashboards that lost one server do not all come back in lockstep.
      const delay = Math.min(maxDelayMs, minDelayMs * 2 ** this.attempt++) * (0.5 + Math.random() / 2);
      this.on.connection({ state: 'waiting', retryAt: Date.now() + delay });
      this.timer = setTimeout(() => this.connect(), delay);
    };
  }
}

/** `/ws` on the page's own host and port. */
export function liveUrl(location: Location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}
