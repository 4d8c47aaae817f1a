'use client';
import { useEffect, useState } from 'react';
import type { StreamBackfill } from '../../../lib/contracts/streams.ts';
import { count } from '../../lib/format.ts';
import { getStream } from '../../lib/streams-api.ts';

/** While a job waits or runs, its stream is read again this often. */
const pollMs = 2_000;

const active = (b: StreamBackfill | undefined) => b?.state === 'waiting' || b?.state === 'running';

/**
 * How far a stream's pass over the stored past has got (lib/streams/backfill/): messages
 * checked of those to check and how many were tagged, then the result once finished. It reads
 * its stream again every 2 s while the job is under way, so the list and the editor need not.
 */
export function BackfillProgress({ streamId, backfill }: { streamId: string; backfill: StreamBackfill | undefined }) {
  const [job, setJob] = useState(backfill);
  // A save (a new version, a new job) comes in through the props.
  useEffect(() => setJob(backfill), [backfill]);
  useEffect(() => {
    if (!active(job)) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      getStream(streamId, abort.signal).then((s) => setJob(s.backfill), () => undefined);
    }, pollMs);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [job, streamId]);

  if (!job || job.state === 'superseded') return null;
  const hours = Math.round((Date.parse(job.cutoff) - Date.parse(job.rangeFrom)) / 3_600_000);
  const untagged = job.removed ? ` · ${count(job.removed)} untagged` : '';
  return (
    <div className="mt-1 max-w-md text-xs text-slate-700" data-testid="backfill" data-state={job.state}>
      {job.state === 'waiting' && <p>Tagging the past {hours} h: starting once every process uses this version…</p>}
      {job.state === 'running' && (
        <>
          <p>
            Tagging the past {hours} h: {count(job.scanned)} of {count(job.total)} messages checked · {count(job.added)} tagged{untagged}
          </p>
          <progress className="h-1.5 w-full overflow-hidden rounded accent-[#0072B2]" max={Math.max(job.total, 1)} value={Math.min(job.scanned, job.total)} aria-label="Tagging the past" />
        </>
      )}
      {job.state === 'finished' && (
        <p>
          Past {hours} h: {count(job.matched)} messages tagged{untagged} (finished{' '}
          <time dateTime={job.finishedAt}>{job.finishedAt ? new Date(job.finishedAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit', hour12: false }) : ''}</time>)
        </p>
      )}
      {job.state === 'failed' && <p className="text-red-800">Tagging the past failed: {job.error ?? 'unknown error'}</p>}
    </div>
  );
}
