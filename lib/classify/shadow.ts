/**
 * A challenger in shadow: after a batch is stored, published and about to be committed with the
 * champion's labels, a sample of its messages is scored again by the challenger, in the
 * background, and both labels are stored side by side (`shadow_labels`). It never delays or
 * changes the champion's result: the batch does not wait for it, a run still going when the
 * next batch comes makes that batch's sample skipped (the challenger cannot pile up work), and
 * its failures are logged, never thrown.
 *
 * The sample is chosen by a hash of the message id, so every process makes the same choice and
 * the share holds across partitions. A redelivered batch is sampled again: agreement counts may
 * count such a message twice, which moves a ratio, not a stored total.
 */
import type { ModelConfig } from '../config.ts';
import { log } from '../log.ts';
import type { ScoredMessage } from '../message.ts';
import type { ModelRegistryRepository } from '../store/model-registry.ts';
import { ChampionModel } from './champion-model.ts';

export interface ShadowTarget {
  version: string;
  /** Share of live traffic, (0, 1]. */
  sample: number;
  dir: string;
}

/** [0, 1) from a message id: FNV-1a, stable across processes and restarts. */
export function sampleKey(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

export class ShadowRunner {
  private challenger: { model: ChampionModel; target: ShadowTarget } | undefined;
  private inFlight: Promise<void> | undefined;

  /** `config`: the champion's pool settings; the challenger runs on one thread so it takes little from the champion. */
  constructor(
    private readonly config: ModelConfig,
    private readonly labels: Pick<ModelRegistryRepository, 'appendShadowLabels'>,
  ) {}

  /** Starts, changes or (null) stops the challenger; the previous one closes after its run. */
  async follow(target: ShadowTarget | null): Promise<void> {
    const previous = this.challenger;
    if (target && previous?.target.version === target.version) {
      previous.target = target;
      return;
    }
    this.challenger = target ? { model: await ChampionModel.start({ ...this.config, threads: 1 }, target.dir), target } : undefined;
    if (target) log.info({ version: target.version, sample: target.sample }, 'shadow model running');
    if (previous) {
      await this.inFlight;
      await previous.model.close();
      if (!target) log.info({ version: previous.target.version }, 'shadow model stopped');
    }
  }

  /** Scores the sampled rows with the challenger in the background; returns at once. */
  observe(rows: readonly ScoredMessage[]): void {
    const challenger = this.challenger;
    if (!challenger || this.inFlight) return;
    const sampled = rows.filter((r) => sampleKey(r.id) < challenger.target.sample);
    if (!sampled.length) return;
    const lease = challenger.model.acquire();
    this.inFlight = (async () => {
      try {
        const predictions = await lease.model.classify(sampled.map((r) => r.text));
        await this.labels.appendShadowLabels(
          sampled.map((r, i) => ({
            id: r.id, ts: r.ts, version: challenger.target.version, championVersion: r.model,
            championLabel: r.label, challengerLabel: predictions[i]!.label,
          })),
        );
      } catch (err) {
        log.warn({ version: challenger.target.version, err: (err as Error).message, size: sampled.length }, 'shadow scoring failed; the champion is not affected');
      } finally {
        lease.release();
        this.inFlight = undefined;
      }
    })();
  }

  async close(): Promise<void> {
    await this.inFlight;
    await this.challenger?.model.close();
    this.challenger = undefined;
  }
}
