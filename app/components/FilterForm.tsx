'use client';
import { useId, useState, type ChangeEvent, type KeyboardEvent } from 'react';
import { useSources } from '../hooks/useSources.ts';
import type { PublicStream } from '../lib/streams-api.ts';
import type { View } from '../lib/view.ts';

const field = 'rounded border border-slate-400 px-1 py-0.5';

/**
 * The view's stream and source filters, each applied as soon as it is chosen: a stream when it
 * is picked, a source when one of the stored sources is picked from the suggestions, or on Enter
 * or leaving the field after typing one (any case: sources match without regard to it). Clear
 * resets both. Streams are picked by name from `/api/streams`; until that answers (or if it
 * cannot), the id is typed.
 */
export function FilterForm({ view, streams, onChange }: { view: View; streams: readonly PublicStream[] | null; onChange(view: View): void }) {
  const { sources, refresh } = useSources(view);
  const listId = useId();
  const [draft, setDraft] = useState(view.source ?? '');
  // The URL can change the source without this field (back button, shared link, an empty
  // notice's button): the field then shows the new one.
  const [shown, setShown] = useState(view.source);
  if (shown !== view.source) {
    setShown(view.source);
    setDraft(view.source ?? '');
  }

  const apply = (change: Partial<Pick<View, 'stream' | 'source'>>) => {
    const next = { ...view, ...change };
    if (next.stream !== view.stream || next.source !== view.source) onChange(next);
  };
  const text = (value: string) => value.trim() || null;
  const onEnter = (run: (value: string) => void) => (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    run(event.currentTarget.value);
  };
  const typeSource = (event: ChangeEvent<HTMLInputElement>) => {
    const value = event.currentTarget.value;
    setDraft(value);
    // A suggestion picked from the list arrives as one replacement, not as typing: apply it at once.
    const input = event.nativeEvent;
    const picked = !(input instanceof InputEvent) || input.inputType === 'insertReplacementText';
    if (picked && sources.some((s) => s.source === value)) apply({ source: text(value) });
  };
  const known = !view.stream || streams?.some((s) => s.id === view.stream);

  return (
    <div role="group" aria-label="Filters" className="flex flex-wrap items-end gap-2 text-sm">
      <label className="flex items-center gap-1">
        Stream
        {streams ? (
          <select
            name="stream"
            value={view.stream ?? ''}
            onChange={(event) => apply({ stream: text(event.currentTarget.value) })}
            className="max-w-48 rounded border border-slate-400 bg-white px-1 py-0.5"
          >
            <option value="">All messages</option>
            {streams.map((s) => (
              <option key={s.id} value={s.id}>{s.name}</option>
            ))}
            {!known && <option value={view.stream!}>{view.stream} (no such stream)</option>}
          </select>
        ) : (
          <input
            // `key` shows a stream the URL changed; the id typed here is applied on Enter or on leaving the field.
            key={view.stream ?? ''}
            name="stream"
            maxLength={128}
            defaultValue={view.stream ?? ''}
            placeholder="all messages"
            onKeyDown={onEnter((value) => apply({ stream: text(value) }))}
            onBlur={(event) => apply({ stream: text(event.currentTarget.value) })}
            className={`w-32 ${field}`}
          />
        )}
      </label>
      <label className="flex items-center gap-1">
        Source
        <input
          name="source"
          value={draft}
          list={listId}
          maxLength={64}
          placeholder="all sources"
          autoComplete="off"
          onChange={typeSource}
          onFocus={refresh}
          onKeyDown={onEnter((value) => apply({ source: text(value) }))}
          onBlur={(event) => apply({ source: text(event.currentTarget.value) })}
          className={`w-36 ${field}`}
        />
      </label>
      <datalist id={listId} data-testid="source-options">
        {sources.map((s) => (
          <option key={s.source} value={s.source}>{`${s.count.toLocaleString('en')} messages`}</option>
        ))}
      </datalist>
      {(view.stream || view.source || draft) && (
        <button
          type="button"
          onClick={() => {
            setDraft('');
            apply({ stream: null, source: null });
          }}
          className="rounded px-2 py-0.5 hover:bg-slate-100"
        >
          Clear
        </button>
      )}
    </div>
  );
}
