'use client';
import { Labels } from '../../../lib/contracts/messages.ts';
import type { Comparison, SetFigures } from '../../lib/training-api.ts';
import { DataTable } from '../DataTable.tsx';

const pct = (x: number | undefined) => (x === undefined ? '–' : `${(100 * x).toFixed(1)}`);

/** Challenger beside champion, per evaluation set and class: precision / recall / F1, then accuracy and macro recall. */
export function ModelComparison({ comparisons, championVersion }: { comparisons: readonly Comparison[]; championVersion: string }) {
  return (
    <div className="space-y-1" data-testid="model-comparison">
      <p className="text-slate-700">
        Challenger vs champion (<code className="text-xs">{championVersion}</code>), in %: precision / recall / F1 per class, measured with the runtime that serves.
      </p>
      <DataTable testId="comparison-table" caption="Challenger against champion per set and class" columns={[{ label: 'Set' }, { label: 'Model' }, ...Labels.map((l) => ({ label: l })), { label: 'Accuracy', numeric: true }, { label: 'Macro recall', numeric: true }]}>
        {comparisons.flatMap((c) => [
          <FiguresRow key={`${c.set}-challenger`} set={`${c.set} (n = ${c.challenger.n})`} model="challenger" figures={c.challenger} better={c.challenger.macroRecall > c.champion.macroRecall} />,
          <FiguresRow key={`${c.set}-champion`} set="" model="champion" figures={c.champion} better={false} />,
        ])}
      </DataTable>
    </div>
  );
}

function FiguresRow({ set, model, figures, better }: { set: string; model: string; figures: SetFigures; better: boolean }) {
  return (
    <tr className={set ? 'border-t border-slate-200' : ''} data-testid={`comparison-${model}`}>
      <td className="px-2 py-1">{set}</td>
      <td className="px-2 py-1">{model}</td>
      {Labels.map((l) => {
        const f = figures.classes[l];
        return <td key={l} className="px-2 py-1 tabular-nums">{f ? `${pct(f.precision)} / ${pct(f.recall)} / ${pct(f.f1)}` : '–'}</td>;
      })}
      <td className="px-2 py-1 text-right tabular-nums">{pct(figures.accuracy)}</td>
      <td className={`px-2 py-1 text-right tabular-nums ${better ? 'font-semibold' : ''}`}>{pct(figures.macroRecall)}</td>
    </tr>
  );
}
