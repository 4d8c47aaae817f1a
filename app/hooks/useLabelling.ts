/**
 * Labelling messages from a list (the drill-down, the live feed's detail): one message or many
 * with one call, and the labels given here kept over what the list loaded, so a row shows its
 * new label at once without reloading the list.
 */
import { useCallback, useState } from 'react';
import type { Label } from '../../lib/contracts/messages.ts';
import { errorText } from '../lib/api.ts';
import { labelMessage, labelMessages } from '../lib/labels-api.ts';

export interface Labelling {
  /** People's label of a message: the one given here, else what the list loaded. */
  humanLabelOf(message: { id: string; humanLabel: Label | null }): Label | null;
  /** Labels the messages; resolves once the server answered: whether it saved them (a failure is in `status`). */
  label(ids: readonly string[], label: Label): Promise<boolean>;
  busy: boolean;
  /** What the last call did, in words (for a status line), or null before any. */
  status: string | null;
}

export function useLabelling(): Labelling {
  const [given, setGiven] = useState<ReadonlyMap<string, Label>>(new Map());
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState<string | null>(null);

  const label = useCallback(async (ids: readonly string[], label: Label): Promise<boolean> => {
    setBusy(true);
    try {
      // One message has its own route, which answers 404 for an unknown id; many go in one call.
      const done = ids.length === 1 ? [(await labelMessage(ids[0]!, label)).id] : (await labelMessages(ids, label)).labelled;
      setGiven((g) => new Map([...g, ...done.map((id) => [id, label] as const)]));
      const missing = ids.length - done.length;
      setStatus(`Labelled ${done.length === 1 ? 'the message' : `${done.length} messages`} ${label}${missing ? `; ${missing} no longer stored` : ''}.`);
      return true;
    } catch (err) {
      setStatus(`The label was not saved: ${errorText(err)}`);
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  const humanLabelOf = useCallback((m: { id: string; humanLabel: Label | null }) => given.get(m.id) ?? m.humanLabel, [given]);
  return { humanLabelOf, label, busy, status };
}
