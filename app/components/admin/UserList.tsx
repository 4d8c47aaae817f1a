import { DataTable, type Column } from '../DataTable.tsx';
import type { PublicUser } from '../../lib/admin-api.ts';
import { UserRow } from './UserRow.tsx';

interface Props {
  users: readonly PublicUser[];
  /** The signed-in user's id; null in open mode. */
  selfId: string | null;
  onChange(user: PublicUser, self: boolean): void;
}

/** The table's columns, in the order each row renders its cells. */
const columns: Column[] = [
  { label: 'Email' },
  { label: 'Role' },
  { label: 'Status' },
  { label: 'Created' },
  { label: 'Changed' },
  { label: 'Actions', hidden: true },
];

/** Every account, disabled ones included, by email. */
export function UserList({ users, selfId, onChange }: Props) {
  return (
    <DataTable testId="users" caption="Users, by email" columns={columns}>
      {[...users].sort((a, b) => a.email.localeCompare(b.email)).map((u) => (
        <UserRow key={u.id} user={u} self={u.id === selfId} onChange={onChange} />
      ))}
    </DataTable>
  );
}
