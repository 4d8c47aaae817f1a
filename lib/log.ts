import { pino } from 'pino';

/**
 * Structured logs go to stderr so that CLIs can keep stdout for their machine-readable
 * output (e.g. `classify` prints one JSON object per line and nothing else).
 */
export const log = pino(
  { level: process.env.LOG_LEVEL ?? 'info', base: { pid: process.pid } },
  pino.destination(2),
);
