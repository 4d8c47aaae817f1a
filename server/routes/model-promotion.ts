/**
 * Champion and challenger over HTTP (lib/models/promotion.ts): `POST /api/models/:version/promote`,
 * `POST /api/models/rollback`, `GET /api/models/champions` (the history, newest first), and the
 * challenger in shadow: `POST /api/models/:version/shadow` with `{"sample":0.1}`, its agreement
 * with the champion at `GET`, stopped with `DELETE`.
 */
import { z } from 'zod';
import { Audit } from '../../lib/audit.ts';
import type { ChampionChanged, ChampionHistory, ShadowBody, ShadowStatus } from '../../lib/contracts/model-promotion.ts';
import { PulseError } from '../../lib/errors.ts';
import { ModelPromotion } from '../../lib/models/promotion.ts';
import type { Store } from '../../lib/store/index.ts';
import type { Call } from '../route.ts';
import { readJson, sendJson } from '../respond.ts';

const Version = z.string().min(1).max(128);
const ShadowBodySchema = z.strictObject({ sample: z.number().gt(0).max(1) }) satisfies z.ZodType<ShadowBody>;
const maxBodyBytes = 1024;

function versionOf(call: Call): string {
  const parsed = Version.safeParse(call.param);
  if (!parsed.success) throw new PulseError('NOT_FOUND', 'no such model');
  return parsed.data;
}

/** `store` is looked into per request: the route table can be listed without one (the role tests do). */
export function modelPromotionRoutes(store: Pick<Store, 'models' | 'audit'>, configuredDir: string) {
  const promotion = () => new ModelPromotion(store.models, new Audit(store.audit), configuredDir);
  return {
    promote: async (call: Call) => {
      sendJson(call.res, 200, { change: await promotion().promote(call.ctx, versionOf(call)) } satisfies ChampionChanged);
    },
    rollback: async (call: Call) => {
      sendJson(call.res, 200, { change: await promotion().rollback(call.ctx) } satisfies ChampionChanged);
    },
    history: async ({ res }: Call) => {
      sendJson(res, 200, (await promotion().history()) satisfies ChampionHistory);
    },
    startShadow: async (call: Call) => {
      const body = ShadowBodySchema.safeParse(await readJson(call.req, maxBodyBytes));
      if (!body.success) throw new PulseError('BODY_INVALID', `expected {"sample": a share in (0, 1]}: ${body.error.issues[0]?.message}`);
      sendJson(call.res, 200, (await promotion().startShadow(call.ctx, versionOf(call), body.data.sample)) satisfies ShadowStatus);
    },
    shadow: async (call: Call) => {
      sendJson(call.res, 200, (await promotion().shadowStatus(versionOf(call))) satisfies ShadowStatus);
    },
    stopShadow: async (call: Call) => {
      sendJson(call.res, 200, (await promotion().stopShadow(call.ctx, versionOf(call))) satisfies ShadowStatus);
    },
  };
}
