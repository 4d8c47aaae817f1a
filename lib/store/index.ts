/** The store: `Store.open(config)` picks the backend (chdb or a ClickHouse server) from the configuration. */
export {
  AllStreams,
  Buckets,
  MaxBuckets,
  MaxPageSize,
  Store,
  type Bucket,
  type InsertResult,
  type MessagesPage,
  type MessagesQuery,
  type StatsPoint,
  type StatsQuery,
} from './store.ts';
export type { DeadLettersPage, DeadLettersQuery, StoredDeadLetter } from './dead-letters.ts';
export { DeliveryStatuses, type DeliveryAttempt, type DeliveryStatus } from './alert-deliveries.ts';
export type { AlertsPage, AlertsQuery } from './alerts.ts';
export type { KeyRecord, SessionRecord, UserRecord } from './access.ts';
export type { AuditEntry, AuditQuery } from './audit.ts';
