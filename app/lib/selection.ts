/** What the drill-down lists: the messages behind a clicked slice or point, and its filters. */
import type { Label } from '../../lib/contracts/messages.ts';
import type { MessagesQuery } from './api.ts';
import type { View } from './view.ts';

export interface Selection {
  /** What was clicked, in words: the panel's title. */
  title: string;
  /** Event time [from, to), epoch ms. */
  from: number;
  to: number;
  label: Label | null;
  /** Text the messages hold (a clicked term); the panel's text filter starts with it. */
  q?: string;
}

/** Narrowing the analyst adds in the panel; `source` starts as the view's. */
export interface DrillFilters {
  label: Label | null;
  source: string | null;
  q: string | null;
}

export function messagesQuery(view: View, selection: Selection, filters: DrillFilters): MessagesQuery {
  return { stream: view.stream, from: selection.from, to: selection.to, label: filters.label, source: filters.source, q: filters.q };
}
