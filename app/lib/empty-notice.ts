/**
 * The words of the overview's empty notice when filters are on: which filters the view has,
 * and what each one emptied (how many messages the window has without it), so the notice can
 * name the filter to drop instead of asking whether data flows at all.
 */
import { count } from './format.ts';
import { windowTitle, type View } from './view.ts';

export type FilterKind = 'source' | 'stream';

/** The window's messages with one filter dropped; null or absent while unknown. */
export type CountsWithout = Partial<Record<FilterKind, number | null>>;

export interface EmptyNoticeText {
  /** "No messages from source “Airline” in stream “Acme launch” in the last 5 minutes". */
  title: string;
  /** One sentence per filter whose count is known, then advice when no single filter is to blame. */
  sentences: string[];
}

/** The view's filters, in the order the notice names them. */
export function filtersOf(view: View): FilterKind[] {
  return [...(view.source ? ['source' as const] : []), ...(view.stream ? ['stream' as const] : [])];
}

/** The view without one filter: what the notice's buttons apply. */
export function withoutFilter(view: View, kind: FilterKind): View {
  return { ...view, [kind]: null };
}

/** `streamName`: the stream's name, or null to show its id (unknown stream, list not loaded). */
export function emptyNoticeText(view: View, streamName: string | null, without: CountsWithout): EmptyNoticeText {
  const from = view.source ? ` from source “${view.source}”` : '';
  const stream = view.stream ? ` in stream “${streamName ?? view.stream}”` : '';
  const title = `No messages${from}${stream} in the ${windowTitle(view.window)}`;
  const sentences: string[] = [];
  const kinds = filtersOf(view);
  for (const kind of kinds) {
    const n = without[kind];
    if (n === null || n === undefined) continue;
    sentences.push(
      n > 0
        ? `${count(n)} ${n === 1 ? 'message matches' : 'messages match'} without the ${kind} filter.`
        : `None match without the ${kind} filter.`,
    );
  }
  if (kinds.length && kinds.every((k) => without[k] === 0)) {
    sentences.push(typeof view.window === 'string' ? 'Choose a longer window.' : 'Choose another range.');
  }
  return { title, sentences };
}
