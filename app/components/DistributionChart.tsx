'use client';
import type { Chart } from 'chart.js';
import { useMemo, useRef } from 'react';
import { Doughnut } from 'react-chartjs-2';
import { Labels, type Label } from '../../lib/contracts/messages.ts';
import { useChartKeys } from '../hooks/useChartKeys.ts';
import { ink } from '../lib/charts.ts';
import { count, percent } from '../lib/format.ts';
import { labelStyles } from '../lib/palette.ts';
import { labelFill } from '../lib/patterns.ts';
import type { Totals } from '../lib/series.ts';

/**
 * The window's label distribution. A slice (or its legend button, or ← → Enter on the chart)
 * opens the drill-down of that label's messages.
 */
export function DistributionChart({ totals, onPick }: { totals: Totals; onPick: (label: Label) => void }) {
  const chart = useRef<Chart<'doughnut'> | undefined>(undefined);
  const pick = (index: number) => onPick(Labels[index]!);
  const onKeyDown = useChartKeys(chart, pick);
  const data = useMemo(
    () => ({
      labels: Labels.map((l) => labelStyles[l].name),
      datasets: [
        {
          data: Labels.map((l) => totals[l]),
          backgroundColor: (ctx: { chart: Chart; dataIndex: number }) => labelFill(ctx.chart.ctx, Labels[ctx.dataIndex]!),
          borderColor: ink.surface,
          borderWidth: 2,
        },
      ],
    }),
    // The totals object is new on every render; its numbers are what the chart draws.
    [totals.negative, totals.neutral, totals.positive],
  );
  const summary = Labels.map((l) => `${labelStyles[l].name} ${count(totals[l])} (${percent(totals[l], totals.count)})`).join(', ');

  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-3">
      <figcaption className="mb-2 font-semibold">Sentiment distribution</figcaption>
      <div className="relative mx-auto h-48 w-48">
        <Doughnut
          ref={chart}
          data={data}
          updateMode="none"
          options={{
            animation: false,
            responsive: true,
            maintainAspectRatio: false,
            cutout: '55%',
            plugins: { legend: { display: false } },
            onClick: (_event, elements) => elements[0] && pick(elements[0].index),
          }}
          tabIndex={0}
          role="img"
          aria-label={`Distribution: ${summary}. Use the arrow keys and Enter to list a label's messages.`}
          onKeyDown={onKeyDown}
          data-testid="distribution-chart"
        />
      </div>
      <ul className="mt-3 space-y-1 text-sm">
        {Labels.map((l) => (
          <li key={l}>
            <button
              type="button"
              onClick={() => onPick(l)}
              className="flex w-full items-center gap-2 rounded px-1 text-left hover:bg-slate-100"
            >
              <span aria-hidden="true" className="inline-block h-3 w-3 rounded-sm" style={{ background: labelStyles[l].colour }} />
              <span aria-hidden="true">{labelStyles[l].glyph}</span>
              <span className="flex-1">{labelStyles[l].name}</span>
              <span className="tabular-nums">{count(totals[l])}</span>
              <span className="w-16 text-right tabular-nums text-slate-600">{percent(totals[l], totals.count)}</span>
              <span className="sr-only">: list these messages</span>
            </button>
          </li>
        ))}
      </ul>
    </figure>
  );
}
