/** Stable error codes: callers (HTTP, CLIs, tests) switch on these, never on message text. */
export const ErrorCodes = [
  'CONFIG_INVALID',
  'MODEL_NOT_FOUND',
  'MODEL_INVALID',
  'MODEL_LABELS_UNSUPPORTED',
  'MODEL_INFERENCE_FAILED',
  'MODEL_POOL_CLOSED',
  'DEVICE_UNAVAILABLE',
  'DATASET_NOT_FOUND',
  'DATASET_INVALID',
  'INPUT_INVALID',
  'BUS_UNAVAILABLE',
  'BUS_CLOSED',
  'BUS_OPTIONS_INVALID',
  /** The in-process bus's durable log cannot be written or opened (disk full, data dir not writable). */
  'BUS_LOG_UNAVAILABLE',
  'STORE_UNAVAILABLE',
  'STORE_QUERY_FAILED',
  'STORE_MIGRATION_FAILED',
  'MESSAGE_INVALID',
  'BODY_TOO_LARGE',
  'BODY_INVALID',
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_MANY_MESSAGES',
  'QUERY_INVALID',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'FRAME_INVALID',
  'STREAM_QUERY_INVALID',
  'ALERT_CHANNEL_INVALID',
  'WEBHOOK_URL_REFUSED',
  'ALERT_DELIVERY_FAILED',
  'ALERT_DELIVERY_TIMEOUT',
  'ALERT_RULE_INVALID',
  /** A person's label of a message that is not one of the sentiment labels (or a bulk label's ids are wrong). */
  'LABEL_INVALID',
  'CONFLICT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'CSRF_INVALID',
  'RATE_LIMITED',
  'TOO_MANY_CONNECTIONS',
  'INGEST_OVERLOADED',
  'SHUTTING_DOWN',
  'INSECURE_BIND',
  /** An uploaded training set with no row to keep, or no header to read it by (lib/training/). */
  'TRAINING_SET_INVALID',
] as const;
export type ErrorCode = (typeof ErrorCodes)[number];

export class PulseError extends Error {
  override readonly name = 'PulseError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A refusal that a client may retry after `retryAfterSeconds` (HTTP answers carry `Retry-After`). */
export class RetryLaterError extends PulseError {
  constructor(
    code: Extract<ErrorCode, 'RATE_LIMITED' | 'TOO_MANY_CONNECTIONS' | 'INGEST_OVERLOADED' | 'SHUTTING_DOWN'>,
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(code, message);
  }
}

export function isPulseError(err: unknown, code?: ErrorCode): err is PulseError {
  return err instanceof PulseError && (code === undefined || err.code === code);
}
