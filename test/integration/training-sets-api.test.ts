/**
 * `/api/training-sets` on a running server over chdb, authentication enforced: CSV and JSONL
 * uploads with their refused rows, a file with no good row refused whole with every reason, the
 * size limit, list / get / delete, who may do what, the audit log; and `GET /api/models/current`.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CurrentModel } from '../../lib/contracts/models.ts';
import { MaxTrainingSetBytes, type TrainingSetDetail, type TrainingSetList, type TrainingSetUploaded } from '../../lib/contracts/training-sets.ts';
import { loadConfig } from '../../lib/config.ts';
import { startPulse, type Pulse } from '../../server/pulse.ts';

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const adminEmail = 'admin@example.com';
const password = 'correct horse battery staple';

describe('training sets API (chdb, authentication enforced)', { timeout: 120_000 }, () => {
  let pulse: Pulse;
  let dataDir: string;
  const as: Record<'admin' | 'editor' | 'viewer', Record<string, string>> = { admin: {}, editor: {}, viewer: {} };

  const call = async (who: Record<string, string> | null, method: string, pathname: string, body?: string, contentType = 'text/csv') => {
    const res = await fetch(`${pulse.url}${pathname}`, { method, headers: { 'content-type': contentType, ...(who ?? {}) }, ...(body === undefined ? {} : { body }) });
    return { status: res.status, body: (await res.json()) as Body };
  };
  const upload = (who: Record<string, string>, query: string, body: string, contentType = 'text/csv') => call(who, 'POST', `/api/training-sets?${query}`, body, contentType);

  async function login(email: string): Promise<Record<string, string>> {
    const res = await fetch(`${pulse.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    assert.equal(res.status, 200);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, 'x-csrf-token': csrfToken };
  }

  before(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-training-sets-'));
    pulse = await startPulse(
      loadConfig({
        ...process.env, PORT: '0', PULSE_UI: '0', PULSE_DEMO: '0', PULSE_DATA_DIR: dataDir, PULSE_MODEL_THREADS: '1', PULSE_ALL_STREAM_ALERTS: 'off',
        PULSE_ADMIN_EMAIL: adminEmail, PULSE_ADMIN_PASSWORD: password,
      }),
    );
    as.admin = await login(adminEmail);
    for (const role of ['viewer', 'editor'] as const) {
      const created = await call(as.admin, 'POST', '/api/users', JSON.stringify({ email: `${role}@example.com`, password, role }), 'application/json');
      assert.equal(created.status, 201, JSON.stringify(created.body));
      as[role] = await login(`${role}@example.com`);
    }
  });

  after(async () => {
    await pulse?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  let csvSet = '';

  it('stores a CSV set and reports its bad row by line and reason', async () => {
    const csv = 'text,label\n"Fees up, again",negative\nfine,great\n"She said ""ok""",neutral\n';
    const res = await upload(as.editor, 'name=Bank+notes&domain=Finance&format=csv', csv);
    assert.equal(res.status, 201, JSON.stringify(res.body));
    const answer = res.body as TrainingSetUploaded;
    assert.deepEqual(
      { name: answer.set.name, domain: answer.set.domain, format: answer.set.format, rows: answer.set.rows, refused: answer.set.refused, by: answer.set.createdBy },
      { name: 'Bank notes', domain: 'finance', format: 'csv', rows: 2, refused: 1, by: 'editor@example.com' },
    );
    assert.deepEqual(answer.refused, [{ line: 3, reason: 'unknown label "great": use negative, neutral or positive' }]);
    csvSet = answer.set.id;

    const detail = (await call(as.viewer, 'GET', `/api/training-sets/${csvSet}`)).body as TrainingSetDetail;
    assert.deepEqual(detail.sample, [
      { line: 2, text: 'Fees up, again', label: 'negative' },
      { line: 4, text: 'She said "ok"', label: 'neutral' },
    ]);
    assert.deepEqual(detail.refused, answer.refused);
  });

  it('stores a JSONL set', async () => {
    const jsonl = '{"text":"Shares soar","label":"positive"}\n{"text":"Results due Monday","label":"neutral"}\n';
    const res = await upload(as.editor, 'name=Headlines&domain=finance&format=jsonl', jsonl, 'application/x-ndjson');
    assert.equal(res.status, 201, JSON.stringify(res.body));
    assert.equal((res.body as TrainingSetUploaded).set.rows, 2);
    assert.deepEqual((res.body as TrainingSetUploaded).refused, []);
  });

  it('refuses a file with no good row as a whole, with every reason', async () => {
    const res = await upload(as.editor, 'name=Bad&domain=finance&format=csv', 'text,label\n,negative\nok,maybe\n');
    assert.equal(res.status, 400);
    assert.equal(res.body.error.code, 'TRAINING_SET_INVALID');
    assert.deepEqual(res.body.error.refused, [
      { line: 2, reason: 'text is empty' },
      { line: 3, reason: 'unknown label "maybe": use negative, neutral or positive' },
    ]);
    assert.equal(res.body.error.refusedCount, 2);
    const header = await upload(as.editor, 'name=Bad&domain=finance&format=csv', 'words,sentiment\nok,positive\n');
    assert.equal(header.body.error.code, 'TRAINING_SET_INVALID');
  });

  it('refuses what is too large, mislabelled, misnamed or named twice', async () => {
    const big = `text,label\n${'x'.repeat(MaxTrainingSetBytes)},neutral\n`;
    const tooLarge = await upload(as.editor, 'name=Big&domain=finance&format=csv', big);
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.body.error.code, 'BODY_TOO_LARGE');
    const wrongType = await upload(as.editor, 'name=X&domain=finance&format=jsonl', 'text,label\nok,positive\n');
    assert.equal(wrongType.status, 415);
    const noName = await upload(as.editor, 'domain=finance&format=csv', 'text,label\nok,positive\n');
    assert.equal(noName.status, 400);
    assert.equal(noName.body.error.code, 'QUERY_INVALID');
    const twice = await upload(as.editor, 'name=bank+NOTES&domain=finance&format=csv', 'text,label\nok,positive\n');
    assert.equal(twice.status, 409);
  });

  it('lets viewers read and only editors upload or delete', async () => {
    const upload403 = await upload(as.viewer, 'name=V&domain=finance&format=csv', 'text,label\nok,positive\n');
    assert.equal(upload403.status, 403);
    assert.equal((await call(as.viewer, 'DELETE', `/api/training-sets/${csvSet}`)).status, 403);
    assert.equal((await call(null, 'GET', '/api/training-sets')).status, 401);
    const list = (await call(as.viewer, 'GET', '/api/training-sets')).body as TrainingSetList;
    assert.deepEqual(list.sets.map((s) => s.name), ['Headlines', 'Bank notes']);
  });

  it('deletes a set, its rows with it, and audits upload and delete', async () => {
    const removed = await call(as.editor, 'DELETE', `/api/training-sets/${csvSet}`);
    assert.equal(removed.status, 200);
    assert.equal(removed.body.set.id, csvSet);
    assert.equal((await call(as.viewer, 'GET', `/api/training-sets/${csvSet}`)).status, 404);
    assert.equal((await call(as.editor, 'DELETE', `/api/training-sets/${csvSet}`)).status, 404);
    const list = (await call(as.viewer, 'GET', '/api/training-sets')).body as TrainingSetList;
    assert.deepEqual(list.sets.map((s) => s.name), ['Headlines']);
    const audit = (await call(as.admin, 'GET', `/api/audit?targetId=${csvSet}`)).body as { entries: Array<{ action: string; actor: { name: string }; detail: Body }> };
    assert.deepEqual(audit.entries.map((e) => e.action).sort(), ['training-set.create', 'training-set.delete']);
    const created = audit.entries.find((e) => e.action === 'training-set.create')!;
    assert.equal(created.actor.name, 'editor@example.com');
    assert.deepEqual(created.detail, { name: 'Bank notes', domain: 'finance', format: 'csv', rows: 2, refused: 1 });
  });

  it('describes the model in service', async () => {
    const res = await call(as.viewer, 'GET', '/api/models/current');
    assert.equal(res.status, 200);
    const model = res.body as CurrentModel;
    assert.equal(model.source, 'shipped');
    assert.equal(model.file, 'model.onnx');
    assert.deepEqual(model.labels, ['negative', 'neutral', 'positive']);
    assert.match(model.version, /^sha256:[0-9a-f]{12}$/);
    assert.ok(model.trainedAt && !Number.isNaN(Date.parse(model.trainedAt)));
  });
});
