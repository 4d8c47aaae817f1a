import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { loadConfig } from '../../lib/config.ts';
import { readDataset } from '../../lib/datasets.ts';
import { repoRoot } from '../../lib/paths.ts';
import { Classifier } from '../../models/runtime/classifier.ts';

const run = promisify(execFile);

/** The served graph (models/train/serving_graph.py, 8-bit) computes what train.py evaluated: the
 * runtime's accuracy on TweetEval validation is metrics.json's (a text may flip on float rounding). */
async function assertServedAsEvaluated(folder: string): Promise<void> {
  const metrics = JSON.parse(fs.readFileSync(path.join(folder, 'metrics.json'), 'utf8'));
  const classifier = await Classifier.load(loadConfig({ MODEL_DIR: folder, PULSE_DEVICE: 'cpu' }).model);
  try {
    const predictions = await classifier.classify(['good', 'bad', '']);
    assert.equal(predictions.length, 3);
    assert.deepEqual(classifier.info.classes, ['negative', 'neutral', 'positive']);
    const rows = readDataset(loadConfig().datasetsDir, 'tweeteval-val');
    const served = await classifier.classify(rows.map((r) => r.text));
    const correct = served.filter((p, i) => p.label === rows[i]!.label).length;
    const evaluated = Math.round(metrics.eval['tweeteval-val'].accuracy * rows.length);
    console.log(`${path.basename(folder)}, tweeteval-val: ${correct} right when served, ${evaluated} when train.py evaluated`);
    assert.ok(Math.abs(correct - evaluated) <= 1, `served ${correct} vs evaluated ${evaluated} of ${rows.length}`);
  } finally {
    await classifier.close();
  }
}

