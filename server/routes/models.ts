/**
 * `/api/models`: the model in service (`/current`), the registry with its champion, and training
 * jobs (lib/training/jobs.ts): start one, list them, follow one, cancel it.
 */
import path from 'node:path';
import { z } from 'zod';
import type { CurrentModel } from '../../lib/contracts/models.ts';
import { TrainRequest, type ModelsResponse, type ModelSummary, type TrainingJobList } from '../../lib/contracts/training-jobs.ts';
import { PulseError } from '../../lib/errors.ts';
import { shippedModelDir } from '../../lib/paths.ts';
import type { ModelRegistryRepository, RegisteredModel } from '../../lib/store/model-registry.ts';
import type { TrainingJobs } from '../../lib/training/jobs.ts';
import { modelIdentity } from '../../models/runtime/model-identity.ts';
import { registerConfiguredModel } from '../../lib/models/configured-model.ts';
import type { Call } from '../route.ts';
import { readJson, sendJson } from '../respond.ts';

/** The model in service: the champion once one was promoted, else the configured one. */
export async function currentModelRoute(models: Pick<ModelRegistryRepository, 'champion'>, modelDir: string, { res }: Call): Promise<void> {
  const champion = await models.champion();
  const identity = await modelIdentity(champion?.dir ?? modelDir);
  const source = champion?.source ?? (path.resolve(modelDir) === shippedModelDir ? 'shipped' : 'folder');
  sendJson(res, 200, { ...identity, source } satisfies CurrentModel);
}

function summary(m: RegisteredModel): ModelSummary {
  return { version: m.version, name: m.name, source: m.source, createdAt: m.createdAt, createdBy: m.createdBy, data: m.data, metrics: m.metrics };
}

/** `jobs` and `models` are looked into per request: the route table can be listed without them (the role tests do). */
export function modelRoutes(deps: () => { jobs: TrainingJobs; models: ModelRegistryRepository }, modelDir: string) {
  return {
    list: async ({ res }: Call) => {
      const { models } = deps();
      // The server registers it at start; the lookup again here (idempotent) keeps an app built without that step right.
      const configured = await registerConfiguredModel(models, modelDir);
      const champion = (await models.champion()) ?? configured;
      sendJson(res, 200, { champion: summary(champion), models: (await models.list()).map(summary) } satisfies ModelsResponse);
    },
    train: async (call: Call) => {
      const parsed = TrainRequest.safeParse(await readJson(call.req, 64 * 1024));
      if (!parsed.success) throw new PulseError('BODY_INVALID', parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
      const job = await deps().jobs.start(call.ctx, parsed.data);
      call.res.setHeader('location', `/api/models/jobs/${job.id}`);
      sendJson(call.res, 202, { job });
    },
    jobs: async ({ res }: Call) => {
      sendJson(res, 200, { jobs: await deps().jobs.list() } satisfies TrainingJobList);
    },
    job: async ({ res, param }: Call) => {
      sendJson(res, 200, { job: await deps().jobs.get(z.string().min(1).max(100).parse(param)) });
    },
    // 200 once the trainer stored the job finished; 202 when it did not within the wait (the request stays).
    cancel: async (call: Call) => {
      const { job, settled } = await deps().jobs.cancel(call.ctx, call.param);
      sendJson(call.res, settled ? 200 : 202, { job });
    },
  };
}
