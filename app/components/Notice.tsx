import type { ReactNode } from 'react';

/** An empty or error state: says what happened and what to do, never just a blank chart. */
export function Notice({ kind, title, children }: { kind: 'empty' | 'error'; title: string; children: ReactNode }) {
  return (
    <div
      role={kind === 'error' ? 'alert' : 'status'}
      className={`rounded-lg border p-4 ${kind === 'error' ? 'border-[#D55E00] bg-orange-50' : 'border-slate-300 bg-white'}`}
    >
      <p className="font-semibold">
        {kind === 'error' ? '⚠ ' : ''}
        {title}
      </p>
      <div className="mt-1 text-sm text-slate-700">{children}</div>
    </div>
  );
}
