import { PulseError } from '../errors.ts';
import type { ConsumeSettings } from './bus.ts';
import { allTopics } from './topics.ts';

/**
 * Rejects consume options that would silently misbehave (a batch of 0, a negative wait, a
 * topic typo from untyped callers) before a member joins its group, in both implementations.
 */
export function checkConsumeOptions(options: ConsumeSettings): void {
  const problems: string[] = [];
  if (!options.group.trim()) problems.push('group is empty');
  if (!allTopics.includes(options.topic)) problems.push(`unknown topic ${JSON.stringify(options.topic)}`);
  if (!Number.isInteger(options.maxBatch) || options.maxBatch < 1) problems.push('maxBatch must be an integer ≥ 1');
  if (!Number.isFinite(options.maxWaitMs) || options.maxWaitMs < 0) problems.push('maxWaitMs must be a number ≥ 0');
  if (options.maxInFlightRecords !== undefined && (!Number.isInteger(options.maxInFlightRecords) || options.maxInFlightRecords < 1)) {
    problems.push('maxInFlightRecords must be an integer ≥ 1');
  }
  if (options.start !== undefined && options.start !== 'earliest' && options.start !== 'latest') problems.push("start must be 'earliest' or 'latest'");
  if (problems.length) throw new PulseError('BUS_OPTIONS_INVALID', `invalid consume options: ${problems.join('; ')}`);
}

/** Pause after a failed handler call before the same records are offered again. */
export function retryBackoffMs(failuresInARow: number): number {
  return Math.min(500, 100 * 2 ** Math.max(0, failuresInARow - 1));
}
