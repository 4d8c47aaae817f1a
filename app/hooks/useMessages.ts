/** One drill-down listing: the first page of `/api/messages` for a query, then "load more" pages. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { StoredMessage } from '../../lib/contracts/messages.ts';
import { ApiError, fetchMessages, type MessagesQuery } from '../lib/api.ts';

const pageSize = 50;

export interface MessagesList {
  messages: StoredMessage[];
  loading: boolean;
  error: string | null;
  more: boolean;
  loadMore(): void;
}

export function useMessages(query: MessagesQuery): MessagesList {
  const key = JSON.stringify(query);
  const [state, setState] = useState<{ key: string; messages: StoredMessage[]; cursor?: string; loading: boolean; error: string | null }>({
    key, messages: [], loading: true, error: null,
  });
  const abort = useRef<AbortController | null>(null);

  const load = useCallback(
    (cursor: string | undefined, previous: StoredMessage[]) => {
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      setState({ key, messages: previous, loading: true, error: null });
      fetchMessages({ ...(JSON.parse(key) as MessagesQuery), limit: pageSize, ...(cursor ? { cursor } : {}) }, controller.signal).then(
        (page) => setState({ key, messages: [...previous, ...page.messages], ...(page.nextCursor ? { cursor: page.nextCursor } : {}), loading: false, error: null }),
        (err: unknown) => {
          if (controller.signal.aborted) return;
          const message = err instanceof ApiError ? `${err.message} (${err.code})` : String(err);
          setState({ key, messages: previous, loading: false, error: message });
        },
      );
    },
    [key],
  );

  useEffect(() => {
    load(undefined, []);
    return () => abort.current?.abort();
  }, [load]);

  return {
    messages: state.key === key ? state.messages : [],
    loading: state.key !== key || state.loading,
    error: state.key === key ? state.error : null,
    more: state.key === key && Boolean(state.cursor),
    loadMore: () => state.cursor && load(state.cursor, state.messages),
  };
}
