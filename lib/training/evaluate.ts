/**
 * Per-class precision, recall and F1, accuracy and macro recall of predictions against labels:
 * how a training job compares the challenger with the champion (lib/training/job-process.ts).
 * Binary sets (SST-2) say only negative vs positive: a prediction's side is the sign of its
 * score (positive − negative), as `npm run eval:model` judges them.
 */
import type { ClassFigures, SetFigures } from '../contracts/training-jobs.ts';
import { Labels, type Label, type Prediction } from '../sentiment.ts';

export interface Truth {
  label: Label;
  binary?: boolean;
}

export function setFigures(truths: readonly Truth[], predictions: ReadonlyArray<Pick<Prediction, 'label' | 'score'>>): SetFigures {
  const binary = truths.length > 0 && truths.every((t) => t.binary);
  const classes: readonly Label[] = binary ? ['negative', 'positive'] : Labels;
  const guesses = predictions.map((p): Label | null => (binary ? (p.score > 0 ? 'positive' : p.score < 0 ? 'negative' : null) : p.label));
  const figures: Partial<Record<Label, ClassFigures>> = {};
  for (const c of classes) {
    let tp = 0;
    let guessed = 0;
    let support = 0;
    truths.forEach((t, i) => {
      if (t.label === c) support++;
      if (guesses[i] === c) {
        guessed++;
        if (t.label === c) tp++;
      }
    });
    if (!support) continue;
    const precision = guessed ? tp / guessed : 0;
    const recall = tp / support;
    figures[c] = { precision, recall, f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0, support };
  }
  const recalls = Object.values(figures).map((f) => f.recall);
  const hits = truths.filter((t, i) => guesses[i] === t.label).length;
  return {
    n: truths.length,
    accuracy: truths.length ? hits / truths.length : 0,
    macroRecall: recalls.length ? recalls.reduce((a, b) => a + b, 0) / recalls.length : 0,
    classes: figures,
  };
}
