'use client';
import { useState } from 'react';
import { Buckets } from '../../lib/contracts/api.ts';
import type { Label } from '../../lib/contracts/messages.ts';
import { useOverview } from '../hooks/useOverview.ts';
import { useSession } from '../hooks/useSession.ts';
import { useStreams } from '../hooks/useStreams.ts';
import { useUrlState } from '../hooks/useUrlState.ts';
import { clock } from '../lib/format.ts';
import { labelStyles } from '../lib/palette.ts';
import type { Selection } from '../lib/selection.ts';
import { totals } from '../lib/series.ts';
import { parseView, ViewParams, viewQuery, windowTitle } from '../lib/view.ts';
import { AlertBanner } from './AlertBanner.tsx';
import { AlertList } from './AlertList.tsx';
import { CompareLink } from './compare/CompareLink.tsx';
import { ConnectionBadge } from './ConnectionBadge.tsx';
import { DistributionChart } from './DistributionChart.tsx';
import { DrillDown } from './DrillDown.tsx';
import { EmptyNotice } from './EmptyNotice.tsx';
import { FilterForm } from './FilterForm.tsx';
import { Kpis } from './Kpis.tsx';
import { LabelAgreement } from './LabelAgreement.tsx';
import { LiveFeed } from './LiveFeed.tsx';
import { Notice } from './Notice.tsx';
import { TermsPanel } from './TermsPanel.tsx';
import { TrendChart } from './TrendChart.tsx';
import { VolumeChart } from './VolumeChart.tsx';
import { WindowSelector } from './WindowSelector.tsx';

/** The overview page: view controls, open alerts, counters, charts, live feed and the drill-down. */
export function Dashboard() {
  const [view, setView] = useUrlState(parseView, viewQuery, ViewParams);
  const { overview, togglePause, reload, applyAlert } = useOverview(view);
  const { streams, names } = useStreams();
  const { can } = useSession();
  // A selection belongs to the view it was made in; another view starts without one.
  const [selection, setSelection] = useState<{ view: string; selection: Selection } | null>(null);
  const viewKey = viewQuery(view);
  const drill = selection?.view === viewKey ? selection.selection : null;
  const select = (s: Selection) => setSelection({ view: viewKey, selection: s });

  const { series, error } = overview;
  const sums = totals(series?.points ?? []);
  const pickLabel = (label: Label) =>
    series && select({ title: `${labelStyles[label].name}, ${windowTitle(view.window)}`, from: series.from, to: series.to, label });
  const pickTime = (t: number) =>
    series && select({ title: `${series.bucket} bucket at ${clock(t)}`, from: t, to: t + Buckets[series.bucket] * 1000, label: null });
  const filtered = Boolean(view.stream || view.source);
  // The list under the charts names what their markers show: the alerts opened in the window (the banner has every open one).
  const marked = series ? overview.alerts.filter((a) => Date.parse(a.at) >= series.from && (series.live || Date.parse(a.at) < series.to)) : [];

  return (
    <>
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 bg-white px-4 py-3">
        <h1 className="text-xl font-bold">Pulse <span className="font-normal text-slate-600">live sentiment</span></h1>
        <WindowSelector value={view.window} onChange={(window) => setView({ ...view, window })} />
        <FilterForm view={view} streams={streams} onChange={setView} />
        <ConnectionBadge connection={overview.connection} streaming={overview.streaming} />
      </header>

      <main className="grid gap-4 p-4 xl:grid-cols-[minmax(0,1fr)_26rem]">
        <AlertBanner alerts={overview.alerts} names={names} canAct={can('edit')} onChange={applyAlert} />
        {overview.alertsError && (
          <p role="status" className="text-sm text-slate-700 xl:col-span-2">
            ⚠ Alerts raised before this page opened could not be loaded ({overview.alertsError}); new ones still show.{' '}
            <button type="button" onClick={reload} className="rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Retry</button>
          </p>
        )}
        <div className="min-w-0 space-y-4">
          {error && (
            <Notice kind="error" title="The statistics could not be loaded">
              {error}{' '}
              <button type="button" onClick={reload} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">
                Retry
              </button>
            </Notice>
          )}
          <Kpis view={view} series={series} throughput={overview.status?.throughput ?? null} lag={overview.lag} classifiers={overview.status?.classifiers ?? null} />
          {!view.stream && <CompareLink view={view} />}
          <LabelAgreement view={view} />
          {!series ? (
            !error && <p role="status" className="text-sm text-slate-600">Loading the {windowTitle(view.window)}…</p>
          ) : sums.count === 0 ? (
            <EmptyNotice view={view} series={series} names={names} onChange={setView} />
          ) : (
            <>
              <div className="grid gap-4 lg:grid-cols-[16rem_minmax(0,1fr)]">
                <DistributionChart totals={sums} onPick={pickLabel} />
                <TrendChart series={series} alerts={overview.alerts} onPick={pickTime} />
              </div>
              <VolumeChart series={series} alerts={overview.alerts} onPick={pickTime} />
            </>
          )}
          <TermsPanel view={view} onPick={select} />
          <AlertList alerts={marked} names={names} />
          {drill ? (
            <DrillDown key={JSON.stringify(drill)} view={view} selection={drill} onClose={() => setSelection(null)} />
          ) : (
            series && sums.count > 0 && <p className="text-sm text-slate-600">Click a slice, a legend entry or a point in time (or focus a chart and press Enter) to list the messages behind it.</p>
          )}
        </div>
        <LiveFeed feed={overview.feed} live={overview.connection.state === 'open'} filtered={filtered} onTogglePause={togglePause} />
      </main>
    </>
  );
}
