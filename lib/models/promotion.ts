/**
 * Champion and challenger, as people act on them: promote a registered model, roll back to the
 * champion before, run a challenger in shadow on a share of live traffic or stop it, each
 * audited. What they change is a row in the registry (lib/store/model-registry.ts); every
 * classifier process follows it (lib/classify/model-follower.ts), so nothing here touches a
 * model pool.
 */
import { actorName } from '../alerts/actions.ts';
import type { Actor, Audit } from '../audit.ts';
import type { ChampionChange, ChampionChangeView, ChampionHistory, ModelRef, ShadowStatus } from '../contracts/model-promotion.ts';
import { PulseError } from '../errors.ts';
import { championChain, type ModelRegistryRepository } from '../store/model-registry.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';

export type PromotionRegistry = Pick<
  ModelRegistryRepository,
  'get' | 'list' | 'history' | 'promote' | 'rollback' | 'shadow' | 'startShadow' | 'stopShadow' | 'shadowAgreement'
>;

export class ModelPromotion {
  constructor(
    private readonly registry: PromotionRegistry,
    private readonly audit: Pick<Audit, 'record'>,
    /** The configured model's folder (MODEL_DIR): what serves while nothing is promoted. */
    private readonly configuredDir: string,
  ) {}

  async promote(by: Actor, version: string): Promise<ChampionChangeView> {
    await this.checkFolder(version);
    const change = await this.registry.promote(version, actorName(by));
    await this.audit.record(by, 'model.promote', { kind: 'model', id: version }, { from: change.from, to: change.to });
    return (await this.views([change]))[0]!;
  }

  async rollback(by: Actor): Promise<ChampionChangeView> {
    const change = await this.registry.rollback(actorName(by));
    await this.audit.record(by, 'model.rollback', { kind: 'model', id: change.to ?? (await this.configured()).version }, { from: change.from, to: change.to });
    return (await this.views([change]))[0]!;
  }

  async history(): Promise<ChampionHistory> {
    const changes = await this.registry.history();
    const chain = championChain(changes);
    const registered = await this.registry.list();
    const names = new Map(registered.map((m) => [m.version, m.name]));
    const configured = await this.configured();
    return {
      serving: this.ref(chain.at(-1) ?? null, names, configured),
      rollbackTo: chain.length > 1 ? this.ref(chain.at(-2) ?? null, names, configured) : null,
      changes: changes.reverse().map((c) => this.view(c, names, configured)),
      models: registered.map((m) => this.ref(m.version, names, configured)),
      shadow: await this.registry.shadow(),
    };
  }

  async startShadow(by: Actor, version: string, sample: number): Promise<ShadowStatus> {
    const running = await this.registry.startShadow(version, sample, actorName(by));
    await this.audit.record(by, 'model.shadow.start', { kind: 'model', id: version }, { sample });
    return { running, agreement: await this.registry.shadowAgreement(version) };
  }

  /** Stops `version`'s shadow; NOT_FOUND when it is not the one running. */
  async stopShadow(by: Actor, version: string): Promise<ShadowStatus> {
    if ((await this.registry.shadow())?.version !== version) throw new PulseError('NOT_FOUND', `${version} is not running in shadow`);
    await this.registry.stopShadow(actorName(by));
    await this.audit.record(by, 'model.shadow.stop', { kind: 'model', id: version });
    return { running: null, agreement: await this.registry.shadowAgreement(version) };
  }

  async shadowStatus(version: string): Promise<ShadowStatus> {
    if (!(await this.registry.get(version))) throw new PulseError('NOT_FOUND', `no registered model ${version}`);
    const running = await this.registry.shadow();
    return { running: running?.version === version ? running : null, agreement: await this.registry.shadowAgreement(version) };
  }

  /**
   * A promotion every process would fail to load is refused here: the folder must be readable
   * from the server and still hold the weights registered under this version.
   */
  private async checkFolder(version: string): Promise<void> {
    const model = await this.registry.get(version);
    if (!model) throw new PulseError('NOT_FOUND', `no registered model ${version}`);
    let found: string;
    try {
      found = (await modelIdentity(model.dir)).version;
    } catch (err) {
      throw new PulseError('CONFLICT', `model ${version}'s folder ${model.dir} cannot be read: ${(err as Error).message}`);
    }
    if (found !== version) throw new PulseError('CONFLICT', `model ${version}'s folder ${model.dir} now holds other weights (${found})`);
  }

  private async views(changes: readonly ChampionChange[]): Promise<ChampionChangeView[]> {
    const names = await this.names();
    const configured = await this.configured();
    return changes.map((c) => this.view(c, names, configured));
  }

  private view(c: ChampionChange, names: Map<string, string>, configured: ModelRef): ChampionChangeView {
    return { id: c.id, at: c.at, action: c.action, from: this.ref(c.from, names, configured), to: this.ref(c.to, names, configured), by: c.by };
  }

  /** A null version is the configured model; a version no longer registered keeps its version as its name. */
  private ref(version: string | null, names: Map<string, string>, configured: ModelRef): ModelRef {
    if (version === null) return configured;
    return { version, name: names.get(version) ?? version, configured: version === configured.version };
  }

  private async names(): Promise<Map<string, string>> {
    return new Map((await this.registry.list()).map((m) => [m.version, m.name]));
  }

  private async configured(): Promise<ModelRef> {
    const identity = await modelIdentity(this.configuredDir);
    return { version: identity.version, name: identity.name, configured: true };
  }
}
