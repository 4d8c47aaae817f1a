import type { PublicUser } from '../../lib/admin-api.ts';
import { UserRow } from './UserRow.tsx';

interface Props {
  users: readonly PublicUser[];
  /** The signed-in user's id; null in open mode. */
  selfId: string | null;
  onChange(user: PublicUser, self: boolean): void;
}

/** Every account, disabled ones included, by email. */
export function UserList({ users, selfId, onChange }: Props) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid="users">
        <caption className="sr-only">Users, by email</caption>
        <thead className="bg-slate-100 text-xs text-slate-700">
          <tr>
            <th scope="col" className="py-1.5 pr-3 pl-3 font-medium">Email</th>
            <th scope="col" className="pr-3 font-medium">Role</th>
            <th scope="col" className="pr-3 font-medium">Status</th>
            <th scope="col" className="pr-3 font-medium">Created</th>
            <th scope="col" className="pr-3 font-medium">Changed</th>
            <th scope="col" className="pr-3 font-medium"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {[...users].sort((a, b) => a.email.localeCompare(b.email)).map((u) => (
            <UserRow key={u.id} user={u} self={u.id === selfId} onChange={onChange} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
