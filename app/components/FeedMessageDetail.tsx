'use client';
import { useEffect, useState } from 'react';
import type { LiveMessage } from '../../lib/contracts/live.ts';
import type { Label } from '../../lib/contracts/messages.ts';
import { useLabelling } from '../hooks/useLabelling.ts';
import { useSession } from '../hooks/useSession.ts';
import { clock } from '../lib/format.ts';
import { fetchMessage } from '../lib/labels-api.ts';
import { HumanLabel } from './HumanLabel.tsx';
import { LabelButtons } from './LabelButtons.tsx';
import { Probabilities } from './Probabilities.tsx';

/**
 * A live feed message opened: its text, probabilities and, read from the store, people's label
 * beside the model's; an editor marks its sentiment here.
 */
export function FeedMessageDetail({ message, onClose }: { message: LiveMessage; onClose(): void }) {
  const { can } = useSession();
  const labelling = useLabelling();
  // The live message carries no person's label: the stored one does (null until it answered, or when it failed).
  // The stored row also names the model that scored it (name@version), which the live message does not carry.
  const [stored, setStored] = useState<{ id: string; humanLabel: Label | null; model: string } | null>(null);
  useEffect(() => {
    const abort = new AbortController();
    fetchMessage(message.id, abort.signal).then(
      (m) => setStored({ id: m.id, humanLabel: m.humanLabel, model: m.model }),
      () => undefined, // without it the detail still shows what the feed has, and labelling still works
    );
    return () => abort.abort();
  }, [message.id]);
  const human = labelling.humanLabelOf({ id: message.id, humanLabel: stored?.id === message.id ? stored.humanLabel : null });

  return (
    <div className="border-b border-slate-200 bg-slate-50 p-3" data-testid="message-detail">
      <div className="mb-2 flex items-start gap-2">
        <p className="flex-1 text-sm">{message.text}{message.truncated ? '…' : ''}</p>
        <button type="button" onClick={onClose} className="rounded px-1 text-sm hover:bg-slate-200" aria-label="Close the message">
          ✕
        </button>
      </div>
      <Probabilities probs={message.probs} />
      <p className="mt-1 text-xs text-slate-600">
        {message.source} · {clock(Date.parse(message.ts), true)} · id <code>{message.id}</code>
        {stored?.id === message.id && (
          <>
            {' '}· scored by <code data-testid="scored-by">{stored.model}</code>
          </>
        )}
      </p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        {can('edit') && <LabelButtons current={human} busy={labelling.busy} onLabel={(l) => void labelling.label([message.id], l)} />}
        <HumanLabel human={human} model={message.label} />
      </div>
      {labelling.status && <p role="status" className="mt-1 text-xs text-slate-700">{labelling.status}</p>}
    </div>
  );
}
