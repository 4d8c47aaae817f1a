/**
 * The account of acknowledged ids against what the store holds: lost = acknowledged but not
 * listed, duplicated = ids listed more than once plus what `/api/stats` counts beyond the
 * distinct ids (a message counted twice), uncounted = stored but missing from `/api/stats`.
 * One definition for the crash rounds and `bench:pipeline --burst`.
 */
import type { Stored } from './read.ts';

export interface Account {
  /** Distinct stored ids. */
  stored: number;
  /** Acknowledged ids not stored, in the order given. */
  lostIds: string[];
  duplicated: number;
  uncounted: number;
}

export function accountFor(acked: Iterable<string>, stored: Stored): Account {
  const distinct = new Set(stored.ids);
  const lostIds = [...acked].filter((id) => !distinct.has(id));
  const statsExcess = stored.statsCount - distinct.size;
  return {
    stored: distinct.size,
    lostIds,
    duplicated: stored.ids.length - distinct.size + Math.max(0, statsExcess),
    uncounted: Math.max(0, -statsExcess),
  };
}
