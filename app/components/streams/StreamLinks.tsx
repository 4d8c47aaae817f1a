import Link from 'next/link';
import { alertFiltersQuery, noFilters } from '../../lib/alert-filters.ts';
import type { PublicStream } from '../../lib/streams-api.ts';
import { viewQuery } from '../../lib/view.ts';

const link = 'text-sm text-[#0072B2] underline hover:no-underline';

/** The overview filtered on the stream (last hour), and its alerts. */
export function StreamLinks({ stream }: { stream: Pick<PublicStream, 'id' | 'name'> }) {
  return (
    <span className="flex flex-wrap gap-x-3">
      <Link href={`/?${viewQuery({ window: '1h', stream: stream.id, source: null })}`} className={link}>
        Dashboard<span className="sr-only"> of {stream.name}</span>
      </Link>
      <Link href={`/alerts?${alertFiltersQuery({ ...noFilters, stream: stream.id })}`} className={link}>
        Alerts<span className="sr-only"> of {stream.name}</span>
      </Link>
    </span>
  );
}
