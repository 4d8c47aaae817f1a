'use client';
import { useEffect, useRef, useState } from 'react';
import type { CreatedKey } from '../../lib/admin-api.ts';

type Copy = 'copied' | 'failed' | null;

/**
 * A new key's token, the one time it exists outside the client that asked for it: shown with a
 * copy button and a warning, kept in this component's state only (never stored, never in the
 * URL), and gone when dismissed or when the page is left. Focus comes here so the warning is read.
 */
export function TokenOnce({ created, onDone }: { created: CreatedKey; onDone(): void }) {
  const heading = useRef<HTMLHeadingElement>(null);
  const field = useRef<HTMLInputElement>(null);
  const [copy, setCopy] = useState<Copy>(null);
  useEffect(() => heading.current?.focus(), [created.key.id]);

  const copyToken = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopy('copied');
    } catch {
      // No clipboard (an insecure origin, a denied permission): the text is selected to copy by hand.
      field.current?.select();
      setCopy('failed');
    }
  };

  return (
    <section aria-labelledby="token-title" className="space-y-2 rounded-lg border-2 border-[#E69F00] bg-white p-3 text-sm" data-testid="new-token">
      <h2 id="token-title" ref={heading} tabIndex={-1} className="text-base font-semibold">
        <span aria-hidden="true">⚠ </span>Copy the token of “{created.key.name}” now
      </h2>
      <p>
        <strong>It is shown this once.</strong> Pulse keeps only a hash of it: once you leave or hide it, nobody can show it again. If it is lost, revoke the
        key and create a new one.
      </p>
      <div className="flex flex-wrap items-end gap-2">
        <label className="flex min-w-0 flex-1 flex-col font-medium">
          Token
          <input
            ref={field}
            readOnly
            value={created.token}
            onFocus={(e) => e.currentTarget.select()}
            spellCheck={false}
            autoComplete="off"
            className="mt-0.5 w-full rounded border border-slate-400 bg-slate-50 px-2 py-1 font-mono text-xs font-normal"
            data-testid="token-value"
          />
        </label>
        <button type="button" onClick={() => void copyToken()} className="rounded border border-slate-500 px-3 py-1 hover:bg-slate-100">Copy</button>
      </div>
      <p role="status" className="empty:hidden">
        {copy === 'copied' ? '✓ Copied to the clipboard.' : copy === 'failed' ? 'The clipboard is not available here: the token is selected, copy it with Ctrl+C (⌘C).' : ''}
      </p>
      <p className="text-slate-700">
        Send it as <code>Authorization: Bearer pulse_…</code>; <code>npm run replay</code> reads it from <code>PULSE_API_KEY</code>.
      </p>
      <button type="button" onClick={onDone} className="rounded border border-slate-500 px-3 py-1 hover:bg-slate-100">
        I have stored it: hide the token
      </button>
    </section>
  );
}
