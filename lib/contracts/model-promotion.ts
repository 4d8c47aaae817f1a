/**
 * The champion and its challenger over HTTP: promotion, rollback and their history
 * (`/api/models/:version/promote`, `/api/models/rollback`, `/api/models/champions`), and the
 * challenger in shadow (`/api/models/:version/shadow`). Browser code imports this module.
 */
import type { Label } from '../sentiment.ts';

export type ChampionAction = 'promote' | 'rollback';

/** One promotion or rollback as stored; a null version is the configured model (MODEL_DIR). */
export interface ChampionChange {
  id: string;
  at: string;
  action: ChampionAction;
  from: string | null;
  to: string | null;
  /** Who: an email, a key's name. */
  by: string;
}

/** A model as the history names it. */
export interface ModelRef {
  version: string;
  name: string;
  /** The configured model (MODEL_DIR): what serves while nothing is promoted. */
  configured: boolean;
}

/** A change with its models named (the configured model where the stored version is null). */
export interface ChampionChangeView {
  id: string;
  at: string;
  action: ChampionAction;
  from: ModelRef;
  to: ModelRef;
  by: string;
}

/** `GET /api/models/champions`. */
export interface ChampionHistory {
  /** The model serving: the promoted champion, or the configured model. */
  serving: ModelRef;
  /** Where a rollback would go (the champion the serving one replaced); null: nothing to roll back. */
  rollbackTo: ModelRef | null;
  /** Newest first. */
  changes: ChampionChangeView[];
  /** Every registered model, newest first: what may be promoted. */
  models: ModelRef[];
  /** The challenger running in shadow now, if any. */
  shadow: ShadowSetting | null;
}

/** `POST /api/models/:version/promote` and `POST /api/models/rollback`. */
export interface ChampionChanged {
  change: ChampionChangeView;
}

/** The challenger running in shadow and the share of live traffic it sees. */
export interface ShadowSetting {
  version: string;
  /** (0, 1]. */
  sample: number;
  at: string;
  by: string;
}

/** How often the challenger gave the champion's label over what it saw in shadow, per champion label. */
export interface ShadowAgreement {
  version: string;
  compared: number;
  agreed: number;
  byChampionLabel: Array<{ label: Label; compared: number; agreed: number }>;
}

/** `GET /api/models/:version/shadow` (and the answer to starting or stopping one). */
export interface ShadowStatus {
  /** Whether this version is the one running in shadow now. */
  running: ShadowSetting | null;
  agreement: ShadowAgreement;
}

/** `POST /api/models/:version/shadow`'s body. */
export interface ShadowBody {
  sample: number;
}
