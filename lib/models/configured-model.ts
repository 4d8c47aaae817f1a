/**
 * The configured model (MODEL_DIR: the shipped one unless set) as the registry's first model:
 * registered by the server at start when it is missing, so the registry lists every model a
 * rollback can return to. Registering is idempotent: two servers starting together write the
 * same row.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { log } from '../log.ts';
import { shippedModelDir } from '../paths.ts';
import type { ModelRegistryRepository, RegisteredModel } from '../store/model-registry.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';

/** The folder's own metrics.json (how `npm run model:train` evaluated it), when it has one of an object's shape. */
function folderMetrics(dir: string): Record<string, unknown> {
  const file = path.join(dir, 'metrics.json');
  if (!existsSync(file)) return {};
  const parsed = z.record(z.string(), z.unknown()).safeParse(JSON.parse(readFileSync(file, 'utf8')));
  return parsed.success ? parsed.data : {};
}

export async function registerConfiguredModel(registry: Pick<ModelRegistryRepository, 'get' | 'register'>, dir: string): Promise<RegisteredModel> {
  const identity = await modelIdentity(dir);
  const known = await registry.get(identity.version);
  if (known) return known;
  const registered = await registry.register({
    version: identity.version, name: identity.name, dir: path.resolve(dir), source: path.resolve(dir) === shippedModelDir ? 'shipped' : 'folder',
    createdBy: 'system', data: {}, metrics: folderMetrics(dir),
  });
  log.info({ version: registered.version, name: registered.name, source: registered.source }, 'configured model registered');
  return registered;
}
