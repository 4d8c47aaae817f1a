import { count } from '../lib/format.ts';

interface Props {
  /** How many items are shown, and their noun for one and for more. */
  shown: number;
  noun: [one: string, many: string];
  more: boolean;
  loading: boolean;
  onLoadMore(): void;
}

/** Under a list loaded page by page, newest first: how much is shown and a button for the older rest. */
export function LoadMore({ shown, noun: [one, many], more, loading, onLoadMore }: Props) {
  return (
    <div className="flex items-center gap-3 text-sm">
      <span className="text-slate-600" role="status">
        {shown === 1 ? `1 ${one}` : `${count(shown)} ${many}`} shown{more ? '; older ones follow' : ''}
      </span>
      {more && (
        <button type="button" onClick={onLoadMore} disabled={loading} className="rounded border border-slate-400 bg-white px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60">
          {loading ? 'Loading…' : 'Load more'}
        </button>
      )}
    </div>
  );
}
