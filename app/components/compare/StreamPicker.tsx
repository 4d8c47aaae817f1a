'use client';
import { useState } from 'react';
import { MaxSharedStreams } from '../../../lib/contracts/api.ts';
import type { PublicStream } from '../../lib/streams-api.ts';

/**
 * Which streams to compare: a checkbox each, applied at once. `chosen` null means every stream
 * (all boxes ticked); ticking them all again goes back to that, so the URL stays short.
 */
export function StreamPicker({ streams, chosen, onChange }: {
  streams: readonly PublicStream[];
  chosen: readonly string[] | null;
  onChange(streams: string[] | null): void;
}) {
  // The URL changes a moment after a click: until it does, the boxes show the click, not the old URL
  // (a controlled box would flick back), and a second click builds on the first.
  const shown = chosen?.join(',') ?? null;
  const [pending, setPending] = useState<{ over: string | null; streams: string[] | null } | null>(null);
  const current = pending && pending.over === shown ? pending.streams : chosen;
  // Every stream: the API compares the first 20 by name, as listed here.
  const ticked = new Set(current ?? streams.slice(0, MaxSharedStreams).map((s) => s.id));
  const toggle = (id: string, on: boolean) => {
    const next = streams.map((s) => s.id).filter((s) => (s === id ? on : ticked.has(s)));
    const value = next.length === streams.length ? null : next;
    setPending({ over: shown, streams: value });
    onChange(value);
  };
  return (
    <fieldset className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
      <legend className="sr-only">Streams to compare</legend>
      <span className="text-slate-600" aria-hidden="true">Streams:</span>
      {streams.map((s) => (
        <label key={s.id} className="inline-flex items-center gap-1">
          <input
            type="checkbox"
            checked={ticked.has(s.id)}
            disabled={!ticked.has(s.id) && ticked.size >= MaxSharedStreams}
            onChange={(e) => toggle(s.id, e.currentTarget.checked)}
          />
          {s.name}
        </label>
      ))}
    </fieldset>
  );
}
