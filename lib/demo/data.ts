/**
 * What the demo replays: TweetEval's validation tweets (source `tweeteval`: everyday chatter) and
 * the airline support tweets (source `airline`: a brand and its customers), three to one, as one
 * sequence the live replay loops over and the first run's history is cut from. Without
 * ../shared/datasets (a clone on its own), a few built-in examples, so the dashboard still moves.
 */
import { createHash } from 'node:crypto';
import { isPulseError } from '../errors.ts';
import { loadReplayRows, type ReplayRow } from '../ingest/replay.ts';
import { log } from '../log.ts';

/** A dataset the demo interleaves, and its share of the messages. */
interface DemoPart {
  /** Datasets of lib/datasets.ts read together (the airline tweets come in a train and a dev part). */
  datasets: readonly string[];
  /** `meta.dataset` of its messages. */
  dataset: string;
  share: number;
}

const parts: readonly DemoPart[] = [
  { datasets: ['tweeteval-val'], dataset: 'tweeteval-val', share: 3 / 4 },
  { datasets: ['airline-train', 'airline-dev'], dataset: 'airline-tweets', share: 1 / 4 },
];

const builtin: ReplayRow[] = [
  ['I absolutely love the new update, everything is faster!', 'positive'],
  ['Flight delayed three hours and nobody tells us anything. Awful.', 'negative'],
  ['The store opens at 9am on Saturdays.', 'neutral'],
  ['Best customer service I have had in years, thank you!', 'positive'],
  ['My order arrived broken and support never answered.', 'negative'],
  ['New version 2.4 is out today.', 'neutral'],
].map(([text, label]) => ({ text: text!, label: label!, source: 'builtin', dataset: 'builtin' }));

/**
 * The airline file is grouped by airline; replayed in file order, one airline would have the
 * stream to itself for minutes and then fall silent. A hash of the text gives every start the
 * same well-mixed order.
 */
function mixed(rows: ReplayRow[]): ReplayRow[] {
  const key = (r: ReplayRow) => createHash('sha1').update(r.text).digest().readUInt32BE(0);
  return rows.map((r) => ({ r, k: key(r) })).sort((a, b) => a.k - b.k).map(({ r }) => r);
}

/**
 * Every part in its share, spread evenly: one cycle is long enough for the largest part to be
 * replayed once (the smaller ones repeat within it), so no airline tweet waits for a tweet cycle.
 */
export function interleave(lists: ReadonlyArray<{ rows: readonly ReplayRow[]; share: number }>): ReplayRow[] {
  const total = lists.reduce((sum, l) => sum + l.share, 0);
  const length = Math.max(...lists.map((l) => Math.ceil((l.rows.length * total) / l.share)));
  const taken = lists.map(() => 0);
  const out: ReplayRow[] = [];
  for (let i = 0; i < length; i++) {
    // The part furthest behind its share goes next.
    let next = 0;
    for (let j = 1; j < lists.length; j++) {
      if (taken[j]! / lists[j]!.share < taken[next]! / lists[next]!.share) next = j;
    }
    const list = lists[next]!;
    out.push(list.rows[taken[next]! % list.rows.length]!);
    taken[next]!++;
  }
  return out;
}

/** The demo's sequence of messages (see above); the built-in examples when the datasets are not there. */
export function demoRows(datasetsDir: string): ReplayRow[] {
  try {
    return interleave(
      parts.map((p) => ({
        rows: mixed(p.datasets.flatMap((name) => loadReplayRows(datasetsDir, name)).map((r) => ({ ...r, dataset: p.dataset }))),
        share: p.share,
      })),
    );
  } catch (err) {
    if (!isPulseError(err, 'DATASET_NOT_FOUND')) throw err;
    log.warn({ datasetsDir }, 'datasets not found; the demo replays built-in examples');
    return builtin;
  }
}
