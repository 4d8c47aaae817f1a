/**
 * Labelled training sets: upload (judged row by row, stored, audited), list, read, delete. The
 * rules live here so the HTTP route only reads the request; the rows' rules are
 * lib/training/judge-rows.ts's.
 */
import { randomUUID } from 'node:crypto';
import type { Actor, Audit } from '../audit.ts';
import { describePrincipal } from '../auth/roles.ts';
import { MaxListedRefusals, TrainingSetSampleSize, type RowRefusal, type TrainingSet, type TrainingSetDetail, type TrainingSetFormat, type TrainingSetUploaded } from '../contracts/training-sets.ts';
import { PulseError } from '../errors.ts';
import type { TrainingSetRepository } from '../store/training-sets.ts';
import { parseTrainingSet } from './parse-set.ts';

export interface TrainingSetUpload {
  name: string;
  domain: string;
  format: TrainingSetFormat;
  /** The file as uploaded. */
  text: string;
}

/** A file with no row to keep: refused whole, with every reason (the answer lists the first ones). */
export class TrainingSetRefused extends PulseError {
  constructor(
    readonly refused: readonly RowRefusal[],
    readonly refusedCount: number,
  ) {
    const first = refused.slice(0, 3).map((r) => `line ${r.line}: ${r.reason}`).join('; ');
    super('TRAINING_SET_INVALID', refusedCount ? `no row could be kept (${refusedCount} refused; ${first}${refusedCount > 3 ? '; …' : ''})` : 'the file has no rows under its header');
  }
}

export class TrainingSetCatalog {
  constructor(
    private readonly sets: TrainingSetRepository,
    private readonly audit: Pick<Audit, 'record'>,
  ) {}

  async upload(by: Actor, upload: TrainingSetUpload): Promise<TrainingSetUploaded> {
    const { rows, refusals } = parseTrainingSet(upload.text, upload.format);
    const listed = refusals.slice(0, MaxListedRefusals);
    if (!rows.length) throw new TrainingSetRefused(listed, refusals.length);
    // Names are how people pick sets for a training job: two alike in one domain could not be told apart.
    const same = (await this.sets.list()).find((s) => s.domain === upload.domain && s.name.toLowerCase() === upload.name.toLowerCase());
    if (same) throw new PulseError('CONFLICT', `the domain ${JSON.stringify(upload.domain)} already has a set named ${JSON.stringify(same.name)}; pick another name or delete that set first`);
    const set: TrainingSet = {
      id: randomUUID(), name: upload.name, domain: upload.domain, format: upload.format, rows: rows.length, refused: refusals.length,
      createdAt: new Date().toISOString(), createdBy: by.principal ? describePrincipal(by.principal).name : 'anonymous',
    };
    await this.sets.insert({ set, refusals: listed }, rows);
    await this.audit.record(by, 'training-set.create', { kind: 'training-set', id: set.id }, { name: set.name, domain: set.domain, format: set.format, rows: set.rows, refused: set.refused });
    return { set, refused: listed };
  }

  list(): Promise<TrainingSet[]> {
    return this.sets.list();
  }

  async get(id: string): Promise<TrainingSetDetail> {
    const stored = await this.found(id);
    return { set: stored.set, refused: stored.refusals, sample: await this.sets.sample(id, TrainingSetSampleSize) };
  }

  async remove(by: Actor, id: string): Promise<TrainingSet> {
    const stored = await this.found(id);
    await this.sets.remove(stored);
    await this.audit.record(by, 'training-set.delete', { kind: 'training-set', id }, { name: stored.set.name, domain: stored.set.domain, rows: stored.set.rows });
    return stored.set;
  }

  private async found(id: string) {
    const stored = await this.sets.get(id);
    if (!stored) throw new PulseError('NOT_FOUND', `no training set ${JSON.stringify(id)}`);
    return stored;
  }
}
