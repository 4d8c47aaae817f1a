/**
 * Which keyword streams a message belongs to. The classifier calls `match` once per message
 * and stores the ids with the scored message.
 *
 * A message's text is normalised and split into words once (text.ts), whatever the number of
 * streams. Streams are indexed by their queries' triggers (compile.ts), so a message only
 * evaluates the few streams that share a word with it; the rest cost nothing.
 */
import { PulseError } from '../errors.ts';
import type { RawMessage } from '../message.ts';
import { sourceKey } from '../source-key.ts';
import { compileQuery, type CompiledQuery } from './compile.ts';
import { parseQuery, StreamQueryError } from './query.ts';
import { analyze } from './text.ts';

export interface StreamMatcher {
  /** Ids of the matching streams, in the order the streams were defined. */
  match(message: RawMessage): string[];
}

export const noStreams: StreamMatcher = { match: () => [] };

export interface StreamDefinition {
  id: string;
  /** Bumped whenever the query changes: a compiled query is reused for as long as it stays. */
  version: number;
  query: string;
  /** Only messages from these sources (without regard to case); absent or empty: every source. */
  sources?: readonly string[];
}

export interface StreamUpdate {
  matcher: StreamMatcher;
  /** Ids whose query was parsed and compiled by this update (new or changed versions). */
  compiled: string[];
  /** Streams left out because their query is invalid; the others match as usual. */
  rejected: Array<{ id: string; version: number; error: StreamQueryError }>;
}

interface Entry {
  /** Position in the definitions, which orders match()'s answer. */
  order: number;
  id: string;
  query: CompiledQuery;
  /** Source keys ({@link sourceKey}). */
  sources: ReadonlySet<string> | null;
}

class IndexedMatcher implements StreamMatcher {
  private readonly byTrigger = new Map<string, Entry[]>();

  constructor(entries: readonly Entry[]) {
    for (const e of entries) {
      for (const key of e.query.triggers) {
        const list = this.byTrigger.get(key);
        if (list) list.push(e);
        else this.byTrigger.set(key, [e]);
      }
    }
  }

  match(message: RawMessage): string[] {
    if (this.byTrigger.size === 0) return [];
    const words = analyze(message.text);
    const tried = new Set<Entry>();
    const hits: Entry[] = [];
    for (const key of words.keys) {
      const candidates = this.byTrigger.get(key);
      if (!candidates) continue;
      for (const e of candidates) {
        // A stream with several triggers in one message is evaluated once.
        if (tried.has(e)) continue;
        tried.add(e);
        if ((!e.sources || e.sources.has(sourceKey(message.source))) && e.query.test(words)) hits.push(e);
      }
    }
    return hits.length > 1 ? hits.sort((a, b) => a.order - b.order).map((e) => e.id) : hits.map((e) => e.id);
  }
}

/**
 * Keeps compiled queries across reloads: `update` with the full current list of streams
 * recompiles only those whose (id, version) it has not seen, and returns a new matcher for the
 * caller to swap in; the previous matcher keeps working until then.
 */
export class StreamCompiler {
  private cache = new Map<string, { version: number; query: CompiledQuery }>();

  update(definitions: readonly StreamDefinition[]): StreamUpdate {
    const cache = new Map<string, { version: number; query: CompiledQuery }>();
    const entries: Entry[] = [];
    const compiled: string[] = [];
    const rejected: StreamUpdate['rejected'] = [];
    const seen = new Set<string>();
    for (const def of definitions) {
      if (seen.has(def.id)) throw new PulseError('INPUT_INVALID', `stream id ${JSON.stringify(def.id)} is defined twice`);
      seen.add(def.id);
      let cached = this.cache.get(def.id);
      if (cached?.version !== def.version) {
        try {
          cached = { version: def.version, query: compileQuery(parseQuery(def.query)) };
        } catch (err) {
          if (!(err instanceof StreamQueryError)) throw err;
          rejected.push({ id: def.id, version: def.version, error: err });
          continue;
        }
        compiled.push(def.id);
      }
      cache.set(def.id, cached);
      const sources = def.sources?.length ? new Set(def.sources.map(sourceKey)) : null;
      entries.push({ order: entries.length, id: def.id, query: cached.query, sources });
    }
    // Streams no longer defined drop out of the cache here.
    this.cache = cache;
    return { matcher: new IndexedMatcher(entries), compiled, rejected };
  }
}

/** One-shot compilation; any invalid query throws its StreamQueryError, naming the stream. */
export function compileStreams(definitions: readonly StreamDefinition[]): StreamMatcher {
  const { matcher, rejected } = new StreamCompiler().update(definitions);
  const [first] = rejected;
  if (first) throw new StreamQueryError({ ...first.error.detail, message: `stream ${first.id}: ${first.error.detail.message}` });
  return matcher;
}
