/**
 * The crash harness's load: an HTTP sender (`POST /api/ingest`, JSON array batches, several
 * requests in flight) and a WebSocket sender (`/ws/ingest`, frames pipelined, acks in frame
 * order), each paced at its own rate until told to stop, and the resend of what was not
 * acknowledged, with the same ids. Every answer lands in the {@link Ledger}.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { z } from 'zod';
import type { CrashMessage, Ledger, MessageFactory } from './ledger.ts';

export interface SenderOptions {
  /** The server's base URL, `http://host:port`. */
  url: string;
  /** Messages per second this sender offers. */
  rate: number;
  /** Messages per request or frame. */
  batch: number;
  /** Requests (HTTP) or unanswered frames (WebSocket) at once. */
  maxInFlight: number;
}

const Accepted = z.object({ accepted: z.number(), rejected: z.array(z.object({ index: z.number() })), ids: z.array(z.string()) });
const Refusal = z.object({ error: z.object({ code: z.string() }) });
const WsReply = z.discriminatedUnion('type', [
  Accepted.extend({ type: z.literal('ack'), frame: z.number() }),
  z.object({ type: z.literal('error'), frame: z.number(), code: z.string() }),
]);

const requestTimeoutMs = 30_000;
const tickMs = 5;

/** Messages due at `rate` since the pacer started, less those already taken. */
class Pacer {
  private readonly started = performance.now();
  private taken = 0;

  constructor(private readonly rate: number) {}

  due(): number {
    return Math.floor(((performance.now() - this.started) / 1000) * this.rate) - this.taken;
  }

  take(n: number): void {
    this.taken += n;
  }
}

function body(messages: readonly CrashMessage[]): string {
  return JSON.stringify(messages);
}

/** What an answer to a batch means for its messages: acked, refused (retry), or rejected for good. */
function settle(ledger: Ledger, batch: readonly CrashMessage[], reply: z.infer<typeof WsReply> | { status: number; text: string }): void {
  if ('type' in reply) {
    if (reply.type === 'ack') return acceptedBy(ledger, batch, reply);
    return ledger.record(batch, 'refused', reply.code);
  }
  if (reply.status === 202) {
    const accepted = Accepted.safeParse(safeJson(reply.text));
    // An answer the harness cannot read names no id: nothing of the batch counts as promised.
    return accepted.success ? acceptedBy(ledger, batch, accepted.data) : ledger.record(batch, 'refused', 'HTTP 202 unreadable');
  }
  const parsed = Refusal.safeParse(safeJson(reply.text));
  const code = parsed.success ? parsed.data.error.code : `HTTP ${reply.status}`;
  const retryable = reply.status === 429 || reply.status >= 500;
  ledger.record(batch, retryable ? 'refused' : 'rejected', code);
}

function acceptedBy(ledger: Ledger, batch: readonly CrashMessage[], accepted: z.infer<typeof Accepted>): void {
  ledger.ack(batch, accepted.ids);
  const rejected = accepted.rejected.map((r) => batch[r.index]!).filter(Boolean);
  if (rejected.length) ledger.record(rejected, 'rejected', 'REJECTED');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function post(url: string, batch: readonly CrashMessage[]): Promise<{ status: number; text: string; retryAfterMs: number }> {
  const res = await fetch(`${url}/api/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: body(batch),
    signal: AbortSignal.timeout(requestTimeoutMs),
  });
  return { status: res.status, text: await res.text(), retryAfterMs: Number(res.headers.get('retry-after') ?? 0) * 1000 };
}

/** POSTs paced batches until `stop` aborts, then waits for the requests still in flight. */
export async function sendHttp(ledger: Ledger, factory: MessageFactory, options: SenderOptions, stop: AbortSignal): Promise<void> {
  const pacer = new Pacer(options.rate);
  const inFlight = new Set<Promise<void>>();
  while (!stop.aborted) {
    if (pacer.due() >= options.batch && inFlight.size < options.maxInFlight) {
      pacer.take(options.batch);
      const batch = factory.next(options.batch);
      const request: Promise<void> = post(options.url, batch).then(
        (reply) => settle(ledger, batch, reply),
        () => ledger.record(batch, 'cut'),
      ).finally(() => inFlight.delete(request));
      inFlight.add(request);
    } else await sleep(tickMs);
  }
  await Promise.all(inFlight);
}

/**
 * Sends paced frames on `/ws/ingest` until `stop` aborts, reconnecting whenever the socket
 * closes (a refused connection is retried every few milliseconds). Frames still unanswered
 * when a socket closes are cut.
 */
export async function sendWs(ledger: Ledger, factory: MessageFactory, options: SenderOptions, stop: AbortSignal): Promise<void> {
  const pacer = new Pacer(options.rate);
  const wsUrl = `${options.url.replace(/^http/, 'ws')}/ws/ingest`;
  while (!stop.aborted) {
    const socket = new WebSocket(wsUrl);
    const opened = await new Promise<boolean>((resolve) => {
      socket.once('open', () => resolve(true));
      socket.once('error', () => resolve(false));
    });
    if (!opened) {
      socket.terminate();
      await sleep(20);
      continue;
    }
    // The server numbers a connection's frames from 1 and answers them in order.
    const pending = new Map<number, CrashMessage[]>();
    let frame = 0;
    let open = true;
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined); // 'close' follows, which is what counts
    void closed.then(() => {
      open = false;
    });
    socket.on('message', (data) => {
      const reply = WsReply.safeParse(safeJson(String(data)));
      const batch = reply.success ? pending.get(reply.data.frame) : undefined;
      if (!reply.success || !batch) return; // not an answer to a frame of ours: the frame stays pending (cut)
      pending.delete(reply.data.frame);
      settle(ledger, batch, reply.data);
    });
    while (open && !stop.aborted) {
      if (pacer.due() >= options.batch && pending.size < options.maxInFlight) {
        pacer.take(options.batch);
        const batch = factory.next(options.batch);
        pending.set(++frame, batch);
        socket.send(body(batch));
      } else await sleep(tickMs);
    }
    // No close handshake: the server may be gone, and a frame not answered by now is cut.
    if (open) socket.terminate();
    await closed;
    for (const batch of pending.values()) ledger.record(batch, 'cut');
  }
}

/**
 * Sends every message not yet acknowledged again, same ids, in batches over HTTP, until each
 * is acknowledged or refused for good, or `deadlineMs` passes (what is left stays unacked).
 * A 503 / 429 is retried after its Retry-After (at most 2 s), a failed connection after 200 ms.
 */
export async function resendUnacked(ledger: Ledger, url: string, batchSize: number, deadlineMs: number): Promise<number> {
  const deadline = Date.now() + deadlineMs;
  const messages = ledger.resendable();
  for (let i = 0; i < messages.length; i += batchSize) {
    const batch = messages.slice(i, i + batchSize);
    while (Date.now() < deadline) {
      let reply: Awaited<ReturnType<typeof post>>;
      try {
        reply = await post(url, batch);
      } catch {
        ledger.record(batch, 'cut');
        await sleep(200);
        continue;
      }
      settle(ledger, batch, reply);
      if (reply.status === 202 || !(reply.status === 429 || reply.status >= 500)) break;
      await sleep(Math.min(2_000, Math.max(100, reply.retryAfterMs)));
    }
  }
  return messages.length;
}
