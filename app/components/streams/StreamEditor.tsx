'use client';
import { useEffect, useState, type FormEvent } from 'react';
import { useStreamPreview } from '../../hooks/useStreamPreview.ts';
import { ApiError, errorText } from '../../lib/api.ts';
import { channelMessages, channelName, draftOf, emptyDraft, inputOf, previewInputOf, rebase, type Draft } from '../../lib/stream-draft.ts';
import { createStream, deleteStream, getStream, updateStream, type PublicStream } from '../../lib/streams-api.ts';
import { BackfillProgress } from './BackfillProgress.tsx';
import { ConfirmDialog } from '../ConfirmDialog.tsx';
import { Notice } from '../Notice.tsx';
import { ChannelsEditor } from './ChannelsEditor.tsx';
import { PreviewPanel } from './PreviewPanel.tsx';
import { QueryField } from './QueryField.tsx';
import { RuleFields } from './RuleFields.tsx';
import { StreamHistory } from './StreamHistory.tsx';
import { StreamLinks } from './StreamLinks.tsx';
import { TextField } from '../TextField.tsx';

const button = 'rounded border border-slate-500 px-3 py-1 hover:bg-slate-100 disabled:opacity-60';

/** A failed save, delete or reload, with the query it was made with (a position only means something on that text). */
interface Problem {
  action: 'save' | 'delete' | 'reload';
  error: unknown;
  query: string;
}

/** Why the channels cannot be changed here, or null when they can. */
function channelsLock(canEdit: boolean, canChangeChannels: boolean): string | null {
  if (canChangeChannels) return null;
  return canEdit ? 'Changing where alerts are sent needs the admin role: ask an admin. Saving keeps these channels as they are.' : 'Changing them needs the admin role.';
}

const failed: Record<Problem['action'], string> = { save: 'Not saved', delete: 'Not deleted', reload: 'The latest version could not be loaded' };

/** A save refused for one channel's URL (private target, bad URL): the reason goes next to that field. */
function channelRefusals(problem: Problem | null, draft: Draft): Map<string, string> {
  if (!(problem?.action === 'save' && problem.error instanceof ApiError && problem.error.code === 'ALERT_CHANNEL_INVALID')) return new Map();
  const [, field, message] = /^(channels\.\d+\.url): (.*)$/s.exec(problem.error.message) ?? [];
  return field && message ? channelMessages(draft, [{ field, message }]) : new Map();
}

/** The server's message, with `channels.N` said as the channel the person sees. */
function problemText(problem: Problem, draft: Draft): string {
  const text = errorText(problem.error);
  // "channels.0.url: …" → "Webhook #1 (new) URL: …": the field in words, not its path.
  return text.replace(/channels\.(\d+)(?:\.(\w+))?/g, (_, n: string, field?: string) =>
    `${channelName(draft, Number(n))}${field ? ` ${field === 'url' ? 'URL' : field}` : ''}`,
  );
}

interface Props {
  /** The stream to edit; null: a new one. */
  id: string | null;
  /** Whether the signed-in role may change streams (editor, admin); without it the stream is shown read-only. */
  canEdit: boolean;
  /** Whether it may change where alerts are sent (admin); without it the channels are shown, not edited. */
  canChangeChannels: boolean;
  /** `message`: what to tell once the editor has reopened under the new stream's id (after a create). */
  onSaved(stream: PublicStream, message: string | null): void;
  onDeleted(stream: PublicStream): void;
  onClose(): void;
}

/**
 * The stream form (name, id on create, query, sources, rule, channels) beside the preview of
 * what it would match and raise. A save names the version it was made on (If-Match); if
 * someone saved in between, the edit is kept and the person chooses what happens to it.
 * Whoever may not edit sees the same form disabled (the preview still answers), without Save or Delete.
 */
