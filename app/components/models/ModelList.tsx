'use client';
import { useState } from 'react';
import { clock } from '../../lib/format.ts';
import type { ModelSummary, ModelsResponse, TrainedModelMetrics } from '../../lib/training-api.ts';
import { DataTable } from '../DataTable.tsx';
import { ModelComparison } from './ModelComparison.tsx';

const button = 'rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60';
const sourceWords: Record<ModelSummary['source'], string> = { shipped: 'shipped', trained: 'trained', folder: 'folder (MODEL_DIR)' };

/** A trained model's stored evaluation, when it has one (the shipped model has none). */
function comparisonsOf(model: ModelSummary): TrainedModelMetrics | null {
  const m = model.metrics as Partial<TrainedModelMetrics>;
  return Array.isArray(m.comparisons) && typeof m.championVersion === 'string' ? (m as TrainedModelMetrics) : null;
}

/**
 * Every registered model, newest first: version, source, who made it and when; the champion
 * marked. A trained model's row opens its comparison with the champion it was measured against
 * (the newest one's is open). Kept to this list so row actions (promotion) can be added here.
 */
export function ModelList({ registry }: { registry: ModelsResponse }) {
  // Until someone opens or closes one, the newest comparison is open (also one a job just added).
  const [chosen, setOpen] = useState<string | null | undefined>(undefined);
  const open = chosen === undefined ? (registry.models.find((m) => comparisonsOf(m))?.version ?? null) : chosen;
  const shown = registry.models.find((m) => m.version === open);
  const metrics = shown && comparisonsOf(shown);
  return (
    <section aria-labelledby="models-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="model-list">
      <h2 id="models-title" className="text-lg font-semibold">Models ({registry.models.length})</h2>
      <DataTable testId="models" caption="Registered models, newest first" columns={[{ label: 'Version' }, { label: 'Name' }, { label: 'Source' }, { label: 'By' }, { label: 'Registered' }, { label: 'Actions', hidden: true }]}>
        {registry.models.map((m) => (
          <tr key={m.version} className="border-t border-slate-200" data-testid="model-row">
            <td className="px-2 py-1">
              <code className="text-xs">{m.version}</code>
              {m.version === registry.champion.version && <span className="ml-1 rounded bg-slate-800 px-1 text-xs text-white">champion</span>}
            </td>
            <td className="px-2 py-1">{m.name}</td>
            <td className="px-2 py-1">{sourceWords[m.source]}</td>
            <td className="px-2 py-1">{m.createdBy ?? '–'}</td>
            <td className="px-2 py-1">{clock(Date.parse(m.createdAt), true)}</td>
            <td className="px-2 py-1">
              {comparisonsOf(m) && (
                <button type="button" className={button} aria-pressed={open === m.version} onClick={() => setOpen(open === m.version ? null : m.version)}>
                  Compare
                </button>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {shown && metrics && <ModelComparison comparisons={metrics.comparisons} championVersion={metrics.championVersion} />}
    </section>
  );
}
