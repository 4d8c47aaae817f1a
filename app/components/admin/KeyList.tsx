import { DataTable, type Column } from '../DataTable.tsx';
import type { PublicKey } from '../../lib/admin-api.ts';
import { KeyRow } from './KeyRow.tsx';

/** Active keys first, newest first within each group: what is in use is on top. */
function ordered(keys: readonly PublicKey[]): PublicKey[] {
  return [...keys].sort((a, b) => Number(Boolean(a.revokedAt)) - Number(Boolean(b.revokedAt)) || b.createdAt.localeCompare(a.createdAt));
}

/** The table's columns, in the order each row renders its cells. */
const columns: Column[] = [
  { label: 'Name' },
  { label: 'Scopes' },
  { label: 'Created by' },
  { label: 'Created' },
  { label: 'Last used' },
  { label: 'Status' },
  { label: 'Actions', hidden: true },
];

/** The API keys, revoked ones included (the audit log names them). */
export function KeyList({ keys, onChange }: { keys: readonly PublicKey[]; onChange(key: PublicKey): void }) {
  return (
    <DataTable testId="keys" caption="API keys, active first" columns={columns}>
      {ordered(keys).map((k) => (
        <KeyRow key={k.id} apiKey={k} onChange={onChange} />
      ))}
    </DataTable>
  );
}
