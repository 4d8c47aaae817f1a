/**
 * What the crash harness reads back through the public API: whether the classifiers have
 * caught up (`/api/health` lag), every stored id of a source (`/api/messages`, page by page)
 * and how many messages `/api/stats` counts for it.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';

const Health = z.object({ lag: z.number().nullable() });
const Page = z.object({ messages: z.array(z.object({ id: z.string() })), nextCursor: z.string().optional() });
const Stats = z.object({ buckets: z.array(z.object({ count: z.number() })) });

/** The read API's largest page. */
const pageSize = 500;

async function getJson<T>(url: string, schema: z.ZodType<T>): Promise<T> {
  const res = await fetch(url, { signal: AbortSignal.timeout(30_000) });
  // /api/health answers 503 with its body when a dependency fails: the body still says the lag.
  return schema.parse(await res.json());
}

/**
 * Resolves once the classifiers have committed everything published: lag 0 on two readings
 * 600 ms apart, the first taken at least 600 ms after the call (the server's lag reading may
 * be up to 500 ms old, older than the last publish).
 */
export async function waitDrained(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let zeros = 0;
  let last: number | null = null;
  await sleep(600);
  while (Date.now() < deadline) {
    try {
      last = (await getJson(`${url}/api/health`, Health)).lag;
    } catch {
      last = null;
    }
    zeros = last === 0 ? zeros + 1 : 0;
    if (zeros >= 2) return;
    await sleep(600);
  }
  throw new Error(`the backlog did not drain within ${timeoutMs / 1000} s (lag ${last ?? 'unknown'})`);
}

export interface Stored {
  /** Every id `/api/messages` listed for the source, repeats included. */
  ids: string[];
  /** Messages `/api/stats` counts for the source over the range. */
  statsCount: number;
}

/** Reads every stored message id of `source` and its stats count over [from, to) (a range of hours at most). */
export async function readStored(url: string, source: string, from: Date, to: Date): Promise<Stored> {
  const ids: string[] = [];
  const range = `source=${encodeURIComponent(source)}&from=${from.toISOString()}&to=${to.toISOString()}`;
  let cursor: string | undefined;
  do {
    const page = await getJson(`${url}/api/messages?${range}&limit=${pageSize}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, Page);
    for (const m of page.messages) ids.push(m.id);
    cursor = page.nextCursor;
  } while (cursor);
  const stats = await getJson(`${url}/api/stats?${range}&bucket=1h`, Stats);
  return { ids, statsCount: stats.buckets.reduce((sum, b) => sum + b.count, 0) };
}