// Smoke training: the whole `npm run model:train` path on a few hundred rows per dataset.
describe('model training pipeline (smoke)', () => {
  it('prepares, trains, exports, and the runtime loads the result', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-train-'));
    const work = path.join(tmp, 'work');
    const out = path.join(tmp, 'model');
    const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
    await run(tsx, [path.join(repoRoot, 'models/train/prepare.ts'), '--limit', '300', '--out', work]);
    const prepared = JSON.parse(fs.readFileSync(path.join(work, 'prepare.json'), 'utf8'));
    assert.ok(prepared.train > 1000, `train rows: ${prepared.train}`);
    // The public eval sets are removed from training: TweetEval validation tweets also sit in the SemEval files.
    assert.ok(prepared.perDataset.semeval.heldOut > 0);

    await run('/usr/bin/python3', [
      path.join(repoRoot, 'models/train/train.py'), '--work', work, '--out', out,
      '--epochs', '1', '--pretrain-epochs', '1', '--threads', '2',
    ], { maxBuffer: 16 * 1024 * 1024 });
    for (const f of ['model.onnx', 'config.json', 'tokenizer.json', 'tokenizer_config.json', 'metrics.json']) {
      assert.ok(fs.existsSync(path.join(out, f)), f);
    }
    const metrics = JSON.parse(fs.readFileSync(path.join(out, 'metrics.json'), 'utf8'));
    assert.equal(metrics.eval['tweeteval-val'].n, 2000);

    await assertServedAsEvaluated(out);

    // A training job whose epochs all lose keeps the base's weights, and job-process.ts knows it by
    // the version (the file's hash): read back and written again, the 8-bit graph is the same file.
    const kept = path.join(tmp, 'kept');
    await run('/usr/bin/python3', [
      path.join(repoRoot, 'models/train/finetune.py'), '--base', out, '--work', work, '--out', kept, '--epochs', '0',
    ], { maxBuffer: 16 * 1024 * 1024 });
    assert.ok(fs.readFileSync(path.join(kept, 'model.onnx')).equals(fs.readFileSync(path.join(out, 'model.onnx'))));

    // Issue 17's GPU step, tiny and on the CPU: the pre-trained transformer writes a member that
    // teachers.py averages with the CNN, on every set and on the unlabelled tweets.
    const tinyEncoder = [path.join(repoRoot, 'models/train/tweet_encoder.py'), '--work', work, '--device', 'cpu',
      '--layers', '1', '--dim', '16', '--heads', '2', '--ff', '32', '--epochs', '1', '--batch', '256', '--threads', '2'];
    const encoder = path.join(tmp, 'encoder');
    await run('/usr/bin/python3', [...tinyEncoder, '--out', encoder, '--mlm-minutes', '0.05'], { maxBuffer: 16 * 1024 * 1024 });
    const report = JSON.parse(fs.readFileSync(path.join(encoder, 'report.json'), 'utf8'));
    assert.ok(report.pretraining.steps > 0, 'it pre-trained');
    assert.equal(report.epochs[0].scores['tweeteval-val'].n, 2000);
    const unlabelledLines = fs.readFileSync(path.join(work, 'unlabelled.txt'), 'utf8').split('\n').length - 1;
    assert.equal(fs.readFileSync(path.join(encoder, 'unlabelled.txt'), 'utf8').split('\n').length - 1, unlabelledLines);
    // Pre-training goes on from an earlier run's weights (the longer pre-training of session 24).
    const further = path.join(tmp, 'encoder-further');
    const pretrained = path.join(encoder, 'pretrained.pt');
    await run('/usr/bin/python3', [...tinyEncoder, '--out', further, '--pretrained', pretrained, '--mlm-minutes', '0.02', '--seed', '2'],
      { maxBuffer: 16 * 1024 * 1024 });
    const furtherReport = JSON.parse(fs.readFileSync(path.join(further, 'report.json'), 'utf8'));
    assert.equal(furtherReport.pretraining.from, pretrained);
    assert.ok(furtherReport.pretraining.steps > 0, 'it pre-trained further');
    assert.ok(fs.existsSync(path.join(further, 'pretrained.pt')));
    const teachers = path.join(tmp, 'teachers');
    await run('/usr/bin/python3', [
      path.join(repoRoot, 'models/train/teachers.py'), '--work', work, '--out', teachers, '--cnn', out, '--probs', encoder,
      '--epochs', '1', '--lr', '0.5', '--binary-weight', '0', '--dim', '10', '--buckets', '10000', '--label-unlabelled', '--threads', '2',
    ], { maxBuffer: 16 * 1024 * 1024 });
    const teacherReport = JSON.parse(fs.readFileSync(path.join(teachers, 'teachers.json'), 'utf8'));
    assert.deepEqual(teacherReport.members, ['model', 'encoder', 'ngram']);
    assert.equal(teacherReport.scores['tweeteval-val']['encoder+model'].n, 2000);
    const onDev = teacherReport.scores[teacherReport.dev] as Record<string, { macroRecall: number }>;
    const bestOnDev = Math.max(...Object.values(onDev).map((s) => s.macroRecall));
    assert.equal(onDev[teacherReport.teacher]?.macroRecall, bestOnDev, 'the teacher is the best model on the dev set');
    const softLines = fs.readFileSync(path.join(teachers, 'soft.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    assert.ok(softLines > 0, 'the teacher labelled unlabelled tweets');

    // The student: the shipped architecture on the gold rows and the teacher's soft labels.
    const student = path.join(tmp, 'student');
    const { stdout } = await run('/usr/bin/python3', [
      path.join(repoRoot, 'models/train/train.py'), '--work', work, '--out', student, '--epochs', '1', '--pretrain-epochs', '1',
      '--soft', path.join(teachers, 'soft.jsonl'), '--rule-dev', 'semeval2016-test', '--threads', '2',
    ], { maxBuffer: 16 * 1024 * 1024 });
    assert.match(stdout, new RegExp(`soft loss [0-9.]+ over ${softLines} tweets`), 'every soft-labelled tweet learnt once an epoch');
    // Its decision rule: offsets tuned on the future dev set, their gain also measured on halves they
    // were not tuned on, and baked into the served graph's bias (the served figures are the rule's).
    const studentMetrics = JSON.parse(fs.readFileSync(path.join(student, 'metrics.json'), 'utf8'));
    const rule = studentMetrics.decisionRule;
    assert.equal(rule.dev, 'semeval2016-test');
    assert.equal(rule.crossFitted.halves, 6);
    // The exported model's own figure on that set is the one the offsets were tuned to: they are in its bias.
    assert.ok(Math.abs(studentMetrics.eval['semeval2016-test'].macroRecall - rule.devMacroRecallAfter) < 1e-3,
      `${studentMetrics.eval['semeval2016-test'].macroRecall} evaluated vs ${rule.devMacroRecallAfter} tuned`);
    assert.ok(Math.abs(studentMetrics.evalWithoutRule['semeval2016-test'].macroRecall - rule.devMacroRecallBefore) < 1e-3);
    await assertServedAsEvaluated(student);
    fs.rmSync(tmp, { recursive: true, force: true });
  });
});
