'use client';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState } from 'react';
import { useSession } from '../../hooks/useSession.ts';
import { useStreams } from '../../hooks/useStreams.ts';
import { Notice } from '../Notice.tsx';
import { RemoveExamples } from './RemoveExamples.tsx';
import { StreamEditor } from './StreamEditor.tsx';
import { StreamList } from './StreamList.tsx';

/**
 * The keyword streams: the list, and the editor of one stream (`?edit=<id>`) or of a new one
 * (`?new=1`) in the URL, so an edit can be linked to and the back button closes it. What the
 * signed-in role may not do is not offered: viewers read streams, editors change them but not
 * their alert channels (an admin's, as the server enforces).
 */
export function StreamsPage() {
  const params = useSearchParams();
  const router = useRouter();
  const editing = params.get('edit')?.trim() || null;
  const creating = !editing && params.has('new');
  const { streams, error, reload } = useStreams();
  const { can } = useSession();
  const canEdit = can('edit');
  // What the last create or delete did, shown on the page it led to (a created stream reopens under its id).
  const [flash, setFlash] = useState<{ text: string; page: string } | null>(null);
  const page = params.toString();
  const go = (query: string) => router.replace(`/streams${query ? `?${query}` : ''}`, { scroll: false });

  return (
    <>
      <header className="flex flex-wrap items-center gap-x-6 gap-y-2 border-b border-slate-200 bg-white px-4 py-3">
        <h1 className="text-xl font-bold">Keyword streams</h1>
        <p className="flex-1 text-sm text-slate-600">A stream selects messages with a query; its rule decides when a shift in their sentiment or volume raises an alert.</p>
        {!canEdit && <p className="text-sm text-slate-700" data-testid="read-only-note">You can view streams; changing them needs the editor or admin role.</p>}
        {canEdit && !creating && (
          <button type="button" onClick={() => go('new=1')} className="rounded border border-slate-500 bg-white px-3 py-1 text-sm hover:bg-slate-100">
            + New stream
          </button>
        )}
      </header>
      <main className="space-y-4 p-4">
        <p role="status" className="text-sm empty:hidden">{flash?.page === page ? flash.text : ''}</p>
        {creating && !canEdit ? (
          <Notice kind="error" title="Creating a stream needs the editor or admin role">
            Ask an editor or an admin to create it.{' '}
            <button type="button" onClick={() => go('')} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Back to the list</button>
          </Notice>
        ) : (editing || creating) && (
          <StreamEditor
            key={editing ?? 'new'}
            id={editing}
            canEdit={canEdit}
            canChangeChannels={can('admin')}
            onSaved={(stream, message) => {
              reload();
              if (!creating) return;
              const query = new URLSearchParams({ edit: stream.id }).toString();
              if (message) setFlash({ text: message, page: query });
              go(query);
            }}
            onDeleted={(stream) => {
              setFlash({ text: `Deleted “${stream.name}” (version ${stream.version} marks the deletion).`, page: '' });
              reload();
              go('');
            }}
            onClose={() => go('')}
          />
        )}
        <section aria-labelledby="list-title" className="space-y-2">
          <div className="flex flex-wrap items-center gap-x-4">
            <h2 id="list-title" className="text-lg font-semibold">Saved streams{streams ? ` (${streams.length})` : ''}</h2>
            {canEdit && streams?.some((s) => s.example) && (
              <RemoveExamples count={streams.filter((s) => s.example).length} onRemoved={(text) => { setFlash({ text, page }); reload(); }} />
            )}
          </div>
          {error ? (
            <Notice kind="error" title="The streams could not be loaded">
              {error}{' '}
              <button type="button" onClick={reload} className="ml-1 rounded border border-slate-500 px-2 py-0.5 hover:bg-white">Retry</button>
            </Notice>
          ) : !streams ? (
            <p role="status" className="text-sm text-slate-600">Loading the streams…</p>
          ) : streams.length === 0 ? (
            <Notice kind="empty" title="No streams yet">
              {canEdit ? (
                <>
                  Create one with <strong>+ New stream</strong>: give it a name and a query such as <code>acme AND (outage OR "down again")</code>; the preview shows what
                  it matches before you save.
                </>
              ) : (
                'Editors and admins create them.'
              )}{' '}
              Until then, the overview and the detector watch all messages.
            </Notice>
          ) : (
            <StreamList streams={streams} canEdit={canEdit} />
          )}
        </section>
      </main>
    </>
  );
}
