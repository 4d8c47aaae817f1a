/**
 * Why an alert fired, in the store's own words: the terms that the window's messages use far
 * more often than the stream did in its baseline, and the messages that pulled the mean
 * furthest. Looked up once when an alert is raised or escalated (lib/detect/loop.ts).
 */
import type { SignalRepository } from '../store/signals.ts';
import type { TermCounts } from './signals.ts';
import type { AlertExplanation } from './to-alert.ts';
import { maxWindowSeconds, type Decision } from './stream-detector.ts';

/** Words too common to say anything about a shift. */
const Stopwords: readonly string[] = (
  'the and for are but not you all any can had her was one our out has him his how its let may new now old see two way who did ' +
  'get got just like this that with have from they will would there their what about which when make than them then into more ' +
  'your some could time very been only over also back after other well these such most even because does doing being were here ' +
  'why where while should still much many those through during each both few own same too don didn isn wasn aren weren won ' +
  'shouldn couldn wouldn hasn haven hadn she he we me my us it is am an as at be by do go if in no of on or so to up http https www ' +
  'amp rt via lol im ive dont cant thats youre gonna wanna'
).split(' ');

/** Terms shown with an alert. */
const maxTerms = 10;
/** A term must be at least this many times as frequent in the window as in the baseline. */
const minLift = 1.5;

/**
 * Ranks terms by their smoothed log-ratio of window to baseline frequency (messages holding
 * the term / messages), which favours a word that appears in 30 % of the window and 2 % of the
 * baseline over one that is merely common in both. With no baseline to compare against the
 * most frequent window terms are returned.
 */
export function rankTerms(counts: TermCounts, limit = maxTerms): string[] {
  const w = counts.windowMessages;
  const b = counts.baselineMessages;
  if (!w) return [];
  return counts.terms
    .map((t) => ({ term: t.term, lift: (t.window + 0.5) / (w + 1) / ((t.baseline + 0.5) / (b + 1)), window: t.window }))
    .filter((t) => !b || t.lift >= minLift)
    .sort((x, y) => y.lift - x.lift || y.window - x.window || (x.term < y.term ? -1 : 1))
    .slice(0, limit)
    .map((t) => t.term);
}

type ExplainStore = Pick<SignalRepository, 'termCounts' | 'exampleMessages'>;

/**
 * The explanation of a raise or escalation, from the store. Terms compare the last 30 s with the
 * baseline before them, as the detector does: the deciding window may be a few seconds of a
 * shift that began earlier, and those earlier seconds must not count as "usual". A drift's
 * terms compare its window with the reference hour before it.
 */
export async function explain(store: ExplainStore, decision: Decision): Promise<Omit<AlertExplanation, 'streamName'>> {
  const { reading: r } = decision;
  const windowFrom = new Date(r.window.from);
  const windowTo = new Date(r.window.to);
  // A drift's window is its whole story (ten minutes of a slide), and its baseline the hour before.
  const termsFrom = r.drift ? r.window.from : r.window.to - maxWindowSeconds * 1000;
  // A sentiment shift and a surge are about one label's messages; a volume spike is about all.
  const byLabel = r.kind !== 'volume';
  const [counts, examples] = await Promise.all([
    store.termCounts({
      stream: decision.stream,
      windowFrom: new Date(termsFrom),
      windowTo,
      baselineFrom: new Date(termsFrom - r.baseline.minutes * 60_000),
      ...(byLabel ? { label: decision.direction } : {}),
      stopwords: Stopwords,
    }),
    store.exampleMessages(decision.stream, windowFrom, windowTo, byLabel ? decision.direction : 'newest', 5),
  ]);
  return { topTerms: rankTerms(counts), examples };
}
