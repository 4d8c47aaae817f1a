/**
 * What the drift watch (lib/drift/) reads and keeps: the counts behind a stream's profile as
 * one model scored it (confidence in hundredths × label, straight from `messages`), an even
 * sample of its texts for the unknown-word count, each model's reference per stream
 * (`drift_references`, migration 15: the newest taken wins) and every reading
 * (`drift_readings`, retained like the messages it measures).
 */
import { z } from 'zod';
import type { DriftState } from '../contracts/model-drift.ts';
import { AllStreamsId } from '../contracts/api.ts';
import { ConfidenceBins, DriftProfileSchema, type DriftProfile } from '../drift/profile.ts';
import { Labels, type Label } from '../sentiment.ts';
import { jsonText, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

/** Per stream: messages per (hundredth of confidence, label). */
export interface ProfileCounts {
  confidence: number[];
  labels: [number, number, number];
  messages: number;
}

export interface SampledMessage {
  id: string;
  text: string;
  label: Label;
  score: number;
  confidence: number;
}

export interface DriftReference {
  model: string;
  stream: string;
  takenAt: string;
  /** The span its messages were read from (the champion's messages of the stream in it). */
  from: string;
  to: string;
  profile: DriftProfile;
}

export interface DriftReading {
  at: string;
  model: string;
  stream: string;
  state: DriftState;
  /** Messages the model scored in the stream over the window that ends at `at`. */
  messages: number;
  psiConfidence: number;
  psiLabels: number;
  psiUnknown: number;
  unknownRate: number;
  referenceUnknownRate: number;
}

/** Messages of these streams (and '*': all of them) that `model` scored in [from, to). */
const scoredBy = `FROM messages ARRAY JOIN arrayConcat(streams, [{all:String}]) AS s
  WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')} AND model = {model:String} AND s IN {streams:Array(String)}`;

const CountRow = z.object({ stream: z.string(), bin: z.number().int(), label: z.enum(Labels), n: z.number() });
const SampleRow = z.object({ stream: z.string(), id: z.string(), text: z.string(), label: z.enum(Labels), score: z.number(), confidence: z.number() });
const ReferenceRow = z.object({ model: z.string(), stream: z.string(), taken_at: sqlDateTimeText, from_ts: sqlDateTimeText, to_ts: sqlDateTimeText, profile: jsonText.pipe(DriftProfileSchema) });
const DriftStates = ['reference', 'few', 'steady', 'drifting'] as const satisfies readonly DriftState[];
const ReadingRow = z.object({
  at: sqlDateTimeText, model: z.string(), stream: z.string(), state: z.enum(DriftStates), messages: z.number(),
  psi_confidence: z.number(), psi_labels: z.number(), psi_unknown: z.number(), unknown_rate: z.number(), reference_unknown_rate: z.number(),
});
const readingColumns = 'at, model, stream, state, messages, psi_confidence, psi_labels, psi_unknown, unknown_rate, reference_unknown_rate';

function toReading(r: z.infer<typeof ReadingRow>): DriftReading {
  return {
    at: r.at, model: r.model, stream: r.stream, state: r.state, messages: r.messages, psiConfidence: r.psi_confidence, psiLabels: r.psi_labels,
    psiUnknown: r.psi_unknown, unknownRate: r.unknown_rate, referenceUnknownRate: r.reference_unknown_rate,
  };
}

export class ModelDriftRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Each stream's counts in one scan of the window; a stream without messages is absent. */
  async counts(model: string, streams: readonly string[], from: Date, to: Date): Promise<Map<string, ProfileCounts>> {
    const out = new Map<string, ProfileCounts>();
    if (!streams.length) return out;
    const rows = await this.sql.query(
      `SELECT s AS stream, least(toUInt32(floor(confidence * {bins:UInt32})), {bins:UInt32} - 1) AS bin, label, count() AS n ${scoredBy} GROUP BY stream, bin, label`,
      { all: AllStreamsId, from, to, model, streams, bins: ConfidenceBins },
    );
    for (const r of parseRows(CountRow, rows)) {
      let counts = out.get(r.stream);
      if (!counts) out.set(r.stream, (counts = { confidence: new Array<number>(ConfidenceBins).fill(0), labels: [0, 0, 0], messages: 0 }));
      counts.confidence[r.bin] = (counts.confidence[r.bin] ?? 0) + r.n;
      const label = Labels.indexOf(r.label) as 0 | 1 | 2;
      counts.labels[label] += r.n;
      counts.messages += r.n;
    }
    return out;
  }

  /**
   * Up to `perStream` messages of each stream, an even sample: the lowest hashes of the id.
   * `sizes` (each stream's messages in the span, from {@link counts}) lets the scan keep only
   * one id in so many, by the same hash, before anything is sorted: at 1,000 msgs/s an hour is
   * 3.6 M rows, and sorting them all with their texts took seconds of every check.
   */
  async sample(model: string, sizes: ReadonlyMap<string, number>, from: Date, to: Date, perStream: number): Promise<Map<string, SampledMessage[]>> {
    const out = new Map<string, SampledMessage[]>();
    const streams = [...sizes.keys()];
    if (!streams.length) return out;
    // Four times the sample survives the modulus on average: its lowest hashes are still an even sample.
    const mods = streams.map((s) => Math.max(1, Math.floor((sizes.get(s) ?? 0) / (4 * perStream))));
    const rows = await this.sql.query(
      `SELECT s AS stream, id, text, label, score, confidence ${scoredBy}
         AND cityHash64(id) % arrayElement({mods:Array(UInt64)}, indexOf({streams:Array(String)}, s)) = 0
       ORDER BY stream, cityHash64(id) LIMIT {n:UInt32} BY stream`,
      { all: AllStreamsId, from, to, model, streams, mods, n: perStream },
    );
    for (const { stream, ...m } of parseRows(SampleRow, rows)) {
      const list = out.get(stream);
      if (list) list.push(m);
      else out.set(stream, [m]);
    }
    return out;
  }

  /** The model's reference of each stream that has one. */
  async references(model: string): Promise<Map<string, DriftReference>> {
    const rows = await this.sql.query(
      `SELECT model, stream, taken_at, from_ts, to_ts, profile FROM drift_references FINAL WHERE model = {model:String}`,
      { model },
    );
    return new Map(parseRows(ReferenceRow, rows).map((r) => [r.stream, { model: r.model, stream: r.stream, takenAt: r.taken_at, from: r.from_ts, to: r.to_ts, profile: r.profile }]));
  }

  async saveReference(ref: DriftReference): Promise<void> {
    await this.sql.insert('drift_references', [
      {
        model: ref.model, stream: ref.stream, taken_at: sqlDateTime(new Date(ref.takenAt)), from_ts: sqlDateTime(new Date(ref.from)),
        to_ts: sqlDateTime(new Date(ref.to)), profile: JSON.stringify(ref.profile),
      },
    ]);
  }

  async appendReadings(readings: readonly DriftReading[]): Promise<void> {
    if (!readings.length) return;
    await this.sql.insert('drift_readings', readings.map((r) => ({
      at: sqlDateTime(new Date(r.at)), model: r.model, stream: r.stream, state: r.state, messages: r.messages, psi_confidence: r.psiConfidence,
      psi_labels: r.psiLabels, psi_unknown: r.psiUnknown, unknown_rate: r.unknownRate, reference_unknown_rate: r.referenceUnknownRate,
    })));
  }

  /** The model's readings since `since`, oldest first. */
  async readings(model: string, since: Date): Promise<DriftReading[]> {
    const rows = await this.sql.query(
      `SELECT ${readingColumns} FROM drift_readings WHERE model = {model:String} AND at >= {since:DateTime64(3, 'UTC')} ORDER BY stream, at`,
      { model, since },
    );
    return parseRows(ReadingRow, rows).map(toReading);
  }

  /** The latest reading of each stream the model was read on. */
  async latest(model: string): Promise<DriftReading[]> {
    const rows = await this.sql.query(
      `SELECT ${readingColumns} FROM drift_readings WHERE model = {model:String} ORDER BY at DESC LIMIT 1 BY stream`,
      { model },
    );
    return parseRows(ReadingRow, rows).map(toReading);
  }
}
