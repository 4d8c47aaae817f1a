'use client';
import { useRef } from 'react';
import type { ChannelDraft } from '../../lib/stream-draft.ts';

const kindNames = { webhook: 'Webhook', slack: 'Slack' } as const;
const field = 'mt-0.5 w-full rounded border border-slate-400 px-1 py-0.5';
/** lib/alerts/channel.ts: an HMAC key that cannot be guessed offline. */
const minSecret = 16;

interface Props {
  channels: ChannelDraft[];
  onChange(channels: ChannelDraft[]): void;
  /** Why the signed-in role cannot change them (they are shown, not edited); null: it can. */
  readOnly: string | null;
}

/**
 * Where the stream's alerts go. The dashboard always hears of them; webhooks (signed JSON) and
 * Slack incoming webhooks come on top. Stored credentials are never shown (the API does not
 * give them back): a stored channel shows its host and keeps its URL and secret unless replaced.
 * Changing them is an admin's (the server refuses anyone else): others see the list and why.
 */
export function ChannelsEditor({ channels, onChange, readOnly }: Props) {
  return (
    <fieldset className="space-y-2 rounded border border-slate-300 p-3 text-sm">
      <legend className="px-1 font-medium">Alert channels</legend>
      <p>
        <span aria-hidden="true">✓ </span>
        <strong>Dashboard</strong>: always on. Every alert shows on the overview’s banner and on the Alerts page.
      </p>
      {readOnly === null ? <EditableChannels channels={channels} onChange={onChange} /> : <StoredChannels channels={channels} reason={readOnly} />}
    </fieldset>
  );
}

/** The stored webhook and Slack channels as text, for whoever may not change them, and the reason. */
function StoredChannels({ channels, reason }: { channels: ChannelDraft[]; reason: string }) {
  return (
    <>
      {channels.length > 0 && (
        <ul className="space-y-1">
          {channels.map((c) => (
            <li key={c.key} data-testid="channel">
              <span aria-hidden="true">✓ </span>
              <strong>{kindNames[c.kind]}</strong> {c.stored ? `to ${c.stored.target}` : '(new)'}
            </li>
          ))}
        </ul>
      )}
      <p className="text-slate-700" data-testid="channels-locked">
        <strong>Admins only.</strong> {reason}
      </p>
    </>
  );
}

/** The webhook and Slack channels, editable: add, remove, replace a stored one's URL (and secret). */
function EditableChannels({ channels, onChange }: Omit<Props, 'readOnly'>) {
  const next = useRef(0);
  const update = (key: string, patch: Partial<ChannelDraft>) => onChange(channels.map((c) => (c.key === key ? { ...c, ...patch } : c)));
  const add = (kind: ChannelDraft['kind']) => onChange([...channels, { key: `new-${next.current++}`, kind, replace: true, url: '', secret: '' }]);

  return (
    <>
      <ul className="space-y-2">
        {channels.map((c, i) => {
          const name = `${kindNames[c.kind]} ${c.stored ? c.stored.target : `(new, ${i + 1})`}`;
          return (
            <li key={c.key} className="rounded border border-slate-200 p-2" data-testid="channel">
              <div className="flex flex-wrap items-center gap-2">
                <strong>{kindNames[c.kind]}</strong>
                {c.stored ? <span className="text-slate-700">to {c.stored.target}</span> : <span className="text-slate-600">new</span>}
                {c.stored && (
                  <label className="flex items-center gap-1">
                    <input type="checkbox" checked={c.replace} onChange={(e) => update(c.key, { replace: e.target.checked, url: '', secret: '' })} />
                    Replace its {c.kind === 'webhook' ? 'URL and secret' : 'URL'}
                  </label>
                )}
                <button type="button" onClick={() => onChange(channels.filter((x) => x.key !== c.key))} className="ml-auto rounded px-2 py-0.5 hover:bg-slate-100">
                  ✕ Remove<span className="sr-only"> {name}</span>
                </button>
              </div>
              {c.stored && !c.replace && (
                <p className="text-xs text-slate-600">{c.kind === 'webhook' ? 'Its stored URL and secret stay as they are.' : 'Its stored URL stays as it is.'}</p>
              )}
              {c.replace && (
                <div className="mt-1 grid gap-2 sm:grid-cols-2">
                  <label className="flex flex-col">
                    {c.stored ? 'New URL' : 'URL'}
                    <input
                      type="url"
                      required
                      value={c.url}
                      onChange={(e) => update(c.key, { url: e.target.value })}
                      placeholder={c.kind === 'slack' ? 'https://hooks.slack.com/services/…' : 'https://example.com/pulse-alerts'}
                      autoComplete="off"
                      className={field}
                    />
                  </label>
                  {c.kind === 'webhook' && (
                    <div className="flex flex-col">
                      <label className="flex flex-col">
                        {c.stored ? 'New secret (blank: keep the stored one)' : 'Secret'}
                        <input
                          type="password"
                          required={!c.stored}
                          minLength={minSecret}
                          value={c.secret}
                          onChange={(e) => update(c.key, { secret: e.target.value })}
                          autoComplete="new-password"
                          aria-describedby={`secret-help-${c.key}`}
                          className={field}
                        />
                      </label>
                      <span id={`secret-help-${c.key}`} className="text-xs text-slate-600">
                        At least {minSecret} characters; signs each request (<code>X-Pulse-Signature</code>). It cannot be shown again.
                      </span>
                    </div>
                  )}
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <div className="flex gap-2">
        <button type="button" onClick={() => add('webhook')} className="rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-100">+ Webhook</button>
        <button type="button" onClick={() => add('slack')} className="rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-100">+ Slack</button>
      </div>
    </>
  );
}
