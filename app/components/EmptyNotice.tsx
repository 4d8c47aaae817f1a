'use client';
import { useEffect, useState } from 'react';
import { fetchStats } from '../lib/api.ts';
import { emptyNoticeText, filtersOf, withoutFilter, type CountsWithout, type FilterKind } from '../lib/empty-notice.ts';
import type { Series } from '../lib/series.ts';
import { viewQuery, windowTitle, type View } from '../lib/view.ts';
import { Notice } from './Notice.tsx';

/** How often a live window's counts without each filter are read again while the notice shows. */
const refreshMs = 15_000;

/**
 * The overview's notice for a window without messages. With filters on it names them, says how
 * many messages each one left out (`/api/stats` without it) and drops one in a click; without
 * filters nothing was classified, and it says how to send some.
 */
export function EmptyNotice({ view, series, names, onChange }: { view: View; series: Series; names: ReadonlyMap<string, string>; onChange(view: View): void }) {
  const kinds = filtersOf(view);
  const without = useCountsWithout(view, series, kinds);
  if (!kinds.length) {
    return (
      <Notice kind="empty" title={series.live ? 'No data yet — is the replay running?' : 'No messages in this range'}>
        Nothing was classified in the {windowTitle(view.window)}. Start a replay with{' '}
        <code>npm run replay -- --dataset tweeteval-val --rate 20</code> or POST messages to <code>/api/ingest</code>;
        {series.live ? ' this page updates by itself.' : ' or pick a live window.'}
      </Notice>
    );
  }
  const text = emptyNoticeText(view, view.stream ? (names.get(view.stream) ?? null) : null, without);
  return (
    <Notice kind="empty" title={text.title}>
      <div data-testid="empty-notice">
        {text.sentences.length ? text.sentences.join(' ') : 'Counting the messages each filter leaves out…'}
        <div className="mt-2 flex flex-wrap gap-2">
          {kinds.map((kind) => (
            <button
              key={kind}
              type="button"
              onClick={() => onChange(withoutFilter(view, kind))}
              className="rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100"
            >
              Drop the {kind} filter
            </button>
          ))}
        </div>
      </div>
    </Notice>
  );
}

/** Per filter of the view, the series window's messages without it; null until read (or when it cannot be). */
function useCountsWithout(view: View, series: Series, kinds: readonly FilterKind[]): CountsWithout {
  const [counts, setCounts] = useState<{ key: string; without: CountsWithout }>({ key: '', without: {} });
  const key = viewQuery(view);
  const { from, to, bucket, live } = series;

  useEffect(() => {
    if (!kinds.length) return;
    const abort = new AbortController();
    const load = () => {
      // A live window has slid since the series began: count over where it is now.
      const now = Date.now();
      const range = live ? { from: now - (to - from), to: now } : { from, to };
      void Promise.all(
        kinds.map(async (kind): Promise<[FilterKind, number | null]> => {
          const v = withoutFilter(view, kind);
          try {
            const res = await fetchStats({ stream: v.stream, source: v.source, ...range, bucket }, abort.signal);
            return [kind, res.buckets.reduce((n, b) => n + b.count, 0)];
          } catch {
            // Unknown: the notice then only names the filter; its button works all the same.
            return [kind, null];
          }
        }),
      ).then((entries) => abort.signal.aborted || setCounts({ key, without: Object.fromEntries(entries) }));
    };
    load();
    const timer = live ? setInterval(load, refreshMs) : undefined;
    return () => {
      abort.abort();
      clearInterval(timer);
    };
    // `key` is the view's identity (the objects are new on every render); the window's length is fixed per view.
  }, [key, live, bucket]);

  // Counts of another view are not this one's.
  return counts.key === key ? counts.without : {};
}
