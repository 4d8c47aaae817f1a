/**
 * People's labels: a person with the edit permission marks the sentiment of stored messages,
 * one or many at once. Each label is appended to `message_labels` with who gave it and what the
 * model said then (the model's label of the message never changes), and audited, one entry per
 * message. Who is named as an alert's acknowledgement names them: an email, a key's name, or
 * "someone" in open mode.
 */
import { z } from 'zod';
import { actorName } from './alerts/actions.ts';
import type { Actor, Audit } from './audit.ts';
import { describePrincipal } from './auth/roles.ts';
import { MaxLabelledAtOnce } from './contracts/labels.ts';
import { PulseError } from './errors.ts';
import type { StoredMessage } from './message.ts';
import { Labels, type Label } from './sentiment.ts';
import type { LabelRepository, PersonLabel } from './store/labels.ts';
import type { MessageRepository } from './store/messages.ts';

const LabelField = z.enum(Labels);
const MessageId = z.string().min(1).max(128);

/** `POST /api/messages/:id/label`. */
export const LabelBodySchema = z.strictObject({ label: LabelField });

/** `POST /api/messages/labels`: repeated ids count once. */
export const BulkLabelBodySchema = z.strictObject({
  ids: z.array(MessageId).min(1).max(MaxLabelledAtOnce).transform((ids) => [...new Set(ids)]),
  label: LabelField,
});

/** A body against a schema, or 400 LABEL_INVALID naming what is wrong. */
export function parseLabelBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const why = parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
    throw new PulseError('LABEL_INVALID', `invalid label: ${why} (a label is one of ${Labels.join(', ')})`);
  }
  return parsed.data;
}

export interface LabelDeps {
  messages: Pick<MessageRepository, 'find'>;
  labels: Pick<LabelRepository, 'append'>;
  audit: Pick<Audit, 'recordEach'>;
  now?: () => number;
}

export interface LabelOutcome {
  /** The labelled messages as stored now, `humanLabel` set. */
  labelled: StoredMessage[];
  /** Ids of no stored message: nothing was written for them. */
  unknown: string[];
}

/** Labels the stored messages among `ids` (at most {@link MaxLabelledAtOnce}) as `label`. */
export async function labelMessages(deps: LabelDeps, by: Actor, ids: readonly string[], label: Label): Promise<LabelOutcome> {
  if (ids.length > MaxLabelledAtOnce) throw new PulseError('LABEL_INVALID', `at most ${MaxLabelledAtOnce} messages at once`);
  const found = await deps.messages.find(ids);
  const at = new Date((deps.now ?? Date.now)()).toISOString();
  const principal = by.principal ? describePrincipal(by.principal) : { kind: 'anonymous', id: '' };
  const who = { kind: principal.kind, id: principal.id, name: actorName(by) };
  const rows: PersonLabel[] = found.map((m) => ({
    messageId: m.id, ts: m.ts, at, label, modelLabel: m.label, model: m.model, text: m.text, by: who,
  }));
  await deps.labels.append(rows);
  await deps.audit.recordEach(
    by,
    'message.label',
    found.map((m) => ({ target: { kind: 'message', id: m.id }, detail: { label, modelLabel: m.label, model: m.model, ...(ids.length > 1 ? { bulk: ids.length } : {}) } })),
  );
  const stored = new Set(found.map((m) => m.id));
  return { labelled: found.map((m) => ({ ...m, humanLabel: label })), unknown: ids.filter((id) => !stored.has(id)) };
}

/** Labels one message; 404 NOT_FOUND when no message has the id. */
export async function labelMessage(deps: LabelDeps, by: Actor, id: string, label: Label): Promise<StoredMessage> {
  const { labelled } = await labelMessages(deps, by, [id], label);
  if (!labelled[0]) throw new PulseError('NOT_FOUND', `no message ${JSON.stringify(id)}`);
  return labelled[0];
}
