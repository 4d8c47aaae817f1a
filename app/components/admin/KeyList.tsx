import type { PublicKey } from '../../lib/admin-api.ts';
import { KeyRow } from './KeyRow.tsx';

/** Active keys first, newest first within each group: what is in use is on top. */
function ordered(keys: readonly PublicKey[]): PublicKey[] {
  return [...keys].sort((a, b) => Number(Boolean(a.revokedAt)) - Number(Boolean(b.revokedAt)) || b.createdAt.localeCompare(a.createdAt));
}

/** The API keys, revoked ones included (the audit log names them). */
export function KeyList({ keys, onChange }: { keys: readonly PublicKey[]; onChange(key: PublicKey): void }) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
      <table className="w-full text-left text-sm" data-testid="keys">
        <caption className="sr-only">API keys, active first</caption>
        <thead className="bg-slate-100 text-xs text-slate-700">
          <tr>
            <th scope="col" className="py-1.5 pr-3 pl-3 font-medium">Name</th>
            <th scope="col" className="pr-3 font-medium">Scopes</th>
            <th scope="col" className="pr-3 font-medium">Created by</th>
            <th scope="col" className="pr-3 font-medium">Created</th>
            <th scope="col" className="pr-3 font-medium">Last used</th>
            <th scope="col" className="pr-3 font-medium">Status</th>
            <th scope="col" className="pr-3 font-medium"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200">
          {ordered(keys).map((k) => (
            <KeyRow key={k.id} apiKey={k} onChange={onChange} />
          ))}
        </tbody>
      </table>
    </div>
  );
}
