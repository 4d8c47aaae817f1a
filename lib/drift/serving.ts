import { modelLabel } from '../classify/champion-model.ts';
import type { ModelRegistryRepository } from '../store/model-registry.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';

/** The model whose messages are watched: its name as scored rows record it, and its folder. */
export interface ServingModel {
  label: string;
  dir: string;
}

/** The champion, or the configured model (MODEL_DIR) while none was promoted. */
export async function servingModel(models: Pick<ModelRegistryRepository, 'champion'>, configuredDir: string): Promise<ServingModel> {
  const champion = await models.champion();
  if (champion) return { label: modelLabel(champion.name, champion.version), dir: champion.dir };
  const identity = await modelIdentity(configuredDir);
  return { label: modelLabel(identity.name, identity.version), dir: configuredDir };
}
