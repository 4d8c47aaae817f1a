/**
 * Typed calls of people's labels (README → HTTP API): one message with its label, labelling one
 * message or many, and the agreement with the model. A label given here is announced to
 * {@link onLabelled}'s listeners, so the agreement line counts it without waiting for its next load.
 */
import type { AgreementResponse, BulkLabelResponse, MessageResponse } from '../../lib/contracts/labels.ts';
import type { Label, StoredMessage } from '../../lib/contracts/messages.ts';
import { queryString, requestJson } from './api.ts';

export interface AgreementParams {
  stream?: string | null;
  source?: string | null;
  /** Epoch ms. */
  from: number;
  to: number;
}

const messagePath = (id: string) => `/api/messages/${encodeURIComponent(id)}`;

const labelled = new Set<() => void>();

export function onLabelled(listener: () => void): () => void {
  labelled.add(listener);
  return () => {
    labelled.delete(listener);
  };
}

function announce(): void {
  for (const listener of labelled) listener();
}

export async function fetchMessage(id: string, signal?: AbortSignal): Promise<StoredMessage> {
  return (await requestJson<MessageResponse>(messagePath(id), { signal })).body.message;
}

/** The message as stored after the label: `humanLabel` is the new one. */
export async function labelMessage(id: string, label: Label): Promise<StoredMessage> {
  const { message } = (await requestJson<MessageResponse>(`${messagePath(id)}/label`, { method: 'POST', body: { label } })).body;
  announce();
  return message;
}

export async function labelMessages(ids: readonly string[], label: Label): Promise<BulkLabelResponse> {
  const answer = (await requestJson<BulkLabelResponse>('/api/messages/labels', { method: 'POST', body: { ids, label } })).body;
  announce();
  return answer;
}

export async function fetchAgreement(q: AgreementParams, signal?: AbortSignal): Promise<AgreementResponse> {
  return (await requestJson<AgreementResponse>(`/api/labels/agreement?${queryString({ ...q })}`, { signal })).body;
}
