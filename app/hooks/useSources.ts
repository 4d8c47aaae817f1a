/**
 * The sources the view's stream stored in its window (`GET /api/sources`), for the source
 * filter's suggestions: loaded when the stream or the window changes, and again on `refresh()`
 * (the field got focus: a live window has moved on since).
 */
import { useCallback, useEffect, useState } from 'react';
import { fetchSources, type SourceCount } from '../lib/sources-api.ts';
import { windowRange, type View } from '../lib/view.ts';

export function useSources(view: View): { sources: SourceCount[]; refresh(): void } {
  const [sources, setSources] = useState<SourceCount[]>([]);
  const [refreshes, setRefreshes] = useState(0);
  const { stream, window } = view;
  const windowKey = JSON.stringify(window);

  useEffect(() => {
    const abort = new AbortController();
    const { from, to } = windowRange(window, Date.now());
    // Suggestions only: when they cannot be loaded the field still takes any name, so a failure keeps the last list.
    fetchSources({ stream, from, to }, abort.signal).then(setSources, () => {});
    return () => abort.abort();
    // `windowKey` is the window's identity; the object itself is new on every render.
  }, [stream, windowKey, refreshes]);

  const refresh = useCallback(() => setRefreshes((n) => n + 1), []);
  return { sources, refresh };
}
