/** `GET /api/models/drift`: the drift watch's latest readings of the serving model (lib/drift/status.ts). */
import type { DriftConfig } from '../../lib/config.ts';
import { driftStatus } from '../../lib/drift/status.ts';
import type { Store } from '../../lib/store/index.ts';
import type { StreamCatalog } from '../../lib/streams/catalog.ts';
import type { Call } from '../route.ts';
import { sendJson } from '../respond.ts';

export async function modelDriftRoute(store: Pick<Store, 'drift' | 'alerts' | 'models'>, streams: Pick<StreamCatalog, 'list'>, config: DriftConfig, modelDir: string, { res }: Call): Promise<void> {
  const names = new Map((await streams.list()).map((s) => [s.id, s.name]));
  sendJson(res, 200, await driftStatus({ drift: store.drift, alerts: store.alerts, models: store.models, configuredModelDir: modelDir, config, streamNames: () => names }));
}
