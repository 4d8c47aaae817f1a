/**
 * Keeps a classifier process's models on what the registry says, the way StreamRegistry keeps
 * its streams: every `pollMs` (default 1 s) it reads the champion's version and the shadow
 * setting (lib/store/model-registry.ts), and on a change loads the new folder and swaps it in
 * (ChampionModel: between batches, in-flight ones finish on the old model) or starts / stops
 * the challenger (ShadowRunner). Every process, embedded or a worker, polls the same tables, so
 * a promotion reaches all of them within about a poll and a load.
 *
 * A folder this process cannot load (not on its volume, damaged) leaves the model it has
 * serving, loudly, and is tried again after `retryMs`.
 */
import type { ModelConfig } from '../config.ts';
import { log } from '../log.ts';
import type { ModelRegistryRepository, ShadowSetting } from '../store/model-registry.ts';
import { ChampionModel } from './champion-model.ts';
import type { ShadowRunner } from './shadow.ts';

export type ModelRegistryReads = Pick<ModelRegistryRepository, 'championVersion' | 'get' | 'shadow'>;

export interface ModelFollowerOptions {
  pollMs: number;
  /** How long a folder that failed to load is left before the next try. */
  retryMs: number;
}

export const defaultModelFollowerOptions: ModelFollowerOptions = { pollMs: 1_000, retryMs: 30_000 };

export class ModelFollower {
  private timer: NodeJS.Timeout | undefined;
  /** The poll's check under way (resolved when none is): stop() waits for it. */
  private running: Promise<void> = Promise.resolve();
  private checking = false;
  /** The champion version last applied (null: the configured model). */
  private applied: string | null;
  private shadowApplied = '';
  private readonly failedAt = new Map<string, number>();

  private constructor(
    private readonly registry: ModelRegistryReads,
    private readonly config: ModelConfig,
    readonly model: ChampionModel,
    applied: string | null,
    private readonly shadow: ShadowRunner | undefined,
    private readonly options: ModelFollowerOptions,
  ) {
    this.applied = applied;
  }

  /**
   * Loads the champion (the configured model where none was promoted, or where the champion's
   * folder cannot be loaded here) and keeps following the registry.
   */
  static async start(registry: ModelRegistryReads, config: ModelConfig, shadow?: ShadowRunner, options = defaultModelFollowerOptions): Promise<ModelFollower> {
    const version = await registry.championVersion();
    let model: ChampionModel | undefined;
    if (version !== null) {
      const dir = (await registry.get(version))?.dir;
      try {
        if (!dir) throw new Error(`model ${version} is not registered`);
        model = await ChampionModel.start(config, dir);
      } catch (err) {
        log.error({ version, err: (err as Error).message }, 'the champion model does not load here; serving the configured model meanwhile');
      }
    }
    const serving = model ?? (await ChampionModel.start(config, config.dir));
    const follower = new ModelFollower(registry, config, serving, model ? version : null, shadow, options);
    if (!model && version !== null) follower.failedAt.set(version, Date.now());
    follower.timer = setInterval(() => {
      // One check at a time, and a tick during a slow load is skipped, not queued behind it (a
      // queue would replay every skipped second's reads back to back once the load ends).
      if (follower.checking) return;
      follower.checking = true;
      follower.running = follower.check()
        .catch((err: unknown) => {
          log.warn({ err: (err as Error).message }, 'reading the model registry failed; keeping the models serving');
        })
        .finally(() => {
          follower.checking = false;
        });
    }, options.pollMs);
    follower.timer.unref();
    return follower;
  }

  /** Reads the registry now and applies what changed; also what each poll runs. */
  async check(): Promise<void> {
    const [version, shadow] = await Promise.all([this.registry.championVersion(), this.shadow ? this.registry.shadow() : null]);
    await this.followChampion(version);
    if (this.shadow) await this.followShadow(shadow);
  }

  /** Stops polling (a load under way finishes), then closes the models. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
    await Promise.all([this.model.close(), this.shadow?.close()]);
  }

  private async followChampion(version: string | null): Promise<void> {
    if (version === this.applied || this.waiting(version)) return;
    const dir = version === null ? this.config.dir : (await this.registry.get(version))?.dir;
    try {
      if (!dir) throw new Error(`model ${version} is not registered`);
      await this.model.swap(dir);
      this.applied = version;
      if (version) this.failedAt.delete(version);
    } catch (err) {
      if (version) this.failedAt.set(version, Date.now());
      log.error({ version, err: (err as Error).message }, 'the new champion does not load here; the model serving goes on');
    }
  }

  private async followShadow(setting: ShadowSetting | null): Promise<void> {
    const key = setting ? `${setting.version} ${setting.sample}` : '';
    if (key === this.shadowApplied || (setting && this.waiting(setting.version))) return;
    try {
      const dir = setting ? (await this.registry.get(setting.version))?.dir : undefined;
      if (setting && !dir) throw new Error(`model ${setting.version} is not registered`);
      await this.shadow!.follow(setting && dir ? { version: setting.version, sample: setting.sample, dir } : null);
      this.shadowApplied = key;
    } catch (err) {
      if (setting) this.failedAt.set(setting.version, Date.now());
      log.error({ version: setting?.version, err: (err as Error).message }, 'the shadow model does not load here; no shadow runs in this process');
    }
  }

  /** A version that failed to load is left alone for `retryMs`. */
  private waiting(version: string | null): boolean {
    const failed = version === null ? undefined : this.failedAt.get(version);
    return failed !== undefined && Date.now() - failed < this.options.retryMs;
  }
}
