/**
 * The demo inside `npm start` (PULSE_DEMO): on a store's first run the example streams
 * (examples.ts) and the minutes of history before the start (seed.ts), then the live replay of
 * the demo's data (data.ts) and the scripted incidents (incident.ts), all through the ingest
 * every other message takes.
 */
import type { Config } from '../config.ts';
import { runReplay, type OutgoingMessage } from '../ingest/replay.ts';
import { log } from '../log.ts';
import type { SignalRepository } from '../store/signals.ts';
import type { StreamRepository } from '../store/streams.ts';
import type { StreamCatalog } from '../streams/catalog.ts';
import type { StreamRegistry } from '../streams/registry.ts';
import { demoRows } from './data.ts';
import { offerExamples } from './examples.ts';
import { runIncidents } from './incident.ts';
import { seedHistory, type SeededMessage } from './seed.ts';

export interface DemoDeps {
  config: Pick<Config, 'demo' | 'datasetsDir'>;
  streams: Pick<StreamRepository, 'everHeld'>;
  catalog: Pick<StreamCatalog, 'createExamples'>;
  /** The process's streams: reloaded once the examples exist, so the history is matched against them. */
  registry: Pick<StreamRegistry, 'refresh' | 'streams'>;
  seconds: Pick<SignalRepository, 'streamSeconds'>;
  /** The classifiers' backlog (lib/classify/lag.ts `backlog`). */
  backlog(): number | undefined;
  /** The demo's ingest. */
  send(messages: ReadonlyArray<OutgoingMessage | SeededMessage>): Promise<void>;
}

export interface Demo {
  /**
   * Resolves once the first run's history is stored and classified (at once when there is none);
   * never rejects. The detector starts then: it reads a stream's past only when it first sees it.
   */
  historyStored: Promise<void>;
  /** Stops the replay and the incidents; resolves once their last send has finished. */
  stop(): Promise<void>;
}

export async function startDemo(deps: DemoDeps): Promise<Demo> {
  const { demo } = deps.config;
  const rows = demoRows(deps.config.datasetsDir);
  const startedAt = Date.now();
  const abort = new AbortController();
  let seeded = { sent: 0, stored: Promise.resolve() };
  if ((await offerExamples(deps)).length) {
    await deps.registry.refresh();
    seeded = await seedHistory({ ...deps, signal: abort.signal }, rows, demo.rate);
  }
  // The live replay goes on where the history stopped.
  const offset = seeded.sent % rows.length;
  const replay = runReplay({
    rows: [...rows.slice(offset), ...rows.slice(0, offset)], dataset: 'demo', rate: demo.rate, loop: true, signal: abort.signal, send: deps.send,
  });
  // Not before the detector has its baseline: an incident it cannot judge would show nothing.
  const incidents = seeded.stored
    .then(() =>
      runIncidents({
        schedule: demo.incident, startedAt, rows, demoRate: demo.rate, signal: abort.signal, send: deps.send, streams: () => deps.registry.streams,
      }),
    )
    .catch((err: unknown) => log.warn({ err: (err as Error).message }, 'demo incidents stopped by an error'));
  log.info({ rate: demo.rate, incident: demo.incident.afterMs ? demo.incident : 'off' }, 'demo replay running (PULSE_DEMO=0 turns it off)');
  return {
    // Cut short by a stop, it stays pending: a stopping server does not start its detector.
    historyStored: seeded.stored.then(() => (abort.signal.aborted ? new Promise<void>(() => undefined) : undefined)),
    stop: async () => {
      abort.abort();
      await Promise.all([replay, incidents]);
    },
  };
}
