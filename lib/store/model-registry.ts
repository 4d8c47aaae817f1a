/**
 * The model registry (migration 12): every model Pulse can serve (`models`), which one is the
 * champion (`model_champions`, append-only: promotions and rollbacks with who, when, from and
 * to), and which challenger runs in shadow (`model_shadows`) with its labels beside the
 * champion's (`shadow_labels`). Every classifier process polls the champion and the shadow
 * (lib/classify/model-follower.ts), so a change here reaches all of them.
 *
 * An empty version in `model_champions` or `model_shadows` means "none": the configured model
 * (config.model.dir) serves, or no shadow runs.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { ChampionChange, ShadowAgreement, ShadowSetting } from '../contracts/model-promotion.ts';
import { PulseError } from '../errors.ts';
import { Labels, type Label } from '../sentiment.ts';
import { jsonText, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

export type { ChampionChange, ShadowAgreement, ShadowSetting };

export const ModelSources = ['shipped', 'trained', 'folder'] as const;
export type ModelSource = (typeof ModelSources)[number];

export interface RegisteredModel {
  /** `sha256:` and the first 12 hex digits of model.onnx (models/runtime/model-identity.ts). */
  version: string;
  name: string;
  /** Absolute folder: config.json + tokenizer.json + model.onnx (+ metrics.json). */
  dir: string;
  source: ModelSource;
  /** ISO; kept from the first registration. */
  createdAt: string;
  /** Who started the job ('system' for the shipped one). */
  createdBy: string | null;
  /** What it was trained on (base data, people's labels count, set ids). */
  data: Record<string, unknown>;
  /** Its evaluation (per class, held-back labels and dev sets). */
  metrics: Record<string, unknown>;
}

/** The challenger's label of one sampled message beside the champion's. */
export interface ShadowLabel {
  id: string;
  /** The message's event time (ISO). */
  ts: string;
  version: string;
  championVersion: string;
  championLabel: Label;
  challengerLabel: Label;
}

const jsonObject = jsonText.pipe(z.record(z.string(), z.unknown()));

const ModelRow = z.object({
  version: z.string(),
  name: z.string(),
  dir: z.string(),
  source: z.enum(ModelSources),
  created_at: sqlDateTimeText,
  created_by: z.string().nullable(),
  data: jsonObject,
  metrics: jsonObject,
});
const modelColumns = Object.keys(ModelRow.shape).join(', ');

const ChangeRow = z.object({
  id: z.string(),
  at: sqlDateTimeText,
  action: z.enum(['promote', 'rollback']),
  from_version: z.string(),
  to_version: z.string(),
  by: z.string(),
});

const ShadowRow = z.object({ version: z.string(), sample: z.number(), at: sqlDateTimeText, by: z.string() });
const AgreementRow = z.object({ champion_label: z.enum(Labels), compared: z.number(), agreed: z.number() });

function toModel(r: z.infer<typeof ModelRow>): RegisteredModel {
  return { version: r.version, name: r.name, dir: r.dir, source: r.source, createdAt: r.created_at, createdBy: r.created_by, data: r.data, metrics: r.metrics };
}

function toChange(r: z.infer<typeof ChangeRow>): ChampionChange {
  return { id: r.id, at: r.at, action: r.action, from: r.from_version || null, to: r.to_version || null, by: r.by };
}

/**
 * The chain of champions a history leaves: a promotion pushes its model, a rollback pops back
 * to the one before (so two rollbacks go two promotions back, never ping-pong). Bottom: the
 * configured model (null).
 */
export function championChain(history: readonly ChampionChange[]): Array<string | null> {
  const chain: Array<string | null> = [null];
  for (const change of history) {
    if (change.action === 'promote') chain.push(change.to);
    else if (chain.length > 1) chain.pop();
  }
  return chain;
}

