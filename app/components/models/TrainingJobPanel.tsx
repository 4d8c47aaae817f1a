'use client';
import { useCallback, useEffect, useState } from 'react';
import { MaxTrainingEpochs, DefaultTrainingEpochs } from '../../../lib/contracts/training-jobs.ts';
import { errorText } from '../../lib/api.ts';
import { clock } from '../../lib/format.ts';
import type { TrainingSet } from '../../lib/models-api.ts';
import { cancelJob, listJobs, startJob, type TrainingJob } from '../../lib/training-api.ts';
import { DataTable } from '../DataTable.tsx';
import { Notice } from '../Notice.tsx';

const button = 'rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60';
/** How often the jobs are read while one is queued or running: the bar moves every second or so. */
const pollMs = 1500;

const isActive = (job: TrainingJob) => job.state === 'queued' || job.state === 'running';
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/**
 * Training jobs: start one on the chosen sets and people's labels (editors), its progress with
 * the last epoch's dev figures while it runs, Cancel, and every job with its state or reason.
 * `onFinished` is told when a job ends, so the models list shows what it registered.
 */
export function TrainingJobPanel({ sets, editor, onFinished }: { sets: readonly TrainingSet[]; editor: boolean; onFinished(): void }) {
  const [jobs, setJobs] = useState<TrainingJob[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const active = jobs?.find(isActive) ?? null;

  const reload = useCallback(async () => {
    try {
      setJobs(await listJobs());
      setProblem(null);
    } catch (err) {
      setProblem(errorText(err));
    }
  }, []);

  useEffect(() => void reload(), [reload]);
  useEffect(() => {
    if (!active) return;
    const timer = setInterval(() => void reload(), pollMs);
    return () => clearInterval(timer);
  }, [active?.id, reload]); // eslint-disable-line react-hooks/exhaustive-deps

  // A job that was active and is no more has finished: its model is in the registry now.
  const [watched, setWatched] = useState<string | null>(null);
  useEffect(() => {
    if (active) setWatched(active.id);
    else if (watched) {
      setWatched(null);
      onFinished();
    }
  }, [active, watched, onFinished]);

  return (
    <section aria-labelledby="jobs-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="training-jobs">
      <h2 id="jobs-title" className="text-lg font-semibold">Training</h2>
      <p className="max-w-3xl text-slate-700">
        A job fine-tunes the shipped model on a sample of its base data, people&apos;s labels (all but a fifth held back to judge it) and the sets you
        choose, in its own process; the new model is then measured beside the champion on the held-back labels and the dev sets.
      </p>
      {editor && !active && <StartForm sets={sets} onStarted={(job) => setJobs((list) => [job, ...(list ?? [])])} />}
      {active && <ActiveJob job={active} editor={editor} onChanged={reload} />}
      {problem && <Notice kind="error" title="The training jobs could not be loaded">{problem}</Notice>}
      {jobs && jobs.length > 0 && <JobList jobs={jobs} />}
    </section>
  );
}

function StartForm({ sets, onStarted }: { sets: readonly TrainingSet[]; onStarted(job: TrainingJob): void }) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [includeLabels, setIncludeLabels] = useState(true);
  const [epochs, setEpochs] = useState(DefaultTrainingEpochs);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const toggle = (id: string) => setChosen((list) => (list.includes(id) ? list.filter((s) => s !== id) : [...list, id]));

  const start = async () => {
    setBusy(true);
    setProblem(null);
    try {
      onStarted(await startJob({ sets: chosen, includeLabels, epochs }));
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="space-y-2" onSubmit={(e) => (e.preventDefault(), void start())}>
      <fieldset className="flex flex-wrap gap-x-4 gap-y-1">
        <legend className="mb-1 font-medium">Train on</legend>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={includeLabels} onChange={(e) => setIncludeLabels(e.target.checked)} /> People&apos;s labels
        </label>
        {sets.map((s) => (
          <label key={s.id} className="flex items-center gap-1">
            <input type="checkbox" checked={chosen.includes(s.id)} onChange={() => toggle(s.id)} /> {s.name} <span className="text-slate-600">({s.domain}, {s.rows} rows)</span>
          </label>
        ))}
      </fieldset>
      <div className="flex flex-wrap items-center gap-2">
        <label className="flex items-center gap-1">
          Epochs
          <input type="number" min={1} max={MaxTrainingEpochs} value={epochs} onChange={(e) => setEpochs(Number(e.target.value))} className="w-16 rounded border border-slate-300 px-1 py-0.5" />
        </label>
        <button type="submit" disabled={busy} className="rounded bg-slate-800 px-3 py-1 text-white hover:bg-slate-700 disabled:opacity-60">
          {busy ? 'Starting…' : 'Start training'}
        </button>
        {problem && <span role="alert" className="text-red-700">Not started: {problem}</span>}
      </div>
    </form>
  );
}

function ActiveJob({ job, editor, onChanged }: { job: TrainingJob; editor: boolean; onChanged(): void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const cancel = async () => {
    setBusy(true);
    try {
      await cancelJob(job.id);
      onChanged();
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="space-y-1" data-testid="training-progress">
      <div className="flex items-center gap-2">
        <div role="progressbar" aria-label="Training progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(100 * job.progress)} className="h-3 w-64 overflow-hidden rounded border border-slate-300 bg-slate-100">
          <div className="h-full bg-slate-700 transition-all" style={{ width: `${100 * job.progress}%` }} />
        </div>
        <span>{Math.round(100 * job.progress)} % · {job.phase}</span>
        {editor && <button type="button" className={button} disabled={busy} onClick={() => void cancel()}>Cancel</button>}
      </div>
      <p className="text-slate-700" data-testid="training-dev">
        {job.dev ? `Epoch ${job.dev.epoch} on the dev slice: accuracy ${pct(job.dev.accuracy)}, macro recall ${pct(job.dev.macroRecall)}` : 'Dev figures after the first epoch.'}
      </p>
      {problem && <p role="alert" className="text-red-700">Not cancelled: {problem}</p>}
    </div>
  );
}

const stateWords: Record<TrainingJob['state'], string> = { queued: 'Queued', running: 'Running', succeeded: 'Succeeded', failed: 'Failed', cancelled: 'Cancelled' };

function JobList({ jobs }: { jobs: readonly TrainingJob[] }) {
  return (
    <DataTable testId="training-job-list" caption="Training jobs, newest first" columns={[{ label: 'Started' }, { label: 'By' }, { label: 'Data' }, { label: 'State' }, { label: 'Result' }]}>
      {jobs.map((j) => (
        <tr key={j.id} className="border-t border-slate-200">
          <td className="px-2 py-1">{clock(Date.parse(j.createdAt), true)}</td>
          <td className="px-2 py-1">{j.createdBy}</td>
          <td className="px-2 py-1">{[j.includeLabels ? 'people\'s labels' : null, j.sets.length ? `${j.sets.length} set${j.sets.length > 1 ? 's' : ''}` : null].filter(Boolean).join(', ') || 'base data only'} · {j.epochs} epoch{j.epochs > 1 ? 's' : ''}</td>
          <td className="px-2 py-1" data-testid="training-job-state">{stateWords[j.state]}</td>
          <td className="px-2 py-1">{j.modelVersion ? <code className="text-xs">{j.modelVersion}</code> : j.reason ?? (isActive(j) ? `${Math.round(100 * j.progress)} %` : '')}</td>
        </tr>
      ))}
    </DataTable>
  );
}
