import { fieldText } from '../../lib/audit-text.ts';

type Changes = Record<string, { from: unknown; to: unknown }>;

const fieldNames: Record<string, string> = { name: 'Name', query: 'Query', sources: 'Sources', rule: 'Alert rule', channels: 'Channels' };

/**
 * What a stream update changed, field by field, before and after. Removed and added are said in
 * words and by the − / + marks, with strike-through only as a repeat for eyes.
 */
export function ChangeDiff({ changes }: { changes: Changes }) {
  const fields = Object.entries(changes);
  if (!fields.length) return <p className="text-slate-600">No field changed that the log shows (a channel’s URL or secret may have been replaced; credentials are never logged).</p>;
  return (
    <table className="text-xs" data-testid="change-diff">
      <caption className="sr-only">Changed fields, before and after</caption>
      <thead className="text-slate-600">
        <tr>
          <th scope="col" className="pr-3 text-left font-medium">Field</th>
          <th scope="col" className="pr-3 text-left font-medium">Before</th>
          <th scope="col" className="text-left font-medium">After</th>
        </tr>
      </thead>
      <tbody>
        {fields.map(([field, { from, to }]) => (
          <tr key={field} className="align-top">
            <th scope="row" className="pr-3 text-left font-medium">{fieldNames[field] ?? field}</th>
            <td className="pr-3 [overflow-wrap:anywhere]">
              <span aria-hidden="true" className="text-[#D55E00]">− </span>
              <del className="decoration-slate-400">{fieldText(field, from)}</del>
            </td>
            <td className="[overflow-wrap:anywhere]">
              <span aria-hidden="true" className="text-[#0072B2]">+ </span>
              <ins className="no-underline">{fieldText(field, to)}</ins>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