export function StreamEditor({ id, canEdit, canChangeChannels, onSaved, onDeleted, onClose }: Props) {
  const [base, setBase] = useState<PublicStream | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [draft, setDraft] = useState<Draft>(emptyDraft);
  const [busy, setBusy] = useState<'saving' | 'deleting' | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [showHistory, setShowHistory] = useState(false);
  /** Channel URLs the last save kept although they reach inside the network (PULSE_ALLOW_PRIVATE_WEBHOOKS), by channel key. */
  const [channelWarnings, setChannelWarnings] = useState<Map<string, string>>(new Map());

  useEffect(() => {
    if (id === null) return;
    const abort = new AbortController();
    getStream(id, abort.signal).then(
      (stream) => {
        setBase(stream);
        setDraft(draftOf(stream));
      },
      (err: unknown) => abort.signal.aborted || setLoadError(errorText(err)),
    );
    return () => abort.abort();
  }, [id]);

  const previewInput = previewInputOf(draft);
  const preview = useStreamPreview(previewInput);
  const patch = (p: Partial<Draft>) => setDraft((d) => ({ ...d, ...p }));

  // A syntax error is marked only on the text it was found in: the preview's, else the last save's.
  const shown = preview.preview;
  const previewAt = shown?.error?.at && shown.input.query === draft.query ? shown.error.at : null;
  const saveAt = problem?.error instanceof ApiError && problem.error.at && problem.query === draft.query ? problem.error.at : null;
  const conflict = problem?.error instanceof ApiError && problem.error.code === 'CONFLICT';

  if (id !== null && loadError) {
    return (
      <Notice kind="error" title={`The stream “${id}” could not be loaded`}>
        {loadError}{' '}
        <button type="button" onClick={onClose} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Back to the list</button>
      </Notice>
    );
  }
  if (id !== null && !base) return <p role="status" className="text-sm text-slate-600">Loading the stream…</p>;

  const save = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const input = inputOf(draft, !base);
    setBusy('saving');
    setProblem(null);
    setNote(null);
    try {
      const { id: _id, ...change } = input;
      const { stream: saved, warnings } = base ? await updateStream(base.id, base.version, change) : await createStream(input);
      setChannelWarnings(channelMessages(draftOf(saved), warnings));
      setBase(saved);
      setDraft(draftOf(saved));
      if (base) setNote(`Saved “${saved.name}” as version ${saved.version}.`);
      onSaved(saved, base ? null : `Created “${saved.name}” (id ${saved.id}).`);
    } catch (error) {
      setProblem({ action: 'save', error, query: input.query });
    } finally {
      setBusy(null);
    }
  };

  /** After a conflict: the latest version, either replacing the edit or as the base it will be saved over. */
  const takeLatest = async (keepEdit: boolean) => {
    if (!base) return;
    try {
      const latest = await getStream(base.id);
      setBase(latest);
      setProblem(null);
      if (!keepEdit) {
        setDraft(draftOf(latest));
        return setNote(`Loaded version ${latest.version}.`);
      }
      const rebased = rebase(draft, latest);
      // Without the admin role the channels are not the person's to keep or enter again: they are the latest version's.
      const lost = canChangeChannels ? rebased.lost : 0;
      setDraft(canChangeChannels ? rebased.draft : { ...rebased.draft, channels: draftOf(latest).channels });
      const again = lost ? ` Version ${latest.version} removed ${lost === 1 ? 'a channel' : `${lost} channels`} of yours with ${lost === 1 ? 'its' : 'their'} credentials: enter the URL (and secret) again, or remove ${lost === 1 ? 'it' : 'them'}.` : '';
      setNote(`Your edit now goes over version ${latest.version} (see the version history): press Save to store it.${again}`);
    } catch (error) {
      setProblem({ action: 'reload', error, query: draft.query });
    }
  };

  const remove = async () => {
    if (!base) return;
    setBusy('deleting');
    setProblem(null);
    try {
      onDeleted(await deleteStream(base.id, base.version));
    } catch (error) {
      setProblem({ action: 'delete', error, query: draft.query });
      setConfirmDelete(false);
    } finally {
      setBusy(null);
    }
  };

  const copyVersion = (v: PublicStream) => {
    const old = draftOf(v);
    // Channels stay as they are now: an old version's channels may be gone, with their credentials.
    patch({ name: old.name, query: old.query, sources: old.sources, sensitivity: old.sensitivity, advanced: old.advanced, volumeAlerts: old.volumeAlerts, storedRule: old.storedRule });
    setNote(`Copied version ${v.version}’s name, query, sources and rule into the form; save to make them current.`);
  };

  return (
    <section aria-labelledby="editor-title" className="space-y-3" data-testid="stream-editor">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="editor-title" className="text-lg font-semibold">
          {base ? (
            <>
              {canEdit ? 'Edit ' : ''}“{base.name}” <span className="text-sm font-normal text-slate-600">version {base.version}{canEdit ? '' : ', read only'}</span>
            </>
          ) : (
            'New stream'
          )}
        </h2>
        {base && <StreamLinks stream={base} />}
        <button type="button" onClick={onClose} className="ml-auto rounded px-2 py-0.5 text-sm hover:bg-slate-100">✕ Close</button>
      </div>
      {base && <BackfillProgress streamId={base.id} backfill={base.backfill} />}

      <div className="grid gap-4 lg:grid-cols-[minmax(0,1fr)_30rem]">
        <form onSubmit={save} aria-labelledby="editor-title" className="min-w-0 space-y-3 rounded-lg border border-slate-200 bg-white p-3">
          {!canEdit && <p className="text-sm text-slate-700">Read only: changing streams needs the editor or admin role.</p>}
          {/* `disabled` on a fieldset disables every field inside at once, and says so to assistive technology. */}
          <fieldset disabled={!canEdit} className="min-w-0 space-y-3">
            <div className="grid gap-3 sm:grid-cols-2">
              <TextField label="Name" name="name" required maxLength={100} value={draft.name} onChange={(e) => patch({ name: e.target.value })} />
              {base ? (
                <p className="text-sm">
                  <span className="font-medium">Id</span> <code>{base.id}</code>
                  <span className="block text-xs text-slate-600">An id never changes: it is in links and stored alerts.</span>
                </p>
              ) : (
                <TextField
                  label="Id"
                  help="Optional; blank: made from the name. Lower-case letters, digits and inner dashes."
                  name="id"
                  value={draft.id}
                  onChange={(e) => patch({ id: e.target.value })}
                  pattern="[a-z0-9]([a-z0-9\-]{0,62}[a-z0-9])?"
                  title="lower-case letters, digits and inner dashes, 1–64 characters"
                  placeholder="e.g. acme-launch"
                  className="font-mono"
                />
              )}
            </div>

            <QueryField value={draft.query} onChange={(query) => patch({ query })} error={previewAt ?? saveAt} />

            <TextField
              label="Sources"
              help="Comma-separated; blank: every source."
              name="sources"
              value={draft.sources}
              onChange={(e) => patch({ sources: e.target.value })}
              placeholder="e.g. twitter, support"
            />

            <RuleFields draft={draft} onChange={patch} saved={base && { version: base.version, rules: base.detectorRules }} />
            <ChannelsEditor
              channels={draft.channels}
              onChange={(channels) => patch({ channels })}
              readOnly={channelsLock(canEdit, canChangeChannels)}
              streamId={base?.id ?? null}
              refusals={channelRefusals(problem, draft)}
              warnings={channelWarnings}
            />
          </fieldset>

          <div className="space-y-2" aria-live="polite">
            {note && <p role="status" className="text-sm">{note}</p>}
            {problem && conflict && base ? (
              <Notice kind="error" title="Someone else saved this stream meanwhile">
                {problem.action === 'delete' ? 'Nothing was deleted. ' : ''}A version newer than version {base.version}, the one you opened, is stored. Your edit is still in the form.
                <span className="mt-2 flex flex-wrap gap-2">
                  <button type="button" onClick={() => void takeLatest(false)} className={button}>Load their version (drop my edit)</button>
                  <button type="button" onClick={() => void takeLatest(true)} className={button}>Keep my edit, to save over theirs</button>
                </span>
              </Notice>
            ) : (
              problem && (
                <Notice kind="error" title={saveAt ? 'The query has a syntax error' : failed[problem.action]}>
                  {saveAt ? 'It is marked under the query field.' : problemText(problem, draft)}
                </Notice>
              )
            )}
          </div>

          {canEdit && (
            <div className="flex flex-wrap items-center gap-2">
              <button type="submit" disabled={busy !== null} className={`${button} bg-slate-800 text-white hover:bg-slate-700`}>
                {busy === 'saving' ? 'Saving…' : base ? `Save as version ${base.version + 1}` : 'Create stream'}
              </button>
              {base && !confirmDelete && (
                <button type="button" onClick={() => setConfirmDelete(true)} className={`${button} ml-auto`}>Delete…</button>
              )}
            </div>
          )}
          {base && confirmDelete && (
            <ConfirmDialog
              id="delete-title"
              question={<>Delete “{base.name}”? It stops matching and alerting now; its alerts stay in the history and its versions stay stored.</>}
              questionClassName="font-medium"
              action="Delete the stream"
              // Disabled while anything runs; "Deleting…" only while the delete does.
              busyLabel={busy === 'deleting' ? 'Deleting…' : 'Delete the stream'}
              busy={busy !== null}
              onConfirm={() => void remove()}
              onCancel={() => setConfirmDelete(false)}
              button={button}
              className="text-sm"
            />
          )}
        </form>

        <div className="min-w-0 lg:sticky lg:top-4 lg:self-start">
          <PreviewPanel state={preview} hasQuery={previewInput !== null} current={shown?.input !== undefined && JSON.stringify(shown.input) === JSON.stringify(previewInput)} />
        </div>
      </div>

      {base && (
        <section aria-labelledby="history-title" className="rounded-lg border border-slate-200 bg-white p-3">
          <h3 id="history-title" className="font-semibold">
            <button type="button" aria-expanded={showHistory} aria-controls="stream-history" onClick={() => setShowHistory((s) => !s)} className="rounded px-1 hover:bg-slate-100">
              <span aria-hidden="true">{showHistory ? '▾' : '▸'} </span>Version history
            </button>
          </h3>
          <div id="stream-history" className="mt-2">
            {showHistory && <StreamHistory id={base.id} version={base.version} {...(canEdit ? { onUse: copyVersion } : {})} />}
          </div>
        </section>
      )}
    </section>
  );
}
