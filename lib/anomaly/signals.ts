/**
 * What the detector reads from the store (lib/store/signals.ts): per-second aggregates of the
 * streams it watches, and, when it raises an alert, the terms and messages that explain it.
 */
import type { Label } from '../sentiment.ts';

export interface StreamSecond {
  stream: string;
  /** Epoch milliseconds of the second's start. */
  t: number;
  count: number;
  scoreSum: number;
  /** Of `count`, the negative and the positive messages (the surge signal's input). */
  negative: number;
  positive: number;
}

export interface TermCountsQuery {
  stream: string;
  /** The alert's window, and the baseline before it: [baselineFrom, windowFrom). */
  windowFrom: Date;
  windowTo: Date;
  baselineFrom: Date;
  /** Only window messages with this label count (the direction of a sentiment shift). */
  label?: Label;
  /** Words never worth showing ("the", "and"): left out in the query. */
  stopwords: readonly string[];
}

export interface TermCounts {
  /** Messages on each side. */
  windowMessages: number;
  baselineMessages: number;
  /** Terms in at least two window messages, with the number of messages holding them on each side. */
  terms: Array<{ term: string; window: number; baseline: number }>;
}

/** A message shown with an alert as an example of what drove it. */
export interface ExampleMessage {
  id: string;
  text: string;
  label: Label;
  score: number;
}

/** Which messages of a window make the best examples: the most negative, the most positive, or the newest. */
export type ExampleOrder = 'negative' | 'positive' | 'newest';
