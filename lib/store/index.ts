/**
 * The store: `openStore(config)` picks the backend (chdb or a ClickHouse server) from the
 * configuration and hands out one repository per domain over the one SQL client.
 */
export { openStore, storeOnClient, type Store } from './open.ts';
export type { AlertRepository } from './alerts.ts';
export type { DeliveryRepository } from './alert-deliveries.ts';
export type { AuditRepository } from './audit.ts';
export type { BackfillRepository } from './backfills.ts';
export type { DeadLetterRepository } from './dead-letters.ts';
export type { KeyRepository } from './keys.ts';
export type { AgreementQuery, LabelRepository, PersonLabel } from './labels.ts';
export type { InsertResult, MessageRepository } from './messages.ts';
export type { DriftReading, DriftReference, ModelDriftRepository } from './model-drift.ts';
export type { ChampionChange, ModelRegistryRepository, ModelSource, RegisteredModel, ShadowAgreement, ShadowLabel, ShadowSetting } from './model-registry.ts';
export type { RetagRepository } from './retag.ts';
export type { SessionRepository } from './sessions.ts';
export type { ShareRepository } from './share.ts';
export type { SignalRepository } from './signals.ts';
export type { SourceRepository } from './sources.ts';
export type { StatsRepository } from './stats.ts';
export type { CandidatesQuery, PreviewRepository } from './stream-preview.ts';
export type { StreamRepository } from './streams.ts';
export type { TermsRepository } from './terms.ts';
export type { StoredTrainingJob, TrainingJobRepository, TrainingText } from './training-jobs.ts';
export type { StoredTrainingSet, TrainingSetRepository } from './training-sets.ts';
export type { UserRepository } from './users.ts';
