import type { AuditEntry } from '../../lib/admin-api.ts';
import { fieldText, valueText } from '../../lib/audit-text.ts';
import { ChangeDiff } from './ChangeDiff.tsx';

type Detail = Record<string, unknown>;

const isRecord = (v: unknown): v is Detail => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Recorded fields as a term list, in the order given; missing ones are left out. */
function Fields({ detail, names, format = (_, v) => valueText(v) }: { detail: Detail; names: Record<string, string>; format?(field: string, value: unknown): string }) {
  const shown = Object.entries(names).filter(([key]) => detail[key] !== undefined);
  if (!shown.length) return null;
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-3 text-xs">
      {shown.map(([key, name]) => (
        <div key={key} className="contents">
          <dt className="text-slate-600">{name}</dt>
          <dd className="[overflow-wrap:anywhere]">{format(key, detail[key])}</dd>
        </div>
      ))}
    </dl>
  );
}

/** A user change: the role from → to, disabled or enabled again, a new password (never the password itself). */
function UserChanges({ detail }: { detail: Detail }) {
  const role = isRecord(detail.role) ? detail.role : null;
  const said = [
    role && `role ${valueText(role.from)} → ${valueText(role.to)}`,
    detail.disabled === true && 'disabled',
    detail.disabled === false && 'enabled again',
    detail.password !== undefined && 'new password set',
  ].filter(Boolean);
  return <p className="text-xs">{said.length ? said.join('; ') : 'nothing changed'}</p>;
}

/** What an entry recorded, per action in words; an action this page does not know yet shows every recorded field. */
export function AuditDetail({ entry }: { entry: AuditEntry }) {
  const d = entry.detail;
  switch (entry.action) {
    case 'stream.create':
      return isRecord(d.stream) ? (
        <Fields detail={d.stream} names={{ name: 'Name', query: 'Query', sources: 'Sources', rule: 'Alert rule', channels: 'Channels' }} format={fieldText} />
      ) : null;
    case 'stream.update':
      return (
        <div className="space-y-1">
          {d.version !== undefined && <p className="text-xs text-slate-600">saved as version {valueText(d.version)}</p>}
          <ChangeDiff changes={isRecord(d.changes) ? (d.changes as Record<string, { from: unknown; to: unknown }>) : {}} />
        </div>
      );
    case 'stream.delete':
      return <p className="text-xs">version {valueText(d.version)} marks the deletion</p>;
    case 'key.create':
      return <Fields detail={d} names={{ name: 'Name', scopes: 'Scopes' }} />;
    case 'key.revoke':
      return <Fields detail={d} names={{ name: 'Name' }} />;
    case 'user.create':
      return <Fields detail={d} names={{ email: 'Email', role: 'Role' }} />;
    case 'user.update':
      return (
        <div className="space-y-1">
          <Fields detail={d} names={{ email: 'Email' }} />
          <UserChanges detail={d} />
        </div>
      );
    case 'alert.acknowledge':
    case 'alert.resolve':
      return <Fields detail={d} names={{ stream: 'Stream', status: 'Status after' }} />;
    case 'user.password':
    case 'login':
      return null;
    case 'login.failed':
      return <Fields detail={d} names={{ email: 'Email tried' }} />;
    default:
      return <Fields detail={d} names={Object.fromEntries(Object.keys(d).map((k) => [k, k]))} />;
  }
}
