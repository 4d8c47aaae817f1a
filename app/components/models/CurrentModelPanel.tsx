'use client';
import { useLoaded } from '../../hooks/useLoaded.ts';
import { clock } from '../../lib/format.ts';
import { fetchCurrentModel } from '../../lib/models-api.ts';
import { Notice } from '../Notice.tsx';

/** The model in service: its name, the version of its weights, its labels and where it comes from. */
export function CurrentModelPanel() {
  const model = useLoaded(fetchCurrentModel);
  if (model.error) return <Notice kind="error" title="The model in service could not be described">{model.error}</Notice>;
  if (!model.data) return <p role="status" className="text-sm text-slate-600">Loading the model…</p>;
  const m = model.data;
  return (
    <section aria-labelledby="model-title" className="rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="current-model">
      <h2 id="model-title" className="text-lg font-semibold">In service</h2>
      <dl className="mt-2 grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
        <dt className="text-slate-600">Model</dt>
        <dd className="font-medium">{m.name}</dd>
        <dt className="text-slate-600">Version</dt>
        <dd>
          <code>{m.version}</code> <span className="text-slate-600">({m.file})</span>
        </dd>
        <dt className="text-slate-600">Labels</dt>
        <dd>{m.labels.join(', ')}</dd>
        <dt className="text-slate-600">Source</dt>
        <dd>{m.source === 'shipped' ? 'shipped with Pulse' : m.source === 'trained' ? 'trained here, promoted' : 'a model folder (MODEL_DIR)'}</dd>
        <dt className="text-slate-600">Trained</dt>
        <dd>{m.trainedAt ? <time dateTime={m.trainedAt}>{clock(Date.parse(m.trainedAt), true)}</time> : 'not recorded'}</dd>
      </dl>
    </section>
  );
}
