/**
 * What changed between two versions of a stream, as the catalog's rules and its audit records
 * see it: whether the alert channels changed (an admin's to change), and what the audit log
 * keeps of a version and of an update — never a credential.
 */
import { DefaultChannelEvents } from '../alerts/channel.ts';
import { changedFields } from '../audit.ts';
import { publicStream, type PublicStream, type StreamRecord } from './stream.ts';

type Channel = StreamRecord['channels'][number];

/**
 * A channel as the rules compare it: absent `events` stand for the defaults (a channel saved
 * before events were configurable, saved again by the form, which sends them), in any order.
 */
function comparable(c: Channel): string {
  if (!('url' in c)) return JSON.stringify(c);
  return JSON.stringify({ ...withoutEvents(c), events: [...(c.events ?? DefaultChannelEvents)].sort() });
}

/** Where and how a channel sends, its credentials included: what it sends is not a credential. */
function withoutEvents(c: Channel): Omit<Channel, 'events'> {
  if (!('url' in c)) return c;
  const { events: _events, ...rest } = c;
  return rest;
}

/** The fields of an update the audit log compares, in the order it lists them. */
const auditedFields = ['name', 'query', 'sources', 'rule', 'channels'] as const;

/** What the audit log keeps of a version: everything but credentials (channels as the API shows them). */
export function auditedStream(s: StreamRecord): Omit<PublicStream, 'detectorRules'> {
  const { detectorRules: _rules, ...rest } = publicStream(s);
  return rest;
}

/** Whether the webhook and Slack channels differ in any way, credentials included (the dashboard is always on). */
export function channelsChanged(before: Pick<StreamRecord, 'channels'> | undefined, after: Pick<StreamRecord, 'channels'>): boolean {
  const external = (s: Pick<StreamRecord, 'channels'> | undefined) => (s?.channels ?? []).filter((c) => c.kind !== 'dashboard').map(comparable).join('\n');
  return external(before) !== external(after);
}

/** Channels kept by id whose URL or secret was replaced: the audit log names them, never the values. */
function credentialsReplaced(before: StreamRecord, after: StreamRecord): string[] {
  return after.channels.flatMap((c) => {
    const old = before.channels.find((b) => b.id === c.id && b.kind === c.kind);
    return old && JSON.stringify(withoutEvents(old)) !== JSON.stringify(withoutEvents(c)) ? [c.id] : [];
  });
}

/** The audit detail of an update: the new version, the fields that changed, and the channels whose credentials were replaced. */
export function updateDetail(before: StreamRecord, after: StreamRecord): Record<string, unknown> {
  const replaced = credentialsReplaced(before, after);
  return {
    version: after.version,
    changes: changedFields(auditedStream(before), auditedStream(after), auditedFields),
    ...(replaced.length ? { credentialsReplaced: replaced } : {}),
  };
}
