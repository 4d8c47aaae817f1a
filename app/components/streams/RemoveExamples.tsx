'use client';
import { useState } from 'react';
import { errorText } from '../../lib/api.ts';
import { removeExampleStreams } from '../../lib/streams-api.ts';

/** Marks a stream Pulse created for the demo on a first run (the API's `example`). */
export function ExampleBadge() {
  return (
    <span className="ml-2 rounded border border-slate-400 bg-slate-100 px-1.5 text-xs font-semibold text-slate-700" data-testid="example-badge">
      Example
    </span>
  );
}

/**
 * Removes every example stream in one click (`DELETE /api/streams?example=true`); the demo's
 * scripted incidents end with them, and examples never come back. For editors, while any exist.
 */
export function RemoveExamples({ count, onRemoved }: { count: number; onRemoved(text: string): void }) {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<string | null>(null);
  const remove = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const removed = await removeExampleStreams();
      onRemoved(`Removed ${removed.length === 1 ? '1 example stream' : `${removed.length} example streams`}; the demo's scripted incidents stop with them.`);
    } catch (err) {
      setFailure(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="flex flex-wrap items-center gap-x-2 text-sm font-normal">
      <button type="button" onClick={() => void remove()} disabled={busy} className="rounded border border-slate-500 bg-white px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60">
        {busy ? 'Removing…' : 'Remove examples'}
        <span className="sr-only"> ({count} example streams made for the demo)</span>
      </button>
      {failure && <span role="alert" className="text-[#D55E00]">Not removed: {failure}</span>}
    </span>
  );
}
