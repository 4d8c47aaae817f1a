/**
 * What the Models page shows of the drift watch (`GET /api/models/drift`): the serving
 * model's latest reading of every stream it was read on, with its reference, since when it has
 * been drifting and its open alert. Read from the store, so any server answers for the
 * detector that wrote it.
 */
import type { DriftConfig } from '../config.ts';
import { AllStreamsId } from '../contracts/api.ts';
import type { ModelDriftStatus, StreamDrift } from '../contracts/model-drift.ts';
import type { AlertRepository } from '../store/alerts.ts';
import type { ModelDriftRepository } from '../store/model-drift.ts';
import type { ModelRegistryRepository } from '../store/model-registry.ts';
import { driftingSince } from './episode.ts';
import { servingModel } from './serving.ts';

export interface DriftStatusDeps {
  drift: Pick<ModelDriftRepository, 'latest' | 'references' | 'readings'>;
  alerts: Pick<AlertRepository, 'unresolved'>;
  models: Pick<ModelRegistryRepository, 'champion'>;
  configuredModelDir: string;
  config: DriftConfig;
  /** Display names of the keyword streams. */
  streamNames(): ReadonlyMap<string, string>;
  now?: () => number;
}

export async function driftStatus(deps: DriftStatusDeps): Promise<ModelDriftStatus> {
  const { config } = deps;
  const now = (deps.now ?? Date.now)();
  const serving = await servingModel(deps.models, deps.configuredModelDir);
  const [latest, references, history, open] = await Promise.all([
    deps.drift.latest(serving.label),
    deps.drift.references(serving.label),
    deps.drift.readings(serving.label, new Date(now - config.holdMs - 3 * config.checkMs)),
    deps.alerts.unresolved('model_drift'),
  ]);
  const names = deps.streamNames();
  const nameOf = (id: string) => (id === AllStreamsId ? 'All messages' : (names.get(id) ?? id));
  const read = new Set(latest.map((r) => r.stream));
  const streams: StreamDrift[] = latest.map((r) => {
    const reference = references.get(r.stream);
    const since = driftingSince(history.filter((h) => h.stream === r.stream), config.checkMs);
    const measured = r.state === 'steady' || r.state === 'drifting';
    return {
      stream: r.stream, name: nameOf(r.stream), state: r.state, at: r.at, messages: r.messages,
      psi: measured ? { confidence: r.psiConfidence, labels: r.psiLabels, unknownWords: r.psiUnknown } : null,
      unknownRate: measured ? { current: r.unknownRate, reference: r.referenceUnknownRate } : null,
      reference: reference ? { takenAt: reference.takenAt, messages: reference.profile.messages } : null,
      driftingSince: since === null ? null : new Date(since).toISOString(),
      alertId: open.find((a) => a.stream === r.stream && a.drift?.model === serving.label)?.id ?? null,
    };
  });
  // Streams the watch has not read yet (new, or the detector has not checked since it started).
  for (const [id] of names) {
    if (!read.has(id)) {
      streams.push({ stream: id, name: nameOf(id), state: 'reference', at: null, messages: 0, psi: null, unknownRate: null, reference: null, driftingSince: null, alertId: null });
    }
  }
  streams.sort((a, b) => Number(b.stream === AllStreamsId) - Number(a.stream === AllStreamsId) || a.name.localeCompare(b.name));
  return {
    model: serving.label, threshold: config.psi, windowMs: config.windowMs, holdMs: config.holdMs, checkMs: config.checkMs,
    referenceMessages: config.referenceMessages, streams,
  };
}
