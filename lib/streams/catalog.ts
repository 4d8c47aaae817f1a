/**
 * Creating, changing and deleting keyword streams: each change is a new version in the store
 * (lib/store/streams.ts) and an entry in the audit log. A change may name the version it was
 * made against (`ifVersion`, the REST API's `If-Match`): if somebody saved in between, it is
 * refused with CONFLICT rather than silently overwriting their edit. Editors change streams and
 * rules; where alerts are sent (channels) is an admin's to change, and a webhook or Slack URL
 * that reaches inside the network is refused when it is saved (`channel-targets.ts`).
 */
import { systemActor, type Actor, type Audit } from '../audit.ts';
import { can, type Principal } from '../auth/roles.ts';
import { isPulseError, PulseError } from '../errors.ts';
import type { StreamRepository } from '../store/streams.ts';
import { auditedStream, channelsChanged, updateDetail } from './changes.ts';
import type { ChannelTargetCheck } from './channel-targets.ts';
import { checkStream, streamIdFromName, type StreamRecord } from './stream.ts';

/** Who changes a stream: the audit log's actor, with the role or scopes the channel rule looks at. */
export interface StreamEditor extends Actor {
  principal: Principal | null;
}

export interface StreamCatalogOptions {
  now?: () => Date;
  /** The save-time URL check (the server's: `channelTargetCheck`); absent, URLs are checked only when sent to. */
  checkTargets?: ChannelTargetCheck;
  /**
   * After a version is stored, with the one it replaced (none for a new stream): the server
   * starts a backfill of the past there (lib/streams/backfill/). Must not throw.
   */
  onSaved?: (stream: StreamRecord, previous: StreamRecord | undefined) => Promise<void>;
}

export class StreamCatalog {
  private readonly now: () => Date;

  constructor(
    private readonly store: Pick<StreamRepository, 'list' | 'get' | 'versions' | 'insertVersion'>,
    private readonly audit: Pick<Audit, 'record'>,
    private readonly options: StreamCatalogOptions = {},
  ) {
    this.now = options.now ?? (() => new Date());
  }

  list(): Promise<StreamRecord[]> {
    return this.store.list();
  }

  async get(id: string): Promise<StreamRecord> {
    const stream = await this.store.get(id);
    if (!stream || stream.deleted) throw new PulseError('NOT_FOUND', `no stream ${JSON.stringify(id)}`);
    return stream;
  }

  async versions(id: string): Promise<StreamRecord[]> {
    const versions = await this.store.versions(id);
    if (!versions.length) throw new PulseError('NOT_FOUND', `no stream ${JSON.stringify(id)}`);
    return versions;
  }

  /** A new stream; its id is the submitted one or derived from the name, and must be free. */
  async create(by: StreamEditor, input: unknown): Promise<StreamRecord> {
    const checked = checkStream(input);
    const id = checked.id ?? streamIdFromName(checked.name);
    const existing = await this.store.get(id);
    if (existing && !existing.deleted) {
      throw new PulseError('CONFLICT', `a stream with id ${JSON.stringify(id)} exists; choose another id or name`);
    }
    // A recreated id continues the numbering: versions only ever grow.
    const next = { ...checked, id, version: (existing?.version ?? 0) + 1, deleted: false };
    checkChannels(by, undefined, next);
    await this.options.checkTargets?.(next.channels, []);
    const stream = await this.write(next);
    await this.audit.record(by, 'stream.create', { kind: 'stream', id }, { stream: auditedStream(stream) });
    await this.options.onSaved?.(stream, undefined);
    return stream;
  }

  async update(by: StreamEditor, id: string, input: unknown, ifVersion?: number): Promise<StreamRecord> {
    const current = await this.current(id, ifVersion);
    const checked = checkStream(input, current);
    if (checked.id !== undefined && checked.id !== id) throw new PulseError('BODY_INVALID', 'a stream id cannot change');
    const next = { ...checked, id, version: current.version + 1, deleted: false, ...(current.example ? { example: true as const } : {}) };
    checkChannels(by, current, next);
    await this.options.checkTargets?.(next.channels, current.channels);
    const stream = await this.write(next);
    await this.audit.record(by, 'stream.update', { kind: 'stream', id }, updateDetail(current, stream));
    await this.options.onSaved?.(stream, current);
    return stream;
  }

  /** A deleted version keeps the channels it had: deleting needs no channel permission. */
  async remove(by: StreamEditor, id: string, ifVersion?: number): Promise<StreamRecord> {
    const current = await this.current(id, ifVersion);
    const stream = await this.write({ ...current, version: current.version + 1, deleted: true });
    await this.audit.record(by, 'stream.delete', { kind: 'stream', id }, { version: stream.version });
    await this.options.onSaved?.(stream, current);
    return stream;
  }

  /**
   * The demo's example streams (lib/demo/examples.ts), written by Pulse itself: the audit names
   * the system. Checked like any stream; an id ever used is left alone, not replaced.
   */
  async createExamples(inputs: readonly unknown[]): Promise<StreamRecord[]> {
    const created: StreamRecord[] = [];
    for (const input of inputs) {
      const checked = checkStream(input);
      const id = checked.id ?? streamIdFromName(checked.name);
      if (await this.store.get(id)) continue;
      const stream = await this.write({ ...checked, id, version: 1, deleted: false, example: true });
      await this.audit.record(systemActor, 'stream.create', { kind: 'stream', id }, { stream: auditedStream(stream) });
      await this.options.onSaved?.(stream, undefined);
      created.push(stream);
    }
    return created;
  }

  /** Deletes every example stream (the Streams page's one click), each audited as `by`'s delete. */
  async removeExamples(by: StreamEditor): Promise<StreamRecord[]> {
    const removed: StreamRecord[] = [];
    for (const example of (await this.store.list()).filter((s) => s.example)) {
      try {
        removed.push(await this.remove(by, example.id));
      } catch (err) {
        // Somebody removed it meanwhile: what was asked for is done.
        if (!isPulseError(err, 'NOT_FOUND')) throw err;
      }
    }
    return removed;
  }

  private async current(id: string, ifVersion: number | undefined): Promise<StreamRecord> {
    const current = await this.get(id);
    if (ifVersion !== undefined && ifVersion !== current.version) {
      throw new PulseError('CONFLICT', `stream ${JSON.stringify(id)} is at version ${current.version}, not ${ifVersion}: reload it and apply the change again`);
    }
    return current;
  }

  private async write(stream: Omit<StreamRecord, 'updatedAt'>): Promise<StreamRecord> {
    const record: StreamRecord = { ...stream, updatedAt: this.now().toISOString() };
    await this.store.insertVersion(record);
    return record;
  }
}

/** Refuses a version that would change the channels without the admin permission, before it is stored. */
function checkChannels(by: StreamEditor, before: StreamRecord | undefined, after: Pick<StreamRecord, 'channels'>): void {
  if (by.principal && !can(by.principal, 'admin') && channelsChanged(before, after)) {
    throw new PulseError('FORBIDDEN', 'changing where alerts are sent (channels) needs the admin role');
  }
}