export class ModelRegistryRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Adds a model, or rewrites its data and metrics keeping its first `createdAt`. */
  async register(model: Omit<RegisteredModel, 'createdAt'>): Promise<RegisteredModel> {
    const existing = await this.get(model.version);
    const registered: RegisteredModel = { ...model, createdAt: existing?.createdAt ?? new Date().toISOString() };
    await this.sql.insert('models', [
      {
        version: registered.version, name: registered.name, dir: registered.dir, source: registered.source,
        created_at: sqlDateTime(new Date(registered.createdAt)), created_by: registered.createdBy,
        data: JSON.stringify(registered.data), metrics: JSON.stringify(registered.metrics), updated_at: sqlDateTime(new Date()),
      },
    ]);
    return registered;
  }

  async get(version: string): Promise<RegisteredModel | null> {
    const rows = await this.sql.query(`SELECT ${modelColumns} FROM models FINAL WHERE version = {version:String}`, { version });
    const [row] = parseRows(ModelRow, rows);
    return row ? toModel(row) : null;
  }

  /** Newest first. */
  async list(): Promise<RegisteredModel[]> {
    const rows = await this.sql.query(`SELECT ${modelColumns} FROM models FINAL ORDER BY created_at DESC, version`);
    return parseRows(ModelRow, rows).map(toModel);
  }

  /** The promoted model; null until one is promoted (or after rolling back past the first): the configured model serves. */
  async champion(): Promise<RegisteredModel | null> {
    const version = await this.championVersion();
    return version === null ? null : this.get(version);
  }

  /** The champion's version alone: what every classifier process polls (one small read). */
  async championVersion(): Promise<string | null> {
    const rows = await this.sql.query(`SELECT to_version FROM model_champions ORDER BY at DESC, id DESC LIMIT 1`);
    const [row] = parseRows(z.object({ to_version: z.string() }), rows);
    return row?.to_version || null;
  }

  /** Every promotion and rollback, oldest first. */
  async history(): Promise<ChampionChange[]> {
    const rows = await this.sql.query(`SELECT id, at, action, from_version, to_version, by FROM model_champions ORDER BY at, id`);
    return parseRows(ChangeRow, rows).map(toChange);
  }

  /** Makes a registered model the champion; NOT_FOUND for an unknown version, CONFLICT when it already is. */
  async promote(version: string, by: string): Promise<ChampionChange> {
    if (!(await this.get(version))) throw new PulseError('NOT_FOUND', `no registered model ${version}`);
    const history = await this.history();
    const current = championChain(history).at(-1) ?? null;
    if (current === version) throw new PulseError('CONFLICT', `${version} is already the champion`);
    return this.append(history, { action: 'promote', from: current, to: version, by });
  }

  /** Back to the champion before the current one (the configured model at the bottom); CONFLICT when nothing was promoted. */
  async rollback(by: string): Promise<ChampionChange> {
    const history = await this.history();
    const chain = championChain(history);
    if (chain.length < 2) throw new PulseError('CONFLICT', 'no promotion to roll back');
    return this.append(history, { action: 'rollback', from: chain.at(-1) ?? null, to: chain.at(-2) ?? null, by });
  }

  /** Runs `version` in shadow on `sample` (0–1] of live traffic, replacing any shadow running. */
  async startShadow(version: string, sample: number, by: string): Promise<ShadowSetting> {
    if (!(await this.get(version))) throw new PulseError('NOT_FOUND', `no registered model ${version}`);
    if (!(sample > 0 && sample <= 1)) throw new PulseError('INPUT_INVALID', 'sample must be in (0, 1]');
    const at = new Date().toISOString();
    await this.sql.insert('model_shadows', [{ id: randomUUID(), at: sqlDateTime(new Date(at)), version, sample, by }]);
    return { version, sample, at, by };
  }

  async stopShadow(by: string): Promise<void> {
    await this.sql.insert('model_shadows', [{ id: randomUUID(), at: sqlDateTime(new Date()), version: '', sample: 0, by }]);
  }

  /** The shadow running now, if any. */
  async shadow(): Promise<ShadowSetting | null> {
    const rows = await this.sql.query(`SELECT version, sample, at, by FROM model_shadows ORDER BY at DESC, id DESC LIMIT 1`);
    const [row] = parseRows(ShadowRow, rows);
    return row?.version ? row : null;
  }

  async appendShadowLabels(labels: readonly ShadowLabel[]): Promise<void> {
    if (!labels.length) return;
    await this.sql.insert(
      'shadow_labels',
      labels.map((l) => ({
        id: l.id, ts: sqlDateTime(new Date(l.ts)), version: l.version, champion_version: l.championVersion,
        champion_label: l.championLabel, challenger_label: l.challengerLabel,
      })),
    );
  }

  /** How often the challenger agreed with the champion over every message it saw in shadow. */
  async shadowAgreement(version: string): Promise<ShadowAgreement> {
    const rows = await this.sql.query(
      `SELECT toString(champion_label) AS champion_label, count() AS compared, countIf(challenger_label = champion_label) AS agreed
       FROM shadow_labels WHERE version = {version:String} GROUP BY champion_label ORDER BY champion_label`,
      { version },
    );
    const byChampionLabel = parseRows(AgreementRow, rows).map((r) => ({ label: r.champion_label, compared: r.compared, agreed: r.agreed }));
    return {
      version,
      compared: byChampionLabel.reduce((n, r) => n + r.compared, 0),
      agreed: byChampionLabel.reduce((n, r) => n + r.agreed, 0),
      byChampionLabel,
    };
  }

  private async append(history: readonly ChampionChange[], change: Omit<ChampionChange, 'id' | 'at'>): Promise<ChampionChange> {
    // Strictly after the last change, so the order (at, id) is the order of the actions even
    // when the clock of this process lags the one that wrote the last row.
    const last = history.at(-1);
    const at = new Date(Math.max(Date.now(), last ? Date.parse(last.at) + 1 : 0)).toISOString();
    const written: ChampionChange = { id: randomUUID(), at, ...change };
    await this.sql.insert('model_champions', [
      { id: written.id, at: sqlDateTime(new Date(at)), action: written.action, from_version: written.from ?? '', to_version: written.to ?? '', by: written.by },
    ]);
    return written;
  }
}
