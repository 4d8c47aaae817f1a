'use client';
import { useEffect, useState } from 'react';
import { errorText } from '../../lib/api.ts';
import { clock } from '../../lib/format.ts';
import { streamVersions, type PublicStream } from '../../lib/streams-api.ts';
import { RuleSummary } from './RuleFields.tsx';

/** What differs between a version and the one before it, in words. */
function changes(v: PublicStream, before: PublicStream | undefined): string {
  if (!before) return 'created';
  const differs = (a: unknown, b: unknown) => JSON.stringify(a) !== JSON.stringify(b);
  const what = [
    differs(v.name, before.name) && 'name',
    differs(v.query, before.query) && 'query',
    differs(v.sources, before.sources) && 'sources',
    differs(v.rule, before.rule) && 'rule',
    differs(v.channels, before.channels) && 'channels',
  ].filter(Boolean);
  return what.length ? `changed ${what.join(', ')}` : 'saved unchanged (or credentials replaced)';
}

interface Props {
  id: string;
  /** The latest version: the list reloads when it changes (after a save). */
  version: number;
  /** Copies an old version's name, query, sources and rule into the form; absent: nothing to copy into (read only). */
  onUse?(version: PublicStream): void;
}

/** Every saved version of a stream, newest first, with what each changed. */
export function StreamHistory({ id, version, onUse }: Props) {
  const [versions, setVersions] = useState<{ list: PublicStream[] | null; error: string | null }>({ list: null, error: null });
  useEffect(() => {
    const abort = new AbortController();
    streamVersions(id, abort.signal).then(
      (list) => setVersions({ list, error: null }),
      (err: unknown) => abort.signal.aborted || setVersions({ list: null, error: errorText(err) }),
    );
    return () => abort.abort();
  }, [id, version]);

  if (versions.error) return <p role="alert" className="text-sm text-[#D55E00]">⚠ The versions could not be loaded: {versions.error}</p>;
  if (!versions.list) return <p role="status" className="text-sm text-slate-600">Loading the versions…</p>;
  const list = versions.list;
  return (
    <ol className="space-y-2 text-sm" data-testid="versions">
      {list.map((v, i) => (
        <li key={v.version} className="rounded border border-slate-200 p-2">
          <div className="flex flex-wrap items-baseline gap-2">
            <strong>Version {v.version}</strong>
            <time dateTime={v.updatedAt} className="tabular-nums text-slate-600">{clock(Date.parse(v.updatedAt), true)}</time>
            <span className="text-slate-700">{changes(v, list[i + 1])}</span>
            {onUse && v.version !== version && (
              <button type="button" onClick={() => onUse(v)} className="ml-auto rounded border border-slate-400 px-2 py-0.5 hover:bg-slate-100">
                Copy into the form<span className="sr-only"> (version {v.version})</span>
              </button>
            )}
          </div>
          <dl className="mt-1 grid grid-cols-[max-content_1fr] gap-x-3 text-xs">
            <dt className="text-slate-600">Name</dt>
            <dd>{v.name}</dd>
            <dt className="text-slate-600">Query</dt>
            <dd><code className="break-all">{v.query}</code></dd>
            <dt className="text-slate-600">Sources</dt>
            <dd>{v.sources.length ? v.sources.join(', ') : 'all'}</dd>
            <dt className="text-slate-600">Rule</dt>
            <dd>
              {v.rule.sensitivity ?? 'medium'}
              <RuleSummary rules={v.detectorRules} />
            </dd>
            <dt className="text-slate-600">Channels</dt>
            <dd>{v.channels.map((c) => (c.target ? `${c.kind} (${c.target})` : c.kind)).join(', ')}</dd>
          </dl>
        </li>
      ))}
    </ol>
  );
}
