/** The keyword streams (`GET /api/streams`), loaded once and again on `reload()` (after a save). */
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorText } from '../lib/api.ts';
import { listStreams, type PublicStream } from '../lib/streams-api.ts';

export interface StreamsList {
  /** Null until the first answer. */
  streams: PublicStream[] | null;
  /** Stream id → name, for lists that show ids. */
  names: ReadonlyMap<string, string>;
  error: string | null;
  reload(): void;
}

export function useStreams(): StreamsList {
  const [streams, setStreams] = useState<PublicStream[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    const abort = new AbortController();
    listStreams(abort.signal).then(
      (list) => {
        setStreams([...list].sort((a, b) => a.name.localeCompare(b.name)));
        setError(null);
      },
      (err: unknown) => abort.signal.aborted || setError(errorText(err)),
    );
    return () => abort.abort();
  }, [reloads]);

  const names = useMemo(() => new Map((streams ?? []).map((s) => [s.id, s.name])), [streams]);
  const reload = useCallback(() => setReloads((n) => n + 1), []);
  return { streams, names, error, reload };
}
