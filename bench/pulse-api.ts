/**
 * The pipeline bench's two calls on the public API, shared by its modes: a POST to
 * `/api/ingest` that honours the server's "later" (503 backlog gate or stop, 429 quota: wait
 * `Retry-After`, send the same body again), and the count of a source's stored messages as
 * `/api/stats` sees it (the per-second aggregate is written in the same insert as the rows).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { PulseError } from '../lib/errors.ts';

const Accepted = z.object({ ids: z.array(z.string()) });
const Stats = z.object({ buckets: z.array(z.object({ count: z.number() })) });

/** A message as the bench sends it; `id` and `ts` make a resend the very same message. */
export interface BenchMessage {
  id?: string;
  ts?: number;
  source: string;
  text: string;
}

/** POSTs answered 503 or 429, by status, over the whole run. */
export class Refusals {
  private readonly byStatus = new Map<number, number>();

  add(status: number): void {
    this.byStatus.set(status, (this.byStatus.get(status) ?? 0) + 1);
  }

  of(status: 503 | 429): number {
    return this.byStatus.get(status) ?? 0;
  }

  get total(): number {
    return this.of(503) + this.of(429);
  }
}

/**
 * POSTs `messages` until ingest answers 202 and returns the ids it acknowledged. A refusal is
 * counted and the same body is sent again after `Retry-After`, as a real client would; any
 * other answer ends the bench, since its load is valid by construction.
 */
export async function postUntilAccepted(url: string, messages: readonly BenchMessage[], refusals: Refusals): Promise<string[]> {
  const body = JSON.stringify(messages);
  for (;;) {
    const res = await fetch(`${url}/api/ingest`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const text = await res.text();
    if (res.status === 202) return Accepted.parse(JSON.parse(text)).ids;
    if (res.status !== 503 && res.status !== 429) throw new PulseError('INPUT_INVALID', `ingest answered ${res.status}: ${text.slice(0, 200)}`);
    refusals.add(res.status);
    await sleep(Number(res.headers.get('retry-after') ?? 1) * 1000);
  }
}

/** Messages of `source` stored since `from`, as `/api/stats` counts them. */
export async function countVisible(url: string, source: string, from: Date): Promise<number> {
  const to = new Date(Date.now() + 60_000).toISOString();
  const res = await fetch(`${url}/api/stats?source=${encodeURIComponent(source)}&bucket=1h&from=${from.toISOString()}&to=${to}`);
  return Stats.parse(await res.json()).buckets.reduce((sum, b) => sum + b.count, 0);
}
