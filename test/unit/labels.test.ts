import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isPulseError } from '../../lib/errors.ts';
import { labelMapFromId2Label, predictionFromLogits } from '../../models/runtime/labels.ts';

describe('labelMapFromId2Label', () => {
  it('maps three named classes in any order and case', () => {
    const map = labelMapFromId2Label({ '0': 'Positive', '1': 'NEGATIVE', '2': 'neutral' });
    assert.deepEqual(map.classes, ['positive', 'negative', 'neutral']);
    assert.equal(map.binary, false);
  });

  it('recognises SST-2 style two-label models as binary', () => {
    const map = labelMapFromId2Label({ '0': 'NEGATIVE', '1': 'POSITIVE' });
    assert.deepEqual(map.classes, ['negative', 'positive']);
    assert.equal(map.binary, true);
  });

  it('folds star ratings into three labels', () => {
    const map = labelMapFromId2Label({ '0': '1 star', '1': '2 stars', '2': '3 stars', '3': '4 stars', '4': '5 stars' });
    assert.deepEqual(map.classes, ['negative', 'negative', 'neutral', 'positive', 'positive']);
  });

  it('refuses generic LABEL_n names with a hint', () => {
    assert.throws(
      () => labelMapFromId2Label({ '0': 'LABEL_0', '1': 'LABEL_1', '2': 'LABEL_2' }),
      (err) => isPulseError(err, 'MODEL_LABELS_UNSUPPORTED') && /LABEL_0/.test(err.message),
    );
  });

  it('refuses gaps in class ids and models without both polarities', () => {
    assert.throws(() => labelMapFromId2Label({ '0': 'negative', '2': 'positive' }), (e) => isPulseError(e, 'MODEL_LABELS_UNSUPPORTED'));
    assert.throws(() => labelMapFromId2Label({ '0': 'negative', '1': 'neutral' }), (e) => isPulseError(e, 'MODEL_LABELS_UNSUPPORTED'));
  });
});

describe('predictionFromLogits', () => {
  const three = labelMapFromId2Label({ '0': 'negative', '1': 'neutral', '2': 'positive' });

  it('applies a stable softmax and picks the largest class', () => {
    const p = predictionFromLogits([1000, 1001, 1003], three, 0.7);
    assert.equal(p.label, 'positive');
    const sum = p.probs.negative + p.probs.neutral + p.probs.positive;
    assert.ok(Math.abs(sum - 1) < 1e-9);
    assert.ok(Math.abs(p.score - (p.probs.positive - p.probs.negative)) < 1e-12);
    assert.equal(p.confidence, p.probs.positive);
  });

  it('sums the probabilities of classes that fold into one label', () => {
    const stars = labelMapFromId2Label({ '0': '1 star', '1': '2 stars', '2': '3 stars', '3': '4 stars', '4': '5 stars' });
    const p = predictionFromLogits([0, 0, 0, 0, 0], stars, 0.7);
    assert.ok(Math.abs(p.probs.negative - 0.4) < 1e-9);
    assert.ok(Math.abs(p.probs.neutral - 0.2) < 1e-9);
  });

  it('answers neutral for a binary model below the threshold', () => {
    const binary = labelMapFromId2Label({ '0': 'NEGATIVE', '1': 'POSITIVE' });
    const unsure = predictionFromLogits([0, 0.4], binary, 0.7); // p(pos) ≈ 0.599
    assert.equal(unsure.label, 'neutral');
    assert.equal(unsure.probs.neutral, 0);
    assert.ok(Math.abs(unsure.confidence - (1 - Math.abs(unsure.score))) < 1e-12);
    const sure = predictionFromLogits([0, 3], binary, 0.7);
    assert.equal(sure.label, 'positive');
  });
});
