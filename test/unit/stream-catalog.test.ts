/**
 * The stream catalog's own rules, without a server: who may change where alerts are sent, and
 * what the audit log records of a change (credentials named by channel id, never shown).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Actor, Audit } from '../../lib/audit.ts';
import { isPulseError } from '../../lib/errors.ts';
import { StreamCatalog, type StreamEditor } from '../../lib/streams/catalog.ts';
import type { StreamRecord } from '../../lib/streams/stream.ts';

/** The stream versions in memory (the highest version wins, as in the store) and the audit records written. */
function memoryCatalog() {
  const versions: StreamRecord[] = [];
  const audited: Array<{ actor: Actor; action: string; id: string; detail: Record<string, unknown> }> = [];
  const latest = (id: string) => versions.filter((v) => v.id === id).at(-1);
  const audit: Pick<Audit, 'record'> = { record: async (actor, action, target, detail = {}) => void audited.push({ actor, action, id: target.id, detail }) };
  const catalog = new StreamCatalog(
    {
      list: async () => [...new Set(versions.map((v) => v.id))].map((id) => latest(id)!).filter((s) => !s.deleted),
      get: async (id) => latest(id),
      versions: async (id) => versions.filter((v) => v.id === id).reverse(),
      insertVersion: async (s) => void versions.push(s),
    },
    audit,
  );
  return { catalog, versions, audited };
}

const session = { sessionId: 's', sessionExpiresAt: '2100-01-01T00:00:00.000Z' };
const editor: StreamEditor = { principal: { kind: 'user', id: 'e', email: 'editor@example.com', role: 'editor', ...session }, ip: '192.0.2.7' };
const admin: StreamEditor = { principal: { kind: 'user', id: 'a', email: 'admin@example.com', role: 'admin', ...session }, ip: '192.0.2.8' };
const hook = { kind: 'webhook', url: 'https://hooks.example.com/x', secret: 'sixteen-chars-secret' };

describe('stream catalog', () => {
  it('refuses an editor’s change of the channels before storing it; an admin may', async () => {
    const { catalog, versions, audited } = memoryCatalog();
    await assert.rejects(catalog.create(editor, { name: 'Acme', query: 'acme', channels: [hook] }), (e) => isPulseError(e, 'FORBIDDEN') && /channels/.test(e.message));
    const created = await catalog.create(editor, { name: 'Acme', query: 'acme' });
    await assert.rejects(catalog.update(editor, created.id, { name: 'Acme', query: 'acme', channels: [{ kind: 'dashboard' }, hook] }), (e) => isPulseError(e, 'FORBIDDEN'));
    assert.equal(versions.length, 1, 'nothing refused was stored');
    await catalog.update(editor, created.id, { name: 'Acme', query: 'acme OR widget' });
    await catalog.update(admin, created.id, { name: 'Acme', query: 'acme OR widget', channels: [{ kind: 'dashboard' }, hook] });
    await catalog.remove(editor, created.id);
    assert.deepEqual(audited.map((e) => `${e.action} ${e.actor.ip}`), ['stream.create 192.0.2.7', 'stream.update 192.0.2.7', 'stream.update 192.0.2.8', 'stream.delete 192.0.2.7']);
    assert.deepEqual(Object.keys(audited[1]!.detail.changes as object), ['query']);
  });

  it('lets an editor save a stream whose channel comes back with the default events spelled out', async () => {
    const { catalog, audited } = memoryCatalog();
    const created = await catalog.create(admin, { name: 'Acme', query: 'acme', channels: [hook] });
    const channelId = created.channels.find((c) => c.kind === 'webhook')!.id;
    // As the form sends it: the kept channel by id, with the events it shows (the defaults, reordered).
    const kept = { id: channelId, kind: 'webhook', events: ['resolved', 'opened', 'acknowledged', 'escalated'] };
    const saved = await catalog.update(editor, created.id, { name: 'Acme', query: 'acme OR widget', channels: [{ kind: 'dashboard' }, kept] }, created.version);
    assert.equal(saved.version, 2);
    assert.equal(audited.at(-1)!.detail.credentialsReplaced, undefined, 'no credential was replaced');
    await assert.rejects(
      catalog.update(editor, created.id, { name: 'Acme', query: 'acme', channels: [{ kind: 'dashboard' }, { ...kept, events: ['opened'] }] }),
      (e) => isPulseError(e, 'FORBIDDEN'),
      'choosing other events is changing where alerts go',
    );
  });

  it('records a replaced credential of a kept channel by the channel’s id, never its value', async () => {
    const { catalog, audited } = memoryCatalog();
    const created = await catalog.create(admin, { name: 'Acme', query: 'acme', channels: [hook] });
    const channelId = created.channels.find((c) => c.kind === 'webhook')!.id;
    const rotated = await catalog.update(admin, created.id, { name: 'Acme', query: 'acme', channels: [{ id: channelId, kind: 'webhook', secret: 'a-brand-new-secret-value' }] }, created.version);
    assert.equal(rotated.version, 2);
    const latest = audited.at(-1)!;
    assert.equal(latest.action, 'stream.update');
    assert.deepEqual(latest.detail.credentialsReplaced, [channelId]);
    assert.ok(!JSON.stringify(audited).includes('sixteen-chars-secret') && !JSON.stringify(audited).includes('a-brand-new-secret-value'), 'no secret in the audit records');
    await assert.rejects(catalog.update(admin, created.id, { name: 'Acme', query: 'acme' }, created.version), (e) => isPulseError(e, 'CONFLICT'));
  });
});
