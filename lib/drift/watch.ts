/**
 * The drift watch (issue 16 item 5): every check it asks, for each watched stream, whether
 * the messages the champion scored over the last window still look like the ones it scored
 * when it started — the confidence it gave them, the labels, and the share of words its
 * vocabulary does not hold — and raises a `model_drift` alert once the difference held for
 * the hold time. It runs beside the detector (lib/detect/service.ts), one per deployment.
 *
 * The reference is per model and stream: the first time the model has scored
 * `referenceMessages` of the stream (within a day), their profile is kept. So a promotion
 * starts the watch afresh against what the new model made of the same traffic, and a stream
 * is compared with itself, never with the training data (a brand's stream always differs from
 * general tweets; that is no reason to page anyone).
 */
import type { Alert, AlertEvent } from '../alerts/alert.ts';
import { nextAlertVersion } from '../alerts/versions.ts';
import type { DriftConfig, ModelConfig } from '../config.ts';
import type { DriftState } from '../contracts/model-drift.ts';
import { log } from '../log.ts';
import type { AlertRepository } from '../store/alerts.ts';
import type { DriftReading, DriftReference, ModelDriftRepository, ProfileCounts, SampledMessage } from '../store/model-drift.ts';
import type { ModelRegistryRepository } from '../store/model-registry.ts';
import type { StoredChannel } from '../streams/stream.ts';
import { Tokenizer } from '../../models/runtime/tokenizer.ts';
import { driftAlert, driftBackReason, driftReplacedReason, driftSeverity } from './alert.ts';
import { driftingSince } from './episode.ts';
import { servingModel } from './serving.ts';
import { compareProfiles, decidingPsi, UnknownShareEdges, unknownShareBin, type DriftFigures, type DriftProfile } from './profile.ts';

/** What the watch reads: the detector's list (keyword streams, and all messages when watched). */
export interface DriftStream {
  id: string;
  name: string;
  channels: readonly StoredChannel[];
}

export interface DriftWatchDeps {
  drift: Pick<ModelDriftRepository, 'counts' | 'sample' | 'references' | 'saveReference' | 'appendReadings' | 'readings'>;
  alerts: Pick<AlertRepository, 'unresolved' | 'insert'>;
  models: Pick<ModelRegistryRepository, 'champion'>;
  /** The configured model (MODEL_DIR): the champion while none was promoted. */
  model: Pick<ModelConfig, 'dir' | 'maxTokens'>;
  config: DriftConfig;
  streams(): readonly DriftStream[];
  notify(alert: Alert, event: AlertEvent, channels: readonly StoredChannel[]): void;
  now?: () => number;
}

/** How far back a reference may reach for the champion's first messages of a stream. */
const referenceSpanMs = 86_400_000;
/** Texts per stream whose words are counted: enough for the unknown-share bins, cheap to tokenise. */
export const samplePerStream = 400;

export class DriftWatch {
  private readonly now: () => number;
  /** One tokenizer per model folder: the vocabulary the unknown words are counted against. */
  private readonly tokenizers = new Map<string, Promise<Tokenizer>>();

