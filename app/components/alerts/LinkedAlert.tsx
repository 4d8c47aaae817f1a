'use client';
import { useEffect, useState } from 'react';
import { fetchAlert, type Alert } from '../../lib/alerts-api.ts';
import { errorText } from '../../lib/api.ts';
import { Notice } from '../Notice.tsx';
import { AlertRow } from './AlertRow.tsx';

/**
 * The alert a link from a webhook or Slack message points at (`/alerts?alert=<id>`, lib/alerts/link.ts),
 * on top of the history with its details open, whatever the filters show below.
 */
export function LinkedAlert({ names, canAct }: { names: ReadonlyMap<string, string>; canAct: boolean }) {
  const [alert, setAlert] = useState<Alert | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [expanded, setExpanded] = useState(true);
  useEffect(() => {
    const id = new URLSearchParams(window.location.search).get('alert');
    if (!id) return;
    const abort = new AbortController();
    fetchAlert(id, abort.signal).then(
      (detail) => setAlert(detail.alert),
      (err: unknown) => abort.signal.aborted || setProblem(errorText(err)),
    );
    return () => abort.abort();
  }, []);

  if (problem) return <Notice kind="error" title="The linked alert could not be loaded">{problem}</Notice>;
  if (!alert) return null;
  return (
    <section aria-label="The linked alert" className="overflow-x-auto rounded-lg border-2 border-[#0072B2] bg-white" data-testid="linked-alert">
      <table className="w-full text-left text-sm">
        <caption className="px-3 pt-2 text-left font-semibold">The alert you followed a link to</caption>
        <AlertRow alert={alert} names={names} expanded={expanded} canAct={canAct} onToggle={() => setExpanded((e) => !e)} onChange={setAlert} />
      </table>
    </section>
  );
}
