/**
 * The preview of a draft stream (`POST /api/streams/preview`), run half a second after the
 * last edit (and at once with `run()`); an edit aborts the preview still on its way. The
 * answer names the input it belongs to, so a query error is marked only on the text it is about.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError, errorText } from '../lib/api.ts';
import { previewStream, type PreviewInput, type PreviewResult } from '../lib/streams-api.ts';

const debounceMs = 500;

export interface Preview {
  /** The input the answer (result or error) is for. */
  input: PreviewInput;
  result: PreviewResult | null;
  error: ApiError | null;
  /** A failure that is not the server's answer (network). */
  failure: string | null;
}

export interface PreviewState {
  preview: Preview | null;
  /** A preview of the current input is pending or on its way. */
  loading: boolean;
  run(): void;
}

export function useStreamPreview(input: PreviewInput | null): PreviewState {
  const key = input ? JSON.stringify(input) : '';
  const [preview, setPreview] = useState<Preview | null>(null);
  const [loadingKey, setLoadingKey] = useState<string | null>(null);
  const abort = useRef<AbortController | null>(null);

  const load = useCallback((key: string) => {
    abort.current?.abort();
    if (!key) return setLoadingKey(null);
    const controller = new AbortController();
    abort.current = controller;
    const input = JSON.parse(key) as PreviewInput;
    setLoadingKey(key);
    previewStream(input, controller.signal).then(
      (result) => setPreview({ input, result, error: null, failure: null }),
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setPreview({ input, result: null, error: err instanceof ApiError && err.code !== 'NETWORK' ? err : null, failure: errorText(err) });
      },
    ).finally(() => abort.current === controller && setLoadingKey(null));
  }, []);

  useEffect(() => {
    abort.current?.abort();
    abort.current = null;
    if (!key) return setLoadingKey(null);
    setLoadingKey(key);
    const timer = setTimeout(() => load(key), debounceMs);
    return () => clearTimeout(timer);
  }, [key, load]);

  useEffect(() => () => abort.current?.abort(), []);

  return { preview, loading: loadingKey !== null && loadingKey === key, run: () => load(key) };
}
