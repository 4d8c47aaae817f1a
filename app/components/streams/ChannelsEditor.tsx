'use client';
import { useRef, useState } from 'react';
import type { AlertEvent } from '../../../lib/contracts/alerts.ts';
import { errorText } from '../../lib/api.ts';
import { DefaultChannelEvents, type ChannelDraft } from '../../lib/stream-draft.ts';
import { testChannel, type ChannelTestResult } from '../../lib/streams-api.ts';

const kindNames = { webhook: 'Webhook', slack: 'Slack' } as const;
const field = 'mt-0.5 w-full rounded border border-slate-400 px-1 py-0.5';
/** lib/alerts/channel.ts: an HMAC key that cannot be guessed offline. */
const minSecret = 16;

/** The events a channel may receive, in the alert's order, with the words the form shows. */
const eventChoices: ReadonlyArray<[AlertEvent, string]> = [
  ['opened', 'opened'],
  ['escalated', 'escalated'],
  ['acknowledged', 'acknowledged'],
  ['resolved', 'resolved'],
  ['updated', 'every update (noisy)'],
];

interface Props {
  channels: ChannelDraft[];
  onChange(channels: ChannelDraft[]): void;
  /** Why the signed-in role cannot change them (they are shown, not edited); null: it can. */
  readOnly: string | null;
  /** The saved stream's id, for "Send test" (stored channels only); null before the first save. */
  streamId: string | null;
  /** Why the last save was refused for a channel's URL, by channel key. */
  refusals: ReadonlyMap<string, string>;
  /** What the last save warned about a channel's URL, by channel key. */
  warnings: ReadonlyMap<string, string>;
}

/**
 * Where the stream's alerts go. The dashboard always hears of them; webhooks (signed JSON) and
 * Slack incoming webhooks come on top. Stored credentials are never shown (the API does not
 * give them back): a stored channel shows its host and keeps its URL and secret unless replaced.
 * Changing them is an admin's (the server refuses anyone else): others see the list and why.
 * Each channel chooses the alert events it receives and can be sent a test once it is saved; a
 * URL the server refuses (or warns about: an address inside the network) says why beside it.
 */
export function ChannelsEditor({ channels, onChange, readOnly, streamId, refusals, warnings }: Props) {
  return (
    <fieldset className="space-y-2 rounded border border-slate-300 p-3 text-sm">
      <legend className="px-1 font-medium">Alert channels</legend>
      <p>
        <span aria-hidden="true">✓ </span>
        <strong>Dashboard</strong>: always on. Every alert shows on the overview’s banner and on the Alerts page.
      </p>
      {readOnly === null ? (
        <EditableChannels channels={channels} onChange={onChange} streamId={streamId} refusals={refusals} warnings={warnings} />
      ) : (
        <StoredChannels channels={channels} reason={readOnly} />
      )}
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

/** The events a channel receives, as checkboxes; at least one stays chosen (the server refuses none). */
function EventChoices({ channel, onChange }: { channel: ChannelDraft; onChange(events: AlertEvent[]): void }) {
  const toggle = (event: AlertEvent, on: boolean) => {
    const events = eventChoices.map(([e]) => e).filter((e) => (e === event ? on : channel.events.includes(e)));
    if (events.length) onChange(events);
  };
  return (
    <fieldset className="mt-1 flex flex-wrap items-center gap-x-3 gap-y-1">
      <legend className="float-left mr-2 text-slate-700">Sends when the alert is</legend>
      {eventChoices.map(([event, words]) => (
        <label key={event} className="flex items-center gap-1">
          <input type="checkbox" checked={channel.events.includes(event)} onChange={(e) => toggle(event, e.target.checked)} />
          {words}
        </label>
      ))}
    </fieldset>
  );
}

/** "Send test" for a stored channel, with the receiver's answer beside it. */
function SendTest({ streamId, channel }: { streamId: string; channel: ChannelDraft & { stored: { id: string } } }) {
  const [state, setState] = useState<{ busy: boolean; result: ChannelTestResult | null; error: string | null }>({ busy: false, result: null, error: null });
  const send = async () => {
    setState({ busy: true, result: null, error: null });
    try {
      setState({ busy: false, result: await testChannel(streamId, channel.stored.id), error: null });
    } catch (err) {
      setState({ busy: false, result: null, error: errorText(err) });
    }
  };
  const { result } = state;
  return (
    <span className="flex flex-wrap items-center gap-2" aria-live="polite">
      <button type="button" disabled={state.busy} onClick={() => void send()} className="rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60">
        {state.busy ? 'Sending…' : 'Send test'}
      </button>
      {result?.status === 'ok' && (
        <span className="text-[#009E73]" data-testid="channel-test-result" data-status="ok">✓ Delivered{result.httpStatus ? ` (HTTP ${result.httpStatus})` : ''}</span>
      )}
      {result && result.status !== 'ok' && (
        <span className="text-[#D55E00]" data-testid="channel-test-result" data-status={result.status}>
          ✕ {result.status === 'refused' ? 'Refused' : 'Not delivered'}: {result.error ?? `HTTP ${result.httpStatus}`}
        </span>
      )}
      {state.error && <span role="alert" className="text-[#D55E00]">The test could not be sent: {state.error}</span>}
    </span>
  );
}

/** The webhook and Slack channels, editable: add, remove, replace a stored one's URL (and secret), choose events, test. */
function EditableChannels({ channels, onChange, streamId, refusals, warnings }: Omit<Props, 'readOnly'>) {
  const next = useRef(0);
  const update = (key: string, patch: Partial<ChannelDraft>) => onChange(channels.map((c) => (c.key === key ? { ...c, ...patch } : c)));
  const add = (kind: ChannelDraft['kind']) =>
    onChange([...channels, { key: `new-${next.current++}`, kind, replace: true, url: '', secret: '', events: [...DefaultChannelEvents] }]);

  return (
    <>
      <ul className="space-y-2">
        {channels.map((c, i) => {
          const name = `${kindNames[c.kind]} ${c.stored ? c.stored.target : `(new, ${i + 1})`}`;
          const refused = refusals.get(c.key);
          const warned = warnings.get(c.key);
          const stored = c.stored;
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
              {refused && (
                <p role="alert" className="mt-1 text-[#D55E00]" data-testid="channel-url-error">Not saved: {refused}</p>
              )}
              {warned && !refused && (
                <p className="mt-1 text-[#B35900]" data-testid="channel-url-warning">⚠ Saved, but: {warned}</p>
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
              <EventChoices channel={c} onChange={(events) => update(c.key, { events })} />
              <div className="mt-1">
                {stored && streamId && !c.replace ? (
                  <SendTest streamId={streamId} channel={{ ...c, stored }} />
                ) : (
                  <span className="text-xs text-slate-600">Save the stream to send this channel a test.</span>
                )}
              </div>
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
