'use client';
import { useState } from 'react';
import { errorText } from '../../lib/api.ts';
import { clock } from '../../lib/format.ts';
import { deleteTrainingSet, type TrainingSet } from '../../lib/models-api.ts';
import { ConfirmDialog } from '../ConfirmDialog.tsx';
import { DataTable, type Column } from '../DataTable.tsx';

const button = 'rounded border border-slate-500 px-2 py-0.5 hover:bg-slate-100 disabled:opacity-60';

/** The stored sets, newest first: what each holds, who uploaded it and when; Delete for editors. */
export function TrainingSetList({ sets, canDelete, onDeleted }: { sets: readonly TrainingSet[]; canDelete: boolean; onDeleted(set: TrainingSet): void }) {
  const columns: Column[] = [
    { label: 'Name' },
    { label: 'Domain' },
    { label: 'Rows', numeric: true },
    { label: 'Refused', numeric: true },
    { label: 'Uploaded by' },
    { label: 'Uploaded' },
    ...(canDelete ? [{ label: 'Actions', hidden: true }] : []),
  ];
  return (
    <DataTable testId="training-sets" caption="Training sets, newest first" columns={columns}>
      {sets.map((s) => (
        <SetRow key={s.id} set={s} canDelete={canDelete} onDeleted={onDeleted} />
      ))}
    </DataTable>
  );
}

/** One set; Delete asks once more, since its rows go with it. */
function SetRow({ set, canDelete, onDeleted }: { set: TrainingSet; canDelete: boolean; onDeleted(set: TrainingSet): void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const remove = async () => {
    setBusy(true);
    setProblem(null);
    try {
      onDeleted(await deleteTrainingSet(set.id));
    } catch (err) {
      setProblem(`Not deleted: ${errorText(err)}`);
      setBusy(false);
      setConfirming(false);
    }
  };

  return (
    <tr className="align-top" data-set-id={set.id}>
      <th scope="row" className="py-2 pr-3 pl-3 font-medium">
        {set.name} <span className="text-xs font-normal text-slate-600">{set.format.toUpperCase()}</span>
      </th>
      <td className="py-2 pr-3">{set.domain}</td>
      <td className="py-2 pr-3 text-right tabular-nums">{set.rows.toLocaleString()}</td>
      <td className="py-2 pr-3 text-right tabular-nums">{set.refused.toLocaleString()}</td>
      <td className="py-2 pr-3">{set.createdBy}</td>
      <td className="py-2 pr-3 tabular-nums whitespace-nowrap">
        <time dateTime={set.createdAt}>{clock(Date.parse(set.createdAt), true)}</time>
      </td>
      {canDelete && (
        <td className="py-2 pr-3">
          {!confirming ? (
            <button type="button" onClick={() => setConfirming(true)} className={button}>
              Delete…<span className="sr-only"> {set.name}</span>
            </button>
          ) : (
            <ConfirmDialog
              id={`delete-${set.id}`}
              question={<>Delete “{set.name}” and its {set.rows.toLocaleString()} rows? This cannot be undone.</>}
              action="Delete the set"
              busyLabel="Deleting…"
              busy={busy}
              onConfirm={() => void remove()}
              onCancel={() => setConfirming(false)}
              button={button}
              className="max-w-xs"
            />
          )}
          {problem && <p role="alert" className="text-[#D55E00]">{problem}</p>}
        </td>
      )}
    </tr>
  );
}
