/** `GET /api/models/current`: the model in service, as configured (MODEL_DIR), for the Models page. */
import type { CurrentModel } from '../../lib/contracts/models.ts';
import { shippedModelDir } from '../../lib/paths.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';
import type { Call } from '../route.ts';
import { sendJson } from '../respond.ts';

export async function currentModelRoute(modelDir: string, { res }: Call): Promise<void> {
  const identity = await modelIdentity(modelDir);
  sendJson(res, 200, { ...identity, source: modelDir === shippedModelDir ? 'shipped' : 'folder' } satisfies CurrentModel);
}
