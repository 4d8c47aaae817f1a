/**
 * `/api/training-sets`: labelled sets for training (lib/training/). An upload is the file
 * itself as the body (`text/csv` or `application/x-ndjson`), its name, domain and format in the
 * query string, so a script can send a file with curl as it is:
 * `curl --data-binary @set.csv -H 'content-type: text/csv' '…/api/training-sets?name=…&domain=…&format=csv'`.
 */
import { z } from 'zod';
import { Audit } from '../../lib/audit.ts';
import { MaxDomainChars, MaxTrainingSetBytes, MaxTrainingSetNameChars, TrainingSetFormats, type TrainingSetFormat, type TrainingSetList } from '../../lib/contracts/training-sets.ts';
import { PulseError } from '../../lib/errors.ts';
import type { Store } from '../../lib/store/index.ts';
import { TrainingSetCatalog, TrainingSetRefused } from '../../lib/training/catalog.ts';
import type { Call } from '../route.ts';
import { parseQuery, readBody, sendJson } from '../respond.ts';

const UploadQuery = z.strictObject({
  name: z.string().trim().min(1).max(MaxTrainingSetNameChars),
  // One spelling per domain: the training jobs to come pick sets by it.
  domain: z
    .string()
    .trim()
    .toLowerCase()
    .min(1)
    .max(MaxDomainChars)
    .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]*$/u, 'letters, digits, spaces, ".", "_" and "-", starting with a letter or digit'),
  format: z.enum(TrainingSetFormats),
});

/** The content types each format is sent as; `text/plain` too, which is what many tools send a file as. */
const contentTypes: Record<TrainingSetFormat, readonly string[]> = {
  csv: ['text/csv', 'application/csv', 'text/plain'],
  jsonl: ['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'text/plain'],
};

function checkContentType(call: Call, format: TrainingSetFormat): void {
  const type = (call.req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!contentTypes[format].includes(type)) {
    throw new PulseError('UNSUPPORTED_MEDIA_TYPE', `a ${format} set is sent as ${contentTypes[format][0]}, got ${type || 'no content type'}`);
  }
}

/** `store` is looked into per request: the route table can be listed without one (the role tests do). */
export function trainingSetRoutes(store: Pick<Store, 'trainingSets' | 'audit'>) {
  const catalog = () => new TrainingSetCatalog(store.trainingSets, new Audit(store.audit));
  return {
    upload: async (call: Call) => {
      const query = parseQuery(UploadQuery, call.url.searchParams);
      checkContentType(call, query.format);
      const text = await readBody(call.req, MaxTrainingSetBytes);
      try {
        const uploaded = await catalog().upload(call.ctx, { ...query, text });
        call.res.setHeader('location', `/api/training-sets/${uploaded.set.id}`);
        sendJson(call.res, 201, uploaded);
      } catch (err) {
        if (!(err instanceof TrainingSetRefused)) throw err;
        // Refused whole: the reasons come with the error, so the file can be mended in one go.
        sendJson(call.res, 400, { error: { code: err.code, message: err.message, refused: err.refused, refusedCount: err.refusedCount } });
      }
    },
    list: async ({ res }: Call) => {
      sendJson(res, 200, { sets: await catalog().list() } satisfies TrainingSetList);
    },
    get: async ({ res, param }: Call) => {
      sendJson(res, 200, await catalog().get(param));
    },
    remove: async (call: Call) => {
      sendJson(call.res, 200, { set: await catalog().remove(call.ctx, call.param) });
    },
  };
}
