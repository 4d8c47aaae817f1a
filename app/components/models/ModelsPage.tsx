'use client';
import { useState } from 'react';
import { useLoaded } from '../../hooks/useLoaded.ts';
import { useSession } from '../../hooks/useSession.ts';
import { listTrainingSets, type TrainingSet, type TrainingSetUploaded } from '../../lib/models-api.ts';
import { fetchModels } from '../../lib/training-api.ts';
import { Notice } from '../Notice.tsx';
import { ModelList } from './ModelList.tsx';
import { ChampionPanel } from './ChampionPanel.tsx';
import { CurrentModelPanel } from './CurrentModelPanel.tsx';
import { DriftPanel } from './DriftPanel.tsx';
import { RefusedRows } from './RefusedRows.tsx';
import { TrainingJobPanel } from './TrainingJobPanel.tsx';
import { TrainingSetList } from './TrainingSetList.tsx';
import { TrainingSetUpload } from './TrainingSetUpload.tsx';

/**
 * The Models page: the model that labels messages now, training jobs on people's labels and the
 * labelled sets uploaded for a domain, the drift watch that says when the champion stopped
 * fitting a stream, and the registered models with each challenger's comparison against the champion.
 */
export function ModelsPage() {
  const editor = useSession().can('edit');
  const sets = useLoaded(listTrainingSets);
  const registry = useLoaded(fetchModels);
  const [uploaded, setUploaded] = useState<TrainingSetUploaded | null>(null);
  const remove = (set: TrainingSet) => sets.update((list) => list.filter((s) => s.id !== set.id));

  return (
    <>
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 bg-white px-4 py-3">
        <h1 className="text-xl font-bold">Models</h1>
        <p className="flex-1 text-sm text-slate-600">The model that labels every message, and labelled sets of your domain to teach the next one.</p>
      </header>
      <main className="space-y-4 p-4">
        <CurrentModelPanel />
        <ChampionPanel />
        <DriftPanel />
        <TrainingJobPanel sets={sets.data ?? []} editor={editor} onFinished={registry.reload} />
        {registry.data && <ModelList registry={registry.data} />}
        <section aria-labelledby="sets-title" className="space-y-3">
          <h2 id="sets-title" className="text-lg font-semibold">Training sets{sets.data ? ` (${sets.data.length})` : ''}</h2>
          <p className="max-w-3xl text-sm text-slate-700">
            A training set is texts of one domain with the label people gave them: a CSV with the header <code>text,label</code> or JSONL with one{' '}
            <code>{'{"text": …, "label": …}'}</code> a line, labels <code>negative</code>, <code>neutral</code> or <code>positive</code>. Every row is checked; the ones
            refused are listed with their line and why. Choose them under Training to teach the next model.
          </p>
          {editor && (
            <TrainingSetUpload
              onUploaded={(answer) => {
                setUploaded(answer);
                sets.update((list) => [answer.set, ...list]);
              }}
            />
          )}
          {uploaded && <RefusedRows uploaded={uploaded} />}
          {sets.error ? (
            <Notice kind="error" title="The training sets could not be loaded">
              {sets.error}{' '}
              <button type="button" onClick={sets.reload} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Retry</button>
            </Notice>
          ) : !sets.data ? (
            <p role="status" className="text-sm text-slate-600">Loading the training sets…</p>
          ) : sets.data.length === 0 ? (
            <Notice kind="empty" title="No training sets yet">
              {editor ? 'Upload one above.' : 'An editor can upload one.'}
            </Notice>
          ) : (
            <TrainingSetList sets={sets.data} canDelete={editor} onDeleted={remove} />
          )}
        </section>
      </main>
    </>
  );
}
