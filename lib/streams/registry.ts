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
  private reading: Promise<void> = Promise.resolve();

  private constructor(private readonly store: Pick<StreamRepository, 'list'>) {}

  /** Reads the streams once (a store that does not answer fails the start) and keeps polling. */
  static async start(store: Pick<StreamRepository, 'list'>, options: StreamRegistryOptions): Promise<StreamRegistry> {
    const registry = new StreamRegistry(store);
    await registry.refresh();
    registry.timer = setInterval(() => {
      registry.reading = registry.refresh().catch((err: unknown) => {
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

  /** Reads the store now; also what the poll runs. */
  async refresh(): Promise<void> {
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
    await this.reading;
  }
}
