/**
 * The first run's history: the demo's last minutes as if it had been running, so the detector
 * has a baseline at once instead of ~3 minutes after the start (lib/anomaly/stream-detector.ts,
 * cold start) and the scripted incident is seen within minutes of `npm start`.
 *
 * The messages go through the same ingest as the demo, with event times spread over the minutes
 * before the start at the demo's rate (so the baseline's volume is the live one's), and are
 * marked `meta.seeded`. The detector reads a stream's past once, when it first sees the stream
 * (lib/detect/loop.ts), so it must start only once this history is stored: {@link seedHistory}
 * resolves then, and the server holds the detector back until it does.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { AllStreamsId } from '../contracts/api.ts';
import type { ReplayRow } from '../ingest/replay.ts';
import { log } from '../log.ts';
import type { SignalRepository } from '../store/signals.ts';

/** Longer than the detector's baseline (10 min) and its longest window (30 s). */
export const historyMinutes = 15;
/** Messages per ingest call. */
const batchSize = 2_000;
/** Past this, the detector starts without the whole history rather than never (a stalled classifier). */
const storedWithinMs = 5 * 60_000;
const pollMs = 500;

/** One message as the demo hands it to ingest, with its event time. */
export interface SeededMessage {
  source: string;
  text: string;
  /** Event time, epoch ms. */
  ts: number;
  meta: { dataset: string; label?: string; seeded: true };
}

/** `count` rows from the start of `rows`, event times from `from` on, evenly spaced at `rate` per second. */
export function historyMessages(rows: readonly ReplayRow[], rate: number, from: number, count: number): SeededMessage[] {
  return Array.from({ length: count }, (_, i) => {
    const row = rows[i % rows.length]!;
    return {
      source: row.source ?? 'demo',
      text: row.text,
      ts: from + Math.floor((i * 1000) / rate),
      meta: { dataset: row.dataset ?? 'demo', ...(row.label !== undefined ? { label: row.label } : {}), seeded: true },
    };
  });
}

export interface SeedDeps {
  send(messages: SeededMessage[]): Promise<void>;
  /** The detector's own read of stored seconds: what it will see. */
  seconds: Pick<SignalRepository, 'streamSeconds'>;
  /** Raw messages the classifiers have not committed yet (undefined: not read yet). */
  backlog(): number | undefined;
  signal: AbortSignal;
  now?: () => number;
}

export interface SeededHistory {
  /** How many messages were sent (0: the store already had these minutes). */
  sent: number;
  /** Resolves once they are stored and the classifiers have caught up with the live demo; never rejects. */
  stored: Promise<void>;
}

/**
 * Sends the history of the `historyMinutes` before now, starting after the last second the
 * store already holds (a store that ran the demo before keeps its own), and answers once sent.
 */
export async function seedHistory(deps: SeedDeps, rows: readonly ReplayRow[], rate: number): Promise<SeededHistory> {
  const now = deps.now ?? Date.now;
  const end = now();
  const stored = await deps.seconds.streamSeconds([AllStreamsId], new Date(end - historyMinutes * 60_000), new Date(end));
  // A whole second: the stored seconds are counted from it (untilStored), none cut in two.
  const from = Math.ceil(Math.max(end - historyMinutes * 60_000, (stored.at(-1)?.t ?? -Infinity) + 1000) / 1000) * 1000;
  const count = Math.floor(((end - from) / 1000) * rate);
  if (count <= 0) return { sent: 0, stored: Promise.resolve() };
  const messages = historyMessages(rows, rate, from, count);
  for (let i = 0; i < messages.length; i += batchSize) await deps.send(messages.slice(i, i + batchSize));
  log.info({ messages: count, minutes: Math.round((end - from) / 60_000) }, 'demo history sent; the detector starts once it is stored');
  return { sent: count, stored: untilStored(deps, new Date(from), new Date(end), count, rate) };
}

async function untilStored(deps: SeedDeps, from: Date, to: Date, count: number, rate: number): Promise<void> {
  const started = Date.now();
  // A few seconds of the live demo at most: the detector's first read then has every second.
  const caughtUp = Math.max(200, 2 * rate);
  let stored = 0;
  while (!deps.signal.aborted && Date.now() - started < storedWithinMs) {
    try {
      stored = (await deps.seconds.streamSeconds([AllStreamsId], from, to)).reduce((sum, s) => sum + s.count, 0);
      if (stored >= count && (deps.backlog() ?? Infinity) <= caughtUp) {
        log.info({ messages: stored, seconds: Math.round((Date.now() - started) / 1000) }, 'demo history stored');
        return;
      }
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'reading the stored demo history failed; trying again');
    }
    await sleep(pollMs, undefined, { signal: deps.signal }).catch(() => undefined);
  }
  if (!deps.signal.aborted) log.warn({ stored, sent: count }, 'demo history not all stored in time; the detector starts with what there is');
}
