/**
 * The comparison page's data: `/api/share` for its streams, window and source, asked again every
 * 15 s while the window slides. Several streams' lines are read for their shape, not second by
 * second, so the page polls instead of holding a live subscription per stream.
 */
import { Buckets, type Bucket, type ShareResponse } from '../../lib/contracts/api.ts';
import { resolveWindow, type LiveWindow } from '../../lib/contracts/live.ts';
import { compareQuery, type CompareView } from '../lib/compare-view.ts';
import { fetchShare } from '../lib/share-api.ts';
import { useRefreshed } from './useRefreshed.ts';

const refreshMs = 15_000;
const maxPoints = 300;
const minBucket: Bucket = '10s';

/**
 * The finest bucket of at least 10 s that keeps each line within 300 points: 10 s for 5 min,
 * 1 min for an hour, 5 min for a day. Finer, a slow stream's line is mostly zeros and spikes.
 */
export function compareBucket(window: LiveWindow): Bucket {
  const { from, to } = resolveWindow(window, Date.now());
  const sizes = (Object.keys(Buckets) as Bucket[]).filter((b) => Buckets[b] >= Buckets[minBucket]);
  return sizes.find((b) => (to - from) / (Buckets[b] * 1000) <= maxPoints) ?? '1h';
}

export interface ShareState {
  /** The latest answer for this view; null until the first. */
  share: ShareResponse | null;
  error: string | null;
}

export function useShare(view: CompareView): ShareState {
  // The measure only changes what is drawn, not what is asked.
  const key = compareQuery({ ...view, measure: 'volume' });
  const load = (signal: AbortSignal) => {
    const { from, to } = resolveWindow(view.window, Date.now());
    return fetchShare({ streams: view.streams, source: view.source, from, to, bucket: compareBucket(view.window) }, signal);
  };
  const { value, error } = useRefreshed(key, view.streams?.length === 0 ? null : load, typeof view.window === 'string' ? refreshMs : null);
  return { share: value, error };
}
