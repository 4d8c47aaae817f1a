/**
 * An answer that belongs to a key (a view's identity): loaded when the key changes, again every
 * `refreshMs` while that is set (a live window moving on), and whenever `reloadOn` calls back. A
 * failed load keeps the key's last answer beside its error; an earlier key's answer is never
 * returned. `load` is read when the key changes, so the key must name everything it asks; null
 * asks nothing.
 */
import { useEffect, useState } from 'react';
import { errorText } from '../lib/api.ts';

export interface Refreshed<T> {
  /** Null until the key's first answer. */
  value: T | null;
  error: string | null;
}

export function useRefreshed<T>(
  key: string,
  load: ((signal: AbortSignal) => Promise<T>) | null,
  refreshMs: number | null,
  reloadOn?: (reload: () => void) => () => void,
): Refreshed<T> {
  const [state, setState] = useState<Refreshed<T> & { key: string }>({ key, value: null, error: null });

  useEffect(() => {
    if (!load) return;
    const abort = new AbortController();
    const run = () => {
      load(abort.signal).then(
        (value) => setState({ key, value, error: null }),
        (err: unknown) => abort.signal.aborted || setState((s) => ({ key, value: s.key === key ? s.value : null, error: errorText(err) })),
      );
    };
    run();
    const stopListening = reloadOn?.(run);
    const timer = refreshMs === null ? undefined : setInterval(run, refreshMs);
    return () => {
      abort.abort();
      stopListening?.();
      clearInterval(timer);
    };
    // `key` is the identity of what is loaded; `load` is a new function on every render.
  }, [key]);

  return state.key === key ? { value: state.value, error: state.error } : { value: null, error: null };
}
