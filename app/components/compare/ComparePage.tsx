'use client';
import Link from 'next/link';
import { useCallback } from 'react';
import { useShare } from '../../hooks/useShare.ts';
import { useStreams } from '../../hooks/useStreams.ts';
import { useUrlState } from '../../hooks/useUrlState.ts';
import { compareQuery, overviewHref, parseCompareView } from '../../lib/compare-view.ts';
import { windowTitle } from '../../lib/view.ts';
import { Notice } from '../Notice.tsx';
import { WindowSelector } from '../WindowSelector.tsx';
import { CompareChart } from './CompareChart.tsx';
import { ShareTable } from './ShareTable.tsx';
import { StreamPicker } from './StreamPicker.tsx';

/** Share of voice: several keyword streams side by side over a window, against the period before it. */
export function ComparePage() {
  const [view, setView] = useUrlState(parseCompareView, compareQuery);
  const { streams, names, error: streamsError } = useStreams();
  const { share, error } = useShare(view);
  const hrefOf = useCallback((stream: string) => overviewHref(view, stream), [view]);
  const noneChosen = view.streams?.length === 0;

  return (
    <>
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 bg-white px-4 py-3">
        <h1 className="text-xl font-bold">Compare streams <span className="font-normal text-slate-600">share of voice</span></h1>
        <WindowSelector value={view.window} onChange={(window) => setView({ ...view, window })} />
        {streams && streams.length > 0 && <StreamPicker streams={streams} chosen={view.streams} onChange={(chosen) => setView({ ...view, streams: chosen })} />}
        {view.source && (
          <span className="text-sm text-slate-700">
            Source “{view.source}”{' '}
            <button type="button" onClick={() => setView({ ...view, source: null })} className="rounded border border-slate-400 px-1.5 hover:bg-slate-100">
              Clear
            </button>
          </span>
        )}
      </header>
      <main className="space-y-4 p-4">
        {(error ?? streamsError) && (
          <Notice kind="error" title="The comparison could not be loaded">{error ?? streamsError}</Notice>
        )}
        {streams?.length === 0 ? (
          <Notice kind="empty" title="No keyword streams to compare">
            Create streams on the <Link href="/streams" className="underline">Streams</Link> page; each one’s messages then show here side by side.
          </Notice>
        ) : noneChosen ? (
          <Notice kind="empty" title="No stream chosen">Tick at least one stream to compare.</Notice>
        ) : !share ? (
          !error && <p role="status" className="text-sm text-slate-600">Loading the {windowTitle(view.window)}…</p>
        ) : (
          <>
            <CompareChart share={share} names={names} measure={view.measure} onMeasure={(measure) => setView({ ...view, measure })} />
            <ShareTable share={share} names={names} hrefOf={hrefOf} />
          </>
        )}
      </main>
    </>
  );
}
