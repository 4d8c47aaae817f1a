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

export function isPulseError(err: unknown, code?: ErrorCode): err is PulseError {
  return err instanceof PulseError && (code === undefined || err.code === code);
}
