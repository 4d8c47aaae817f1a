/**
 * The dashboard's alerts as the hub sends them (LiveAlert), whichever way they arrived: live
 * `alert` events, the REST load of alerts raised before the page opened, or the answer to a
 * click on Acknowledge. Each alert is one entry, its latest version.
 */
import { AllStreamsId } from '../../lib/contracts/api.ts';
import type { LiveAlert } from '../../lib/contracts/live.ts';

/**
 * Of two versions of one alert the later written holds (lib/alerts/versions.ts): a REST page
 * read before an acknowledgement can arrive after its live event, and must not reopen the banner.
 */

/**
 * `list` with `incoming` merged in by id, oldest opened first. Beyond `keep` entries the oldest
 * resolved ones go; open and acknowledged ones stay, since the banner must show every one.
 */
export function mergeAlerts(list: readonly LiveAlert[], incoming: readonly LiveAlert[], keep: number): LiveAlert[] {
  const byId = new Map(list.map((a) => [a.id, a]));
  for (const a of incoming) {
    const known = byId.get(a.id);
    if (!known || Date.parse(a.updatedAt) >= Date.parse(known.updatedAt)) byId.set(a.id, a);
  }
  const merged = [...byId.values()].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  let excess = merged.length - keep;
  return excess <= 0 ? merged : merged.filter((a) => a.status !== 'resolved' || excess-- <= 0);
}

/** "All messages" for the stream every message counts under, else the stream's name when known. */
export function streamTitle(id: string, names: ReadonlyMap<string, string>): string {
  if (id === AllStreamsId) return 'All messages';
  return names.get(id) ?? id;
}
