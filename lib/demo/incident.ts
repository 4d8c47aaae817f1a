/**
 * The demo's scripted incident: a negative storm in the example stream of a brand
 * ({@link incidentStreamId}), so a newcomer sees an alert open, explained, on the banner, and
 * the stream's trend react. A minute and a half after the start by default, then every 10
 * minutes (PULSE_DEMO_INCIDENT_AFTER / _EVERY). A storm is real negative texts of the demo's data
 * that match the stream as it is now (query and sources), sent for a minute at several times the
 * stream's usual rate through the demo's ingest, with current event times. Once the example is
 * removed there are no more: examples never come back.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DemoConfig } from '../config.ts';
import { runReplay, type OutgoingMessage, type ReplayRow } from '../ingest/replay.ts';
import { log } from '../log.ts';
import { compileStreams } from '../streams/matcher.ts';
import type { StreamRecord } from '../streams/stream.ts';
import { incidentStreamId } from './examples.ts';

export type IncidentSchedule = DemoConfig['incident'];

/** How long a storm lasts. */
export const stormSeconds = 60;
/** A storm's rate against the stream's usual one: far past a volume spike's 2× and a surge's. */
const stormFactor = 6;
/** At least this many messages per second, so a quiet stream's storm still fills the 30-s windows. */
const minStormRate = 5;

/**
 * The first incident due at or after `notBefore`: they start `afterMs` after `startedAt` and
 * repeat every `everyMs`. Null when there is none: `afterMs` 0 (off), or past the only one
 * (`everyMs` 0).
 */
export function nextIncidentAt(schedule: IncidentSchedule, startedAt: number, notBefore: number): number | null {
  if (schedule.afterMs <= 0) return null;
  const first = startedAt + schedule.afterMs;
  if (notBefore <= first) return first;
  if (schedule.everyMs <= 0) return null;
  return first + Math.ceil((notBefore - first) / schedule.everyMs) * schedule.everyMs;
}

export interface Storm {
  rows: ReplayRow[];
  /** Messages per second. */
  rate: number;
  /** Messages in all. */
  count: number;
}

/**
 * What a storm in `stream` sends: the demo's rows that the stream matches and people labelled
 * negative, at `stormFactor` times the rate the stream gets from the demo. Null when none match
 * (the stream was edited to something the demo's data does not hold).
 */
export function planStorm(stream: Pick<StreamRecord, 'id' | 'version' | 'query' | 'sources'>, rows: readonly ReplayRow[], demoRate: number): Storm | null {
  const matcher = compileStreams([{ id: stream.id, version: stream.version, query: stream.query, sources: stream.sources }]);
  const at = new Date().toISOString();
  // The sequence repeats its smaller part's rows (data.ts): each row is matched once.
  const hits = new Map<ReplayRow, boolean>();
  const matches = (r: ReplayRow) => {
    let hit = hits.get(r);
    if (hit === undefined) hits.set(r, (hit = matcher.match({ id: 'demo', ts: at, receivedAt: at, source: r.source ?? 'demo', text: r.text }).length > 0));
    return hit;
  };
  const matched = rows.filter(matches);
  const negative = matched.filter((r) => r.label === 'negative');
  if (!negative.length) return null;
  const usual = (matched.length / rows.length) * demoRate;
  const rate = Math.max(minStormRate, stormFactor * usual);
  // Distinct texts where there are enough: a storm repeats a text only when it must.
  const unique = [...new Map(negative.map((r) => [r.text, r])).values()];
  return { rows: unique, rate, count: Math.round(rate * stormSeconds) };
}

export interface IncidentDeps {
  schedule: IncidentSchedule;
  startedAt: number;
  /** The demo's sequence and rate (lib/demo/data.ts). */
  rows: readonly ReplayRow[];
  demoRate: number;
  /** The streams as they are now (the registry's list). */
  streams(): readonly StreamRecord[];
  send(messages: OutgoingMessage[]): Promise<void>;
  signal: AbortSignal;
}

/** Runs the incidents on their schedule until stopped, the schedule ends, or the example is removed. */
export async function runIncidents(deps: IncidentDeps): Promise<void> {
  let notBefore = Date.now();
  for (let n = 0; !deps.signal.aborted; n++) {
    // The first is due `afterMs` after the start, or at once where the history took longer to
    // store (a high demo rate): it is the one a newcomer waits for.
    const at = n === 0 && deps.schedule.afterMs > 0 ? Math.max(deps.startedAt + deps.schedule.afterMs, notBefore) : nextIncidentAt(deps.schedule, deps.startedAt, notBefore);
    if (at === null) return;
    await sleep(Math.max(0, at - Date.now()), undefined, { signal: deps.signal }).catch(() => undefined);
    if (deps.signal.aborted) return;
    notBefore = at + 1;
    const stream = deps.streams().find((s) => s.id === incidentStreamId && s.example);
    if (!stream) {
      log.info({ stream: incidentStreamId }, 'the example stream was removed: no more demo incidents');
      return;
    }
    const storm = planStorm(stream, deps.rows, deps.demoRate);
    if (!storm) {
      log.info({ stream: stream.id }, 'no negative demo texts match the example stream now; incident skipped');
      continue;
    }
    log.info({ stream: stream.id, rate: Math.round(storm.rate * 10) / 10, seconds: stormSeconds }, 'demo incident: a negative storm begins');
    // Each incident starts further into the texts, so the next one is not the same minute again.
    const offset = (n * storm.count) % storm.rows.length;
    await runReplay({
      rows: [...storm.rows.slice(offset), ...storm.rows.slice(0, offset)],
      dataset: 'demo', rate: storm.rate, loop: true, limit: storm.count, signal: deps.signal, send: deps.send,
    });
  }
}
