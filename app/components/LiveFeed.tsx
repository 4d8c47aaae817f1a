'use client';
import { useState } from 'react';
import type { LiveMessage } from '../../lib/contracts/live.ts';
import { clock } from '../lib/format.ts';
import type { Feed } from '../lib/overview.ts';
import { FeedMessageDetail } from './FeedMessageDetail.tsx';
import { LabelBadge } from './LabelBadge.tsx';

/**
 * The newest messages (a sample of the subscription, newest first). Pause holds the list still
 * to read it; a message opens its detail (probabilities, people's label). `filtered`: the stream
 * or source filter is on, so an empty list is theirs to explain (the overview's empty notice),
 * not the replay's.
 */
export function LiveFeed({ feed, live, filtered, onTogglePause }: { feed: Feed; live: boolean; filtered: boolean; onTogglePause(): void }) {
  const [open, setOpen] = useState<LiveMessage | null>(null);
  return (
    <section aria-labelledby="feed-title" className="flex max-h-[48rem] min-h-0 flex-col rounded-lg border border-slate-200 bg-white xl:sticky xl:top-4 xl:max-h-[calc(100vh-2rem)] xl:self-start">
      <div className="flex items-center gap-2 border-b border-slate-200 p-3">
        <h2 id="feed-title" className="flex-1 font-semibold">Live feed</h2>
        <button
          type="button"
          onClick={onTogglePause}
          aria-pressed={feed.paused}
          className="rounded border border-slate-400 px-2 py-0.5 text-sm hover:bg-slate-100"
        >
          {feed.paused ? `▶ Resume${feed.held ? ` (${feed.held} new)` : ''}` : '❚❚ Pause'}
        </button>
      </div>
      {open && <FeedMessageDetail key={open.id} message={open} onClose={() => setOpen(null)} />}
      {feed.messages.length === 0 ? (
        <p className="p-3 text-sm text-slate-600">
          {!live
            ? 'The feed needs the live connection; it fills as soon as that is back.'
            : filtered
              ? 'No messages from these filters yet. New ones appear here as they are classified.'
              : 'No messages in this view yet. New ones appear here as they are classified; is the replay running? (npm run replay -- --dataset tweeteval-val --rate 20)'}
        </p>
      ) : (
        <ol className="min-h-0 flex-1 divide-y divide-slate-100 overflow-y-auto" aria-label="Newest messages" data-testid="feed">
          {feed.messages.map((m) => (
            <li key={m.id}>
              <button
                type="button"
                onClick={() => setOpen(m)}
                className="relative block w-full px-3 py-2 text-left hover:bg-slate-50 focus:bg-slate-50"
              >
                <span className="flex items-center gap-2 text-xs text-slate-600">
                  <LabelBadge label={m.label} />
                  <span className="tabular-nums">{Math.round(m.confidence * 100)} %</span>
                  <span className="truncate">{m.source}</span>
                  <time className="ml-auto tabular-nums" dateTime={m.ts}>{clock(Date.parse(m.ts))}</time>
                </span>
                <span className="mt-0.5 line-clamp-2 block text-sm">{m.text}</span>
                <span className="sr-only">Show its probabilities.</span>
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
