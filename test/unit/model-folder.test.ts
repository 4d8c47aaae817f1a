import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { loadConfig } from '../../lib/config.ts';
import { isPulseError } from '../../lib/errors.ts';
import { shippedModelDir } from '../../lib/paths.ts';
import { Classifier } from '../../models/runtime/classifier.ts';
import { resolveModelFolder } from '../../models/runtime/model-folder.ts';

describe('resolveModelFolder', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-model-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, content: string) => {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  };

  it('reports a missing folder and a folder without ONNX weights', () => {
    assert.throws(() => resolveModelFolder(path.join(dir, 'nope')), (e) => isPulseError(e, 'MODEL_NOT_FOUND'));
    assert.throws(() => resolveModelFolder(dir), (e) => isPulseError(e, 'MODEL_NOT_FOUND') && /model\.onnx/.test(e.message));
  });

  it('names the missing config.json or tokenizer.json', () => {
    write('model.onnx', 'x');
    assert.throws(() => resolveModelFolder(dir), (e) => isPulseError(e, 'MODEL_INVALID') && /config\.json/.test(e.message));
    write('config.json', '{}');
    assert.throws(() => resolveModelFolder(dir), (e) => isPulseError(e, 'MODEL_INVALID') && /tokenizer\.json/.test(e.message));
  });

  it('refuses broken JSON and a config without id2label', () => {
    write('model.onnx', 'x');
    write('tokenizer.json', '{}');
    write('config.json', '{ not json');
    assert.throws(() => resolveModelFolder(dir), (e) => isPulseError(e, 'MODEL_INVALID') && /not valid JSON/.test(e.message));
    write('config.json', '{"model_type":"bert"}');
    assert.throws(() => resolveModelFolder(dir), (e) => isPulseError(e, 'MODEL_INVALID') && /id2label/.test(e.message));
  });

  it('finds the Optimum / transformers.js layout, preferring full precision', () => {
    write('onnx/model_quantized.onnx', 'q');
    write('onnx/model.onnx', 'f');
    write('tokenizer.json', '{}');
    write('config.json', JSON.stringify({ id2label: { '0': 'NEGATIVE', '1': 'POSITIVE' }, _name_or_path: 'distilbert-sst2' }));
    const folder = resolveModelFolder(dir);
    assert.equal(folder.onnxPath, path.join(dir, 'onnx', 'model.onnx'));
    assert.equal(folder.name, 'distilbert-sst2');
  });

  it('fails to load corrupt ONNX weights with MODEL_INVALID', async () => {
    for (const f of ['tokenizer.json', 'tokenizer_config.json', 'config.json']) fs.copyFileSync(path.join(shippedModelDir, f), path.join(dir, f));
    write('model.onnx', 'definitely not protobuf');
    const config = loadConfig({ MODEL_DIR: dir, PULSE_DEVICE: 'cpu' }).model;
    await assert.rejects(Classifier.load(config), (e) => isPulseError(e, 'MODEL_INVALID'));
  });

  it('refuses PULSE_DEVICE=cuda when the CUDA provider is not installed', async (t) => {
    if (fs.existsSync(path.join('node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux', 'x64', 'libonnxruntime_providers_cuda.so'))) {
      return t.skip('CUDA provider installed on this host');
    }
    const config = loadConfig({ PULSE_DEVICE: 'cuda' }).model;
    await assert.rejects(Classifier.load(config), (e) => isPulseError(e, 'DEVICE_UNAVAILABLE') && /cuda12/.test(e.message));
  });
});

describe('loadConfig', () => {
  it('defaults to the shipped model on auto device', () => {
    const c = loadConfig({});
    assert.equal(c.model.dir, shippedModelDir);
    assert.equal(c.model.device, 'auto');
    assert.equal(c.model.batchSize, 64);
  });

  it('rejects invalid values with every problem named', () => {
    assert.throws(
      () => loadConfig({ PULSE_DEVICE: 'tpu', PULSE_MODEL_THREADS: '0' }),
      (e) => isPulseError(e, 'CONFIG_INVALID') && /PULSE_DEVICE/.test(e.message) && /PULSE_MODEL_THREADS/.test(e.message),
    );
  });
});
