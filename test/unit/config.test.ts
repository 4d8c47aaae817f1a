import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadConfig } from '../../lib/config.ts';
import { isPulseError } from '../../lib/errors.ts';

describe('loadConfig', () => {
  it('defaults to the embedded runtime: in-process bus, chdb, classifiers and demo in the server', () => {
    const c = loadConfig({ PULSE_DATA_DIR: '/srv/pulse' });
    assert.deepEqual(c.bus, {
      kind: 'memory',
      durable: { dir: '/srv/pulse/bus', retentionBytes: 512 * 2 ** 20, retentionMs: 24 * 3_600_000, minFreeBytes: 1024 * 2 ** 20 },
    });
    assert.deepEqual(loadConfig({ PULSE_BUS_DURABLE: '0' }).bus, { kind: 'memory', durable: null });
    assert.equal(c.store.kind, 'chdb');
    assert.equal(c.classifier.embedded, 1);
    assert.equal(c.demo.enabled, true);
    assert.deepEqual(c.server, { host: '127.0.0.1', port: 3000 });
  });

  it('switches to Kafka and a ClickHouse server by environment alone', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'k1:9092, k2:9092', CLICKHOUSE_URL: 'http://ch:8123', CLICKHOUSE_PASSWORD: 'pw' });
    assert.deepEqual(c.bus, { kind: 'kafka', brokers: ['k1:9092', 'k2:9092'], clientId: 'pulse', partitions: 6, replicationFactor: 1, sessionTimeoutMs: 30_000 });
    assert.deepEqual(c.store, { kind: 'clickhouse', url: 'http://ch:8123', user: 'default', password: 'pw', database: 'pulse', retentionDays: 30 });
    assert.equal(c.classifier.embedded, 0, 'Kafka classifiers run as separate processes');
    assert.equal(c.demo.enabled, false);
  });

  it('lets explicit settings win over the runtime defaults', () => {
    const c = loadConfig({ KAFKA_BROKERS: 'k:9092', PULSE_EMBEDDED_CLASSIFIERS: '2', PULSE_DEMO: '1', PULSE_DEMO_RATE: '5' });
    assert.equal(c.classifier.embedded, 2);
    assert.deepEqual(c.demo, { enabled: true, rate: 5, incident: { afterMs: 90_000, everyMs: 600_000 } });
    assert.equal(loadConfig({ PULSE_DEMO: 'no' }).demo.enabled, false);
  });

  it('names every invalid variable in one CONFIG_INVALID error', () => {
    assert.throws(
      () => loadConfig({ PORT: 'eighty', PULSE_BATCH_MAX: '0', CLICKHOUSE_DB: 'drop table', PULSE_DEMO: 'maybe' }),
      (err) => isPulseError(err, 'CONFIG_INVALID') && ['PORT', 'PULSE_BATCH_MAX', 'CLICKHOUSE_DB', 'PULSE_DEMO'].every((k) => err.message.includes(k)),
    );
  });
});
