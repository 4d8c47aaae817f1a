/**
 * One backfill job from where its row says it is to the end: wait until the version is live
 * everywhere, then walk the messages of the past in chunks of event time, let the version's
 * compiled query decide each candidate (the classifier's and the preview's test: compile.ts,
 * text.ts, source-key.ts) and move the ones it now matches into the stream and the ones it no
 * longer matches out of it (lib/store/retag.ts). The row is written after every chunk, so a
 * job stopped or killed resumes at the first chunk not done.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { log } from '../../log.ts';
import { sourceKey } from '../../source-key.ts';
import type { BackfillRepository } from '../../store/backfills.ts';
import type { RetagChunk, RetagRepository } from '../../store/retag.ts';
import { compileQuery } from '../compile.ts';
import { parseQuery } from '../query.ts';
import { analyze } from '../text.ts';
import type { BackfillJob } from './job.ts';

export interface BackfillDeps {
  jobs: Pick<BackfillRepository, 'save'>;
  retag: Pick<RetagRepository, 'count' | 'chunkEnd' | 'candidates' | 'change'>;
}

export interface RunOptions {
  /** After the cutoff, messages classified before it may still be on their way into the store. */
  inFlightMs: number;
  /** Messages per chunk, about (one event time is never split). */
  chunkSize: number;
  /** Between chunks, so that live traffic keeps the store's attention. */
  chunkPauseMs: number;
  now: () => number;
}

/**
 * Runs the job until it is finished, failed (both written) or `signal` aborts it (the row
 * keeps the last chunk done; a write in progress is finished first, never cut).
 */
export async function runBackfill(job: BackfillJob, deps: BackfillDeps, options: RunOptions, signal: AbortSignal): Promise<void> {
  const save = (change: Partial<BackfillJob>) => {
    Object.assign(job, change, { revision: job.revision + 1, updatedAt: new Date(options.now()).toISOString() });
    return deps.jobs.save(job);
  };
  try {
    const query = compileQuery(parseQuery(job.query));
    const needles = [...new Set(query.triggers.map((t) => t.replace(/^[#@]/, '')))];
    const sources = new Set(job.sources.map(sourceKey));
    const matches = (c: { source: string; text: string }) => (!sources.size || sources.has(sourceKey(c.source))) && query.test(analyze(c.text));
    const cutoff = new Date(job.cutoff);
    const range: RetagChunk = { from: new Date(job.rangeFrom), to: null, cutoff };
    if (job.state === 'waiting') {
      const wait = Date.parse(job.cutoff) + options.inFlightMs - options.now();
      if (!(await pause(wait, signal))) return;
      await save({ state: 'running', total: await deps.retag.count(range) });
      log.info({ stream: job.stream, version: job.version, total: job.total }, 'stream backfill running');
    }
    while (!signal.aborted) {
      const from = new Date(job.cursor);
      const chunk: RetagChunk = { from, to: await deps.retag.chunkEnd({ from, cutoff }, options.chunkSize), cutoff };
      const scanned = await deps.retag.count(chunk);
      const add: string[] = [];
      const remove: string[] = [];
      for (const c of await deps.retag.candidates(chunk, job.stream, needles)) {
        const match = matches(c);
        if (match && !c.tagged) add.push(c.id);
        else if (!match && c.tagged) remove.push(c.id);
      }
      if (add.length) await deps.retag.change(chunk, job.stream, add, 1);
      if (remove.length) await deps.retag.change(chunk, job.stream, remove, -1);
      const progress = { scanned: job.scanned + scanned, added: job.added + add.length, removed: job.removed + remove.length };
      if (!chunk.to) {
        const finishedAt = new Date(options.now()).toISOString();
        await save({ ...progress, state: 'finished', finishedAt, matched: await deps.retag.count(range, job.stream) });
        log.info({ stream: job.stream, version: job.version, scanned: job.scanned, added: job.added, removed: job.removed }, 'stream backfill finished');
        return;
      }
      await save({ ...progress, cursor: chunk.to.toISOString() });
      await pause(options.chunkPauseMs, signal);
    }
  } catch (err) {
    if (signal.aborted) return;
    log.error({ stream: job.stream, version: job.version, err: (err as Error).message }, 'stream backfill failed');
    await save({ state: 'failed', error: (err as Error).message, finishedAt: new Date(options.now()).toISOString() }).catch(() => undefined);
  }
}

/** Waits `ms`; false when aborted meanwhile. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (ms > 0) await sleep(ms, undefined, { signal }).catch(() => undefined);
  return !signal.aborted;
}
