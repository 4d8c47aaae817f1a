import Link from 'next/link';
import type { AuditEntry } from '../../lib/admin-api.ts';
import { actionName, actorText, targetKindName } from '../../lib/audit-text.ts';
import { clock } from '../../lib/format.ts';
import { AuditDetail } from './AuditDetail.tsx';

const link = 'text-[#0072B2] underline hover:no-underline';

/** The target by what people know it as: a stream links to its editor, a user shows its email, a key its name. */
function Target({ entry }: { entry: AuditEntry }) {
  const { kind, id } = entry.target;
  if (!id) return <span className="text-slate-600">–</span>;
  // A sign-in's target is its actor; other entries name their target in the detail.
  const self = kind === entry.actor.kind && id === entry.actor.id ? entry.actor.name : undefined;
  const known = self ?? (kind === 'user' ? entry.detail.email : kind === 'key' ? entry.detail.name : undefined);
  return (
    <>
      <span className="text-xs text-slate-600">{targetKindName(kind)}</span>{' '}
      {kind === 'stream' ? (
        <Link href={`/streams?edit=${encodeURIComponent(id)}`} className={link}>{id}</Link>
      ) : typeof known === 'string' ? (
        <>
          {known} <code className="block text-xs text-slate-600">{id}</code>
        </>
      ) : (
        <code className="[overflow-wrap:anywhere]">{id}</code>
      )}
    </>
  );
}

/** One entry of the log: when, who, what, to what, from where, and what it recorded. */
export function AuditRow({ entry }: { entry: AuditEntry }) {
  return (
    <tr className="align-top" data-action={entry.action}>
      <td className="py-2 pr-3 pl-3 tabular-nums whitespace-nowrap"><time dateTime={entry.at}>{clock(Date.parse(entry.at), true)}</time></td>
      <td className="py-2 pr-3 [overflow-wrap:anywhere]">{actorText(entry.actor)}</td>
      <td className="py-2 pr-3">
        {actionName(entry.action)}
        <code className="block text-xs text-slate-600">{entry.action}</code>
      </td>
      <td className="py-2 pr-3"><Target entry={entry} /></td>
      <td className="py-2 pr-3 font-mono text-xs">{entry.ip}</td>
      <td className="py-2 pr-3"><AuditDetail entry={entry} /></td>
    </tr>
  );
}
