/**
 * Creating, changing and deleting keyword streams: each change is a new version in the store
 * (lib/store/streams.ts). A change may name the version it was made against (`ifVersion`, the
 * REST API's `If-Match`): if somebody saved in between, it is refused with CONFLICT rather than
 * silently overwriting their edit.
 */
import { PulseError } from '../errors.ts';
import type { StreamRepository } from '../store/streams.ts';
import { checkStream, streamIdFromName, type StreamRecord } from './stream.ts';

/** Sees a version before it is written (and the one it replaces); throws to refuse it. */
type Approve = (next: StreamRecord, current: StreamRecord | undefined) => void;

export class StreamCatalog {
  constructor(
    private readonly store: Pick<StreamRepository, 'list' | 'get' | 'versions' | 'insertVersion'>,
    private readonly now: () => Date = () => new Date(),
  ) {}

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

  /**
   * A new stream; its id is the submitted one or derived from the name, and must be free.
   * `approve` sees the version about to be written and may refuse it by throwing (permissions).
   */
  async create(input: unknown, approve?: Approve): Promise<StreamRecord> {
    const checked = checkStream(input);
    const id = checked.id ?? streamIdFromName(checked.name);
    const existing = await this.store.get(id);
    if (existing && !existing.deleted) {
      throw new PulseError('CONFLICT', `a stream with id ${JSON.stringify(id)} exists; choose another id or name`);
    }
    // A recreated id continues the numbering: versions only ever grow.
    return this.write({ ...checked, id, version: (existing?.version ?? 0) + 1, deleted: false }, approve);
  }

  async update(id: string, input: unknown, ifVersion?: number, approve?: Approve): Promise<StreamRecord> {
    const current = await this.current(id, ifVersion);
    const checked = checkStream(input, current);
    if (checked.id !== undefined && checked.id !== id) throw new PulseError('BODY_INVALID', 'a stream id cannot change');
    return this.write({ ...checked, id, version: current.version + 1, deleted: false }, approve, current);
  }

  async remove(id: string, ifVersion?: number): Promise<StreamRecord> {
    const current = await this.current(id, ifVersion);
    return this.write({ ...current, version: current.version + 1, deleted: true });
  }

  private async current(id: string, ifVersion: number | undefined): Promise<StreamRecord> {
    const current = await this.get(id);
    if (ifVersion !== undefined && ifVersion !== current.version) {
      throw new PulseError('CONFLICT', `stream ${JSON.stringify(id)} is at version ${current.version}, not ${ifVersion}: reload it and apply the change again`);
    }
    return current;
  }

  private async write(stream: Omit<StreamRecord, 'updatedAt'>, approve?: Approve, current?: StreamRecord): Promise<StreamRecord> {
    const record: StreamRecord = { ...stream, updatedAt: this.now().toISOString() };
    approve?.(record, current);
    await this.store.insertVersion(record);
    return record;
  }
}
