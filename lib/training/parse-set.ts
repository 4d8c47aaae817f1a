/** An uploaded file, in either format, judged row by row (lib/training/judge-rows.ts). */
import { MaxTrainingSetRows, type TrainingSetFormat } from '../contracts/training-sets.ts';
import { PulseError } from '../errors.ts';
import { csvRows } from './csv-rows.ts';
import { judgeRows, type JudgedRows } from './judge-rows.ts';
import { jsonlRows } from './jsonl-rows.ts';

export function parseTrainingSet(text: string, format: TrainingSetFormat): JudgedRows {
  const raw = format === 'csv' ? csvRows(text) : jsonlRows(text);
  if (raw.length > MaxTrainingSetRows) {
    throw new PulseError('BODY_TOO_LARGE', `${raw.length} rows; a training set has at most ${MaxTrainingSetRows} (split it into several sets)`);
  }
  return judgeRows(raw);
}
