'use client';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import type { ShareResponse } from '../../../lib/contracts/api.ts';
import { count, duration, moment, percent, score } from '../../lib/format.ts';
import type { Delta, Tone } from '../../lib/period-delta.ts';
import { labelStyles } from '../../lib/palette.ts';
import { shareRows } from '../../lib/share-rows.ts';
import { streamStyle } from '../../lib/stream-styles.ts';
import { DataTable } from '../DataTable.tsx';
import { LineKey } from '../LineKey.tsx';

const toneClass: Record<Tone, string> = {
  better: 'text-blue-700 dark:text-blue-300',
  worse: 'text-orange-800 dark:text-orange-300',
  neutral: 'text-slate-700',
};

function Change({ delta }: { delta: Delta | null }) {
  if (!delta) return <span className="text-slate-600">–</span>;
  return (
    <span className={toneClass[delta.tone]} data-tone={delta.tone}>
      {delta.text}
      {delta.tone !== 'neutral' && ` · ${delta.tone}`}
    </span>
  );
}

/**
 * The compared streams' figures, one row each: messages, share of voice, negative and positive
 * shares, mean score, and their changes against the previous period. A row opens the overview
 * on its stream (the name is the link, for keyboards; the whole row for a pointer).
 */
export function ShareTable({ share, names, hrefOf }: { share: ShareResponse; names: ReadonlyMap<string, string>; hrefOf(stream: string): string }) {
  const router = useRouter();
  const period = duration(Date.parse(share.to) - Date.parse(share.from));
  const columns = [
    { label: 'Stream' },
    { label: 'Messages', numeric: true },
    { label: 'Change', numeric: true },
    { label: 'Share of voice', numeric: true },
    { label: 'Change in share', numeric: true },
    { label: `${labelStyles.negative.glyph} Negative`, numeric: true },
    { label: `${labelStyles.positive.glyph} Positive`, numeric: true },
    { label: 'Mean score', numeric: true },
    { label: 'Change in score', numeric: true },
  ];
  return (
    <section aria-label="Share of voice" className="space-y-1">
      <p className="text-xs text-slate-600">
        Share of voice: a stream’s messages out of all the compared streams’ (a message that matches two streams counts for both).
        Changes are against the previous {period} ({moment(Date.parse(share.previousFrom))} to {moment(Date.parse(share.from))}).
      </p>
      <DataTable testId="share-table" caption={`Share of voice of the compared streams, with changes against the previous ${period}`} columns={columns}>
        {shareRows(share).map((row, i) => {
          const name = names.get(row.stream) ?? row.stream;
          return (
            <tr key={row.stream} data-stream={row.stream} className="cursor-pointer tabular-nums hover:bg-slate-50" onClick={() => router.push(hrefOf(row.stream))}>
              <td className="py-1.5 pl-3 pr-3">
                <Link href={hrefOf(row.stream)} className="underline-offset-2 hover:underline" onClick={(e) => e.stopPropagation()}>
                  <LineKey {...streamStyle(i)} name={name} />
                </Link>
              </td>
              <td className="pr-3 text-right">{count(row.totals.count)}</td>
              <td className="pr-3 text-right"><Change delta={row.messagesChange} /></td>
              <td className="pr-3 text-right" data-testid="share-of-voice">{row.share === null ? '–' : `${row.share.toFixed(1)} %`}</td>
              <td className="pr-3 text-right"><Change delta={row.shareChange} /></td>
              <td className="pr-3 text-right">{percent(row.totals.negative, row.totals.count)}</td>
              <td className="pr-3 text-right">{percent(row.totals.positive, row.totals.count)}</td>
              <td className="pr-3 text-right">{score(row.totals.meanScore)}</td>
              <td className="pr-3 text-right"><Change delta={row.scoreChange} /></td>
            </tr>
          );
        })}
      </DataTable>
    </section>
  );
}
