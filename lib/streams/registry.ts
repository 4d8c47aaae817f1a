/**
 * The streams every running process works with, kept current from the store: classifier
 * members match messages through it and the detector follows its list. It re-reads the
 * `streams` table every `pollMs` (default 1 s), so a saved change reaches every process,
 * embedded or distributed, within about a second and a half without a restart; queries are
 * recompiled only for the versions that changed (StreamCompiler).
 */
import { log } from '../log.ts';
import type { RawMessage } from '../message.ts';
import type { StreamRepository } from '../store/streams.ts';
import { StreamCompiler, noStreams, type StreamMatcher } from './matcher.ts';
import type { StreamRecord } from './stream.ts';

export interface StreamRegistryOptions {
  pollMs: number;
}

type Listener = (streams: readonly StreamRecord[]) => void;

export class StreamRegistry implements StreamMatcher {
  private matcher: StreamMatcher = noStreams;
  private readonly compiler = new StreamCompiler();
  private current: readonly StreamRecord[] = [];
  private fingerprint = '';
  private readonly listeners = new Set<Listener>();
  private timer: NodeJS.Timeout | undefined;
  /** The last read asked for; each read waits for the one before (see refresh). */
  private reading: Promise<void> = Promise.resolve();
  private readsUnderWay = 0;

  private constructor(private readonly store: Pick<StreamRepository, 'list'>) {}

  /** Reads the streams once (a store that does not answer fails the start) and keeps polling. */
  static async start(store: Pick<StreamRepository, 'list'>, options: StreamRegistryOptions): Promise<StreamRegistry> {
    const registry = new StreamRegistry(store);
    await registry.refresh();
    registry.timer = setInterval(() => {
      // A store slower than the poll gets one read at a time, not a queue that grows.
      if (registry.readsUnderWay > 0) return;
      registry.refresh().catch((err: unknown) => {
        log.warn({ err: (err as Error).message }, 'reading the streams failed; matching with the last ones read');
      });
    }, options.pollMs);
    registry.timer.unref();
    return registry;
  }

  match(message: RawMessage): string[] {
    return this.matcher.match(message);
  }

  /** The streams as last read (deleted ones excluded), by name. */
  get streams(): readonly StreamRecord[] {
    return this.current;
  }

  /** Called after every change of the list (a stream added, changed or deleted). */
  onChange(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Reads the store once a read under way has ended; also what the poll runs. Reads never
   * overlap: one begun before a change and ended after a later one would put back the list from
   * before the change until the next poll (a stream just saved missing from matching).
   */
  refresh(): Promise<void> {
    this.readsUnderWay++;
    const read = this.reading
      .catch(() => undefined)
      .then(() => this.read())
      .finally(() => this.readsUnderWay--);
    this.reading = read;
    return read;
  }

  private async read(): Promise<void> {
    const streams = await this.store.list();
    const fingerprint = streams.map((s) => `${s.id}@${s.version}`).join(' ');
    if (fingerprint === this.fingerprint) return;
    const update = this.compiler.update(streams.map((s) => ({ id: s.id, version: s.version, query: s.query, sources: s.sources })));
    // Stored queries were checked when saved; one that no longer parses (a newer grammar wrote it)
    // is left out, loudly, and the other streams keep matching.
    for (const r of update.rejected) log.error({ stream: r.id, version: r.version, err: r.error.message }, 'stream query does not compile; stream skipped');
    this.matcher = update.matcher;
    this.current = streams;
    this.fingerprint = fingerprint;
    if (update.compiled.length) log.info({ compiled: update.compiled, streams: streams.length }, 'keyword streams reloaded');
    for (const listener of this.listeners) listener(streams);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.reading.catch(() => undefined);
  }
}
