/**
 * The fifth of people's labels a training job never trains on: the challenger and the champion
 * are compared on it. Chosen by a hash of the message's id, so a label stays on its side from
 * one job to the next (a model never trains on what an earlier comparison measured it on).
 */
import { createHash } from 'node:crypto';

export function isHeldBack(messageId: string): boolean {
  return createHash('sha1').update('pulse-held-back:').update(messageId).digest().readUInt32BE(0) % 5 === 0;
}

/** Splits rows by {@link isHeldBack} of their id. */
export function splitHeldBack<T extends { id: string }>(rows: readonly T[]): { train: T[]; heldBack: T[] } {
  const train: T[] = [];
  const heldBack: T[] = [];
  for (const r of rows) (isHeldBack(r.id) ? heldBack : train).push(r);
  return { train, heldBack };
}
