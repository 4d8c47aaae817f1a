/**
 * The overview's previous period: the sums over [from − length, from) for the view's stream and
 * source, the KPI cards' baseline. Asked from `/api/stats` when the view changes, then every
 * 30 s while its window slides: a baseline that moves by seconds per tick is not worth a query
 * per tick, and the cards' deltas stay within half a minute of exact.
 */
import { useEffect, useState } from 'react';
import { resolveWindow } from '../../lib/contracts/live.ts';
import { errorText, fetchStats } from '../lib/api.ts';
import { totals, type Totals } from '../lib/series.ts';
import { viewQuery, type View } from '../lib/view.ts';

const refreshMs = 30_000;

export type PreviousPeriod =
  | { state: 'loading' }
  | { state: 'loaded'; totals: Totals; lengthMs: number }
  | { state: 'failed'; message: string };

export function usePreviousPeriod(view: View): PreviousPeriod {
  const key = viewQuery(view);
  const [previous, setPrevious] = useState<{ key: string; period: PreviousPeriod } | null>(null);

  useEffect(() => {
    const abort = new AbortController();
    const load = () => {
      // The window as the series has it (from aligned to its bucket), so both periods are the same length.
      const { from, to } = resolveWindow(view.window, Date.now());
      const lengthMs = to - from;
      // One bucket per hour is enough for sums: the range, not the bucket, decides which seconds count.
      fetchStats({ stream: view.stream, source: view.source, from: from - lengthMs, to: from, bucket: '1h' }, abort.signal).then(
        (res) => setPrevious({ key, period: { state: 'loaded', totals: totals(res.buckets), lengthMs } }),
        (err: unknown) => abort.signal.aborted || setPrevious({ key, period: { state: 'failed', message: errorText(err) } }),
      );
    };
    load();
    const timer = typeof view.window === 'string' ? setInterval(load, refreshMs) : undefined;
    return () => {
      abort.abort();
      clearInterval(timer);
    };
    // `key` is the view's identity; the view object itself is new on every render.
  }, [key]);

  return previous?.key === key ? previous.period : { state: 'loading' };
}
