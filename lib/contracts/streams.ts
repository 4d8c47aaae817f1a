/**
 * What the dashboard knows of keyword streams: a stream and its preview as the API shows them,
 * and the alert rule's presets and schema (the editor checks a rule as the server will).
 * Re-exported from their modules so each stays defined once; the stream and preview modules use
 * node-only code, so only their types come in. Browser code imports this module.
 */
export { AlertRuleSchema, Sensitivities, type AlertRuleInput, type DetectorRules, type Sensitivity } from '../anomaly/rules.ts';
export type { PreviewAlert, PreviewResult } from '../streams/preview.ts';
export type { PublicChannel, PublicStream } from '../streams/stream.ts';
export type { BackfillState, StreamBackfill } from '../streams/backfill/job.ts';

/** What `DELETE /api/streams?example=true` answers: the example streams it removed, each with the version that marks the deletion. */
export interface RemovedExamples {
  removed: Array<{ id: string; version: number }>;
}
