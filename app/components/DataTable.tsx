import type { ReactNode } from 'react';

export interface Column {
  label: string;
  /** Read to screen readers only: a column of buttons or links needs a name but no heading. */
  hidden?: boolean;
  /** Numbers line up on the right. */
  numeric?: boolean;
}

/**
 * The admin and stream lists' table: a bordered, horizontally scrolling box, a caption for
 * screen readers, one header row, and the rows the caller renders (`<tr>`s or row components).
 */
export function DataTable({ testId, caption, columns, children }: { testId: string; caption: string; columns: readonly Column[]; children: ReactNode }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid={testId}>
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-100 text-xs text-slate-700">
          <tr>
            {columns.map((c, i) => (
              <th key={c.label} scope="col" className={`${i === 0 ? 'py-1.5 pl-3 ' : ''}pr-3 ${c.numeric ? 'text-right ' : ''}font-medium`}>
                {c.hidden ? <span className="sr-only">{c.label}</span> : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">{children}</tbody>
      </table>
    </div>
  );
}
