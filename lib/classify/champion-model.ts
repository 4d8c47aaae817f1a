/**
 * The model a classifier process serves, swappable while it runs. A batch leases the model
 * serving when it starts and scores all of its texts (retries included) with that one; a swap
 * only changes what the next lease gets. The replaced pool is closed once its last lease is
 * released, so batches in flight finish on the old model and nothing is refused or redelivered
 * because of a promotion.
 *
 * Rows name the model as `name@version` (the version: the hash of its weights), so every
 * stored row says which weights scored it.
 */
import type { ModelConfig } from '../config.ts';
import { log } from '../log.ts';
import type { Prediction } from '../sentiment.ts';
import type { ClassifierInfo } from '../../models/runtime/classifier.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';
import { ModelPool } from '../../models/runtime/pool.ts';

/** One batch's hold on a model: it scores with `model` and releases it when the batch is done. */
export interface ModelLease {
  readonly model: { readonly info: { model: string }; classify(texts: readonly string[]): Promise<Prediction[]> };
  release(): void;
}

interface Serving {
  pool: ModelPool;
  /** The pool's info with `model` as `name@version`. */
  info: ClassifierInfo;
  version: string;
  dir: string;
  leases: number;
  retired: boolean;
}

/** `name@version`: what a scored row's `model` holds. */
export function modelLabel(name: string, version: string): string {
  return `${name}@${version}`;
}

async function load(config: ModelConfig, dir: string): Promise<Serving> {
  const identity = await modelIdentity(dir);
  const pool = await ModelPool.start({ ...config, dir });
  return { pool, info: { ...pool.info, model: modelLabel(identity.name, identity.version) }, version: identity.version, dir, leases: 0, retired: false };
}

export class ChampionModel {
  private closing: Array<Promise<void>> = [];

  private constructor(
    private readonly config: ModelConfig,
    private serving: Serving,
  ) {}

  /** Loads the model in `dir` with the pool settings of `config`. */
  static async start(config: ModelConfig, dir: string): Promise<ChampionModel> {
    return new ChampionModel(config, await load(config, dir));
  }

  /** The model serving now (health, logs). */
  get info(): ClassifierInfo {
    return this.serving.info;
  }

  get version(): string {
    return this.serving.version;
  }

  get dir(): string {
    return this.serving.dir;
  }

  /** Inference threads of the model serving now. */
  get threads(): number {
    return this.serving.pool.size;
  }

  acquire(): ModelLease {
    const serving = this.serving;
    serving.leases++;
    let released = false;
    return {
      model: { info: serving.info, classify: (texts) => serving.pool.classify(texts) },
      release: () => {
        if (released) return;
        released = true;
        if (--serving.leases === 0 && serving.retired) this.closeRetired(serving);
      },
    };
  }

  /**
   * Loads the model in `dir` beside the one serving (a load that fails leaves the old one
   * serving, and rejects), then makes it the one new leases get. The old pool closes once the
   * batches holding it are done.
   */
  async swap(dir: string): Promise<void> {
    const next = await load(this.config, dir);
    const previous = this.serving;
    this.serving = next;
    previous.retired = true;
    log.info({ from: previous.info.model, to: next.info.model, inFlight: previous.leases }, 'classifier model swapped');
    if (previous.leases === 0) this.closeRetired(previous);
  }

  /** Closes the model serving and waits for the replaced ones still closing. */
  async close(): Promise<void> {
    this.serving.retired = true;
    await Promise.all([this.serving.pool.close(), ...this.closing]);
  }

  private closeRetired(serving: Serving): void {
    const closed = serving.pool.close().catch((err: unknown) => log.warn({ model: serving.info.model, err: (err as Error).message }, 'closing a replaced model failed'));
    this.closing.push(closed);
    void closed.then(() => (this.closing = this.closing.filter((c) => c !== closed)));
  }
}
