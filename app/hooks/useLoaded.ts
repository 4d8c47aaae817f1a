/**
 * One list from the API (the keys, the users), loaded once and again on `reload()`; `update`
 * puts a change's answer in place at once, without waiting for the reload.
 */
import { useCallback, useEffect, useState } from 'react';
import { errorText } from '../lib/api.ts';

export interface Loaded<T> {
  /** Null until the first answer. */
  data: T | null;
  error: string | null;
  reload(): void;
  update(change: (data: T) => T): void;
}

/** `load` must keep its identity (a module's function): a new one loads again. */
export function useLoaded<T>(load: (signal: AbortSignal) => Promise<T>): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    load(abort.signal).then(
      (value) => {
        setData(value);
        setError(null);
      },
      (err: unknown) => abort.signal.aborted || setError(errorText(err)),
    );
    return () => abort.abort();
  }, [load, reloads]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const update = useCallback((change: (data: T) => T) => setData((d) => (d === null ? d : change(d))), []);
  return { data, error, reload, update };
}
