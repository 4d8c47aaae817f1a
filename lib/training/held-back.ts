/**
 * The fifth of people's labels a training job never trains on: the challenger and the champion
 * are compared on it. Chosen by a hash of the message's id, so a label stays on its side from
 * one job to the next (a model never trains on what an earlier comparison measured it on).
 */
import { createHash } from 'node:crypto';
import { textKey } from '../datasets.ts';

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

/**
 * Whether a text is one of the held-back labels' texts. Such a text is trained on under no id: a
 * repost or duplicate labelled on another message, or a set's row, would otherwise teach the
 * challenger the very rows it is compared with the champion on.
 */
export function heldBackText(heldBack: ReadonlyArray<{ text: string }>): (text: string) => boolean {
  const held = new Set(heldBack.map((r) => textKey(r.text)));
  return (text) => held.has(textKey(text));
}
