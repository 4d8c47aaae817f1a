import type { TrainingSetUploaded } from '../../lib/models-api.ts';
import { DataTable, type Column } from '../DataTable.tsx';

const columns: Column[] = [{ label: 'Line', numeric: true }, { label: 'Why it was refused' }];

/** The answer to an upload: how many rows were kept, and each refused row with its line and reason. */
export function RefusedRows({ uploaded }: { uploaded: TrainingSetUploaded }) {
  const { set, refused } = uploaded;
  return (
    <div role="status" className="space-y-2 rounded-lg border border-slate-300 bg-white p-3 text-sm" data-testid="upload-result">
      <p>
        <strong>{set.name}</strong> stored: {set.rows.toLocaleString()} {set.rows === 1 ? 'row' : 'rows'} kept
        {set.refused ? `, ${set.refused.toLocaleString()} refused` : ', none refused'}.
        {set.refused > refused.length && ` The first ${refused.length} refused rows are listed.`}
      </p>
      {refused.length > 0 && (
        <div className="max-w-3xl">
          <DataTable testId="refused-rows" caption="Refused rows of the uploaded set" columns={columns}>
            {refused.map((r) => (
              <tr key={r.line}>
                <td className="py-1 pr-3 pl-3 text-right tabular-nums">{r.line}</td>
                <td className="py-1 pr-3">{r.reason}</td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}
    </div>
  );
}