  constructor(private readonly deps: DriftWatchDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** One check: references taken where due, a reading per stream stored, alerts raised, updated and resolved. */
  async check(): Promise<void> {
    const now = this.now();
    const serving = await servingModel(this.deps.models, this.deps.model.dir);
    const streams = this.deps.streams();
    const tokenizer = await this.tokenizer(serving.dir);
    const stored = await this.deps.drift.references(serving.label);
    const references = await this.takeReferences(serving.label, streams.map((s) => s.id), stored, tokenizer, now);
    const { config } = this.deps;
    const judged = streams.filter((s) => references.has(s.id)).map((s) => s.id);
    const from = new Date(now - config.windowMs);
    const counts = await this.deps.drift.counts(serving.label, judged, from, new Date(now));
    const enough = judged.filter((id) => (counts.get(id)?.messages ?? 0) >= config.minMessages);
    const samples = await this.deps.drift.sample(serving.label, sizesOf(counts, enough), from, new Date(now), samplePerStream);

    const at = new Date(now).toISOString();
    const measured = new Map<string, { figures: DriftFigures; unknownWords: string[] }>();
    const readings: DriftReading[] = streams.map((s) => {
      const reference = references.get(s.id);
      const current = counts.get(s.id);
      const base = { at, model: serving.label, stream: s.id, messages: current?.messages ?? 0, psiConfidence: 0, psiLabels: 0, psiUnknown: 0, unknownRate: 0, referenceUnknownRate: 0 };
      if (!reference) return { ...base, state: 'reference' };
      if (!enough.includes(s.id) || !current) return { ...base, state: 'few' };
      const { profile, unknownWords } = profileOf(current, samples.get(s.id) ?? [], tokenizer);
      const figures = compareProfiles(reference.profile, profile);
      measured.set(s.id, { figures, unknownWords });
      const state: DriftState = decidingPsi(figures) > config.psi ? 'drifting' : 'steady';
      return {
        ...base, state, psiConfidence: figures.psi.confidence, psiLabels: figures.psi.labels, psiUnknown: figures.psi.unknownWords,
        unknownRate: figures.unknownRate.current, referenceUnknownRate: figures.unknownRate.reference,
      };
    });
    await this.deps.drift.appendReadings(readings);

    const history = await this.deps.drift.readings(serving.label, new Date(now - config.holdMs - 3 * config.checkMs));
    const open = new Map((await this.deps.alerts.unresolved('model_drift')).map((a) => [a.stream, a]));
    for (const stream of streams) {
      const reading = readings.find((r) => r.stream === stream.id)!;
      const alert = open.get(stream.id);
      const m = measured.get(stream.id);
      const reference = references.get(stream.id);
      if (alert && alert.drift?.model !== serving.label) {
        await this.store(stream, alert, { ...alert, status: 'resolved', resolvedAt: at, resolvedBy: 'detector', updatedAt: at, reason: driftReplacedReason(alert.drift?.model ?? 'the model', stream.name, serving.label) }, 'resolved');
        open.delete(stream.id);
        continue;
      }
      if (!m || !reference) continue;
      const since = driftingSince(history.filter((r) => r.stream === stream.id), config.checkMs);
      if (since !== null && now - since >= config.holdMs) {
        const next = driftAlert({
          stream: stream.id, streamName: stream.name, model: serving.label, figures: m.figures, threshold: config.psi, since, at: now,
          windowMs: config.windowMs, messages: reading.messages, unknownWords: m.unknownWords, sample: samples.get(stream.id) ?? [],
          reference: { takenAt: reference.takenAt, messages: reference.profile.messages, minutes: (Date.parse(reference.to) - Date.parse(reference.from)) / 60_000 },
          ...(alert ? { previous: alert } : {}),
        });
        const event: AlertEvent | null = !alert ? 'opened'
          : driftSeverity(m.figures, config.psi) === 'critical' && alert.severity !== 'critical' ? 'escalated'
          : (next.peak?.z ?? 0) > (alert.peak?.z ?? 0) ? 'updated' : null;
        if (event) await this.store(stream, alert, next, event);
      } else if (alert && reading.state === 'steady') {
        await this.store(stream, alert, { ...alert, status: 'resolved', resolvedAt: at, resolvedBy: 'detector', updatedAt: at, current: decidingPsi(m.figures), z: decidingPsi(m.figures), reason: driftBackReason({ model: serving.label, streamName: stream.name, figures: m.figures }) }, 'resolved');
      }
    }
  }

  private async store(stream: DriftStream, previous: Alert | undefined, incoming: Alert, event: AlertEvent): Promise<void> {
    const alert = nextAlertVersion(previous, incoming, this.now());
    if (!alert) return;
    await this.deps.alerts.insert(alert);
    log.info({ alert: alert.id, stream: stream.id, event, psi: alert.z }, 'model drift alert');
    this.deps.notify(alert, event, stream.channels);
  }

  private tokenizer(dir: string): Promise<Tokenizer> {
    let loaded = this.tokenizers.get(dir);
    if (!loaded) {
      loaded = Tokenizer.load(dir, this.deps.model.maxTokens);
      loaded.catch(() => this.tokenizers.delete(dir));
      this.tokenizers.set(dir, loaded);
    }
    return loaded;
  }

  /** Takes the reference of every stream the model has scored enough messages of, and has none yet. */
  private async takeReferences(model: string, streams: readonly string[], references: Map<string, DriftReference>, tokenizer: Tokenizer, now: number): Promise<Map<string, DriftReference>> {
    const missing = streams.filter((id) => !references.has(id));
    if (!missing.length) return references;
    const from = new Date(now - referenceSpanMs);
    const to = new Date(now);
    const counts = await this.deps.drift.counts(model, missing, from, to);
    const ready = missing.filter((id) => (counts.get(id)?.messages ?? 0) >= this.deps.config.referenceMessages);
    const samples = await this.deps.drift.sample(model, sizesOf(counts, ready), from, to, samplePerStream);
    for (const id of ready) {
      const reference: DriftReference = {
        model, stream: id, takenAt: to.toISOString(), from: from.toISOString(), to: to.toISOString(),
        profile: profileOf(counts.get(id)!, samples.get(id) ?? [], tokenizer).profile,
      };
      await this.deps.drift.saveReference(reference);
      references.set(id, reference);
      log.info({ model, stream: id, messages: reference.profile.messages }, 'drift reference taken');
    }
    return references;
  }
}

/** The messages of each of these streams, as counted. */
function sizesOf(counts: ReadonlyMap<string, ProfileCounts>, streams: readonly string[]): Map<string, number> {
  return new Map(streams.map((id) => [id, counts.get(id)?.messages ?? 0]));
}

/** The profile of counted messages and their sampled texts, with the unknown words most frequent first. */
export function profileOf(counts: ProfileCounts, sample: readonly SampledMessage[], tokenizer: Tokenizer): { profile: DriftProfile; unknownWords: string[] } {
  const unknownShares = new Array<number>(UnknownShareEdges.length + 1).fill(0);
  const frequency = new Map<string, number>();
  let words = 0;
  let unknownWords = 0;
  for (const m of sample) {
    const found = tokenizer.unknownWords(m.text);
    words += found.words;
    unknownWords += found.unknown.length;
    unknownShares[unknownShareBin(found.words, found.unknown.length)]! += 1;
    for (const w of found.unknown) frequency.set(w.toLowerCase(), (frequency.get(w.toLowerCase()) ?? 0) + 1);
  }
  return {
    profile: { messages: counts.messages, confidence: counts.confidence, labels: counts.labels, unknownShares, words, unknownWords },
    unknownWords: [...frequency.entries()].sort((a, b) => b[1] - a[1]).map(([w]) => w),
  };
}
