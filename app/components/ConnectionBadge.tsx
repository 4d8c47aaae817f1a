'use client';
import { useEffect, useState } from 'react';
import type { Connection } from '../lib/live-client.ts';

/**
 * Whether live updates flow; when not, when the next attempt is (counting down) and what the
 * page does meanwhile (`meanwhile`, e.g. "the charts refresh every 5 s meanwhile").
 */
export function ConnectionBadge({ connection, streaming, meanwhile = 'the charts refresh every 5 s meanwhile' }: { connection: Connection; streaming: boolean; meanwhile?: string }) {
  const [now, setNow] = useState(() => Date.now());
  const waiting = connection.state === 'waiting';
  useEffect(() => {
    if (!waiting) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [waiting]);

  const ok = connection.state === 'open' && streaming;
  return (
    <p role="status" className="flex items-center gap-2 text-sm" data-testid="connection">
      <span aria-hidden="true" className={`inline-block h-2.5 w-2.5 rounded-full ${ok ? 'bg-[#009E73]' : 'bg-slate-400'}`} />
      {connection.state === 'open'
        ? streaming ? 'Live' : 'Live: waiting for the snapshot'
        : connection.state === 'connecting'
          ? 'Connecting to live updates…'
          : `Live updates offline, retrying; ${meanwhile}`}
      {waiting && (
        // A countdown is not worth announcing twice a second: screen readers get the line above.
        <span aria-hidden="true" className="text-slate-500">
          (next try in {Math.max(0, Math.ceil((connection.retryAt - now) / 1000))} s)
        </span>
      )}
    </p>
  );
}
