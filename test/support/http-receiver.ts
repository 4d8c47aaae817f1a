/**
 * A webhook receiver on 127.0.0.1 for the alert channel tests: records every request (raw
 * body, headers, arrival time) and answers as the test scripts it, or not at all (`hang`).
 */
import http, { type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Exactly the bytes sent, as signatures are computed over them. */
  body: string;
  /** Date.now() when the body was complete. */
  at: number;
}

export type Reply = { status: number; headers?: Record<string, string>; body?: string } | 'hang';

/** Answers the n-th request (0-based); the default answers 200 `ok`. */
export type Script = (request: ReceivedRequest, n: number) => Reply;

export class Receiver {
  readonly requests: ReceivedRequest[] = [];
  script: Script = () => ({ status: 200, body: 'ok' });

  private constructor(private readonly server: http.Server) {}

  static async start(): Promise<Receiver> {
    const server = http.createServer();
    const receiver = new Receiver(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const request = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
        const reply = receiver.script(request, receiver.requests.length);
        receiver.requests.push(request);
        if (reply !== 'hang') res.writeHead(reply.status, reply.headers).end(reply.body ?? '');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  /** Stops listening and drops held (`hang`) requests. */
  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
