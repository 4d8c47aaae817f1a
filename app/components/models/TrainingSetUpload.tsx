'use client';
import { useRef, useState, type FormEvent } from 'react';
import { MaxDomainChars, MaxTrainingSetBytes, MaxTrainingSetNameChars, MaxTrainingSetRows } from '../../../lib/contracts/training-sets.ts';
import { errorText } from '../../lib/api.ts';
import { formatOf, uploadTrainingSet, type TrainingSetUploaded } from '../../lib/models-api.ts';
import { Notice } from '../Notice.tsx';
import { TextField } from '../TextField.tsx';

/** A new training set: its name, its domain and the file; the answer (rows kept, rows refused) goes to the page. */
export function TrainingSetUpload({ onUploaded }: { onUploaded(answer: TrainingSetUploaded): void }) {
  const [name, setName] = useState('');
  const [domain, setDomain] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const fileInput = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const format = file && formatOf(file.name);
    if (!file || !format) return setProblem('Pick a .csv or .jsonl file.');
    if (file.size > MaxTrainingSetBytes) return setProblem(`The file has ${(file.size / 2 ** 20).toFixed(1)} MB; a set has at most ${MaxTrainingSetBytes / 2 ** 20} MB.`);
    setBusy(true);
    setProblem(null);
    try {
      onUploaded(await uploadTrainingSet(name.trim(), domain.trim(), format, file));
      setName('');
      setFile(null);
      if (fileInput.current) fileInput.current.value = '';
    } catch (err) {
      setProblem(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-labelledby="upload-title" className="space-y-3 rounded-lg border border-slate-200 bg-white p-3 text-sm" data-testid="upload-set">
      <h3 id="upload-title" className="font-semibold">Upload a set</h3>
      <div className="grid max-w-3xl gap-3 sm:grid-cols-2">
        <TextField label="Name" help="Says what it holds, e.g. “support tickets, March”." name="name" required maxLength={MaxTrainingSetNameChars} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
        <TextField label="Domain" help="The kind of text, e.g. “finance” or “support”: models are trained per domain." name="domain" required maxLength={MaxDomainChars} value={domain} onChange={(e) => setDomain(e.target.value)} autoComplete="off" />
      </div>
      <div className="flex flex-col">
        <label htmlFor="training-set-file" className="font-medium">File</label>
        <span id="training-set-file-help" className="text-xs text-slate-600">
          .csv (header <code>text,label</code>) or .jsonl; up to {MaxTrainingSetBytes / 2 ** 20} MB and {MaxTrainingSetRows.toLocaleString()} rows.
        </span>
        <input
          ref={fileInput}
          id="training-set-file"
          type="file"
          name="file"
          required
          accept=".csv,.jsonl,.ndjson,text/csv,application/x-ndjson"
          aria-describedby="training-set-file-help"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          className="mt-0.5"
        />
      </div>
      {problem && <Notice kind="error" title="No set was stored">{problem}</Notice>}
      <button type="submit" disabled={busy} className="rounded border border-slate-500 bg-slate-800 px-3 py-1 text-white hover:bg-slate-700 disabled:opacity-60">
        {busy ? 'Uploading…' : 'Upload'}
      </button>
    </form>
  );
}
