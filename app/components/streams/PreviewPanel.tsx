import { Labels } from '../../../lib/contracts/messages.ts';
import type { PreviewState } from '../../hooks/useStreamPreview.ts';
import { clock, count, percent, zScore } from '../../lib/format.ts';
import { labelStyles } from '../../lib/palette.ts';
import type { PreviewResult } from '../../lib/streams-api.ts';
import { SeverityBadge } from '../AlertBadges.tsx';
import { LabelBadge } from '../LabelBadge.tsx';
import { HourlyBars } from './HourlyBars.tsx';

/** The label split as one bar (aria-hidden: the counts beside it say the same in words). */
function LabelSplit({ result }: { result: PreviewResult }) {
  return (
    <div>
      {result.matched > 0 && (
        <div className="flex h-2.5 overflow-hidden rounded" aria-hidden="true">
          {Labels.map((l) => (
            <span key={l} style={{ width: `${(100 * result.labels[l]) / result.matched}%`, background: labelStyles[l].colour }} />
          ))}
        </div>
      )}
      <ul className="mt-1 flex flex-wrap gap-x-4 gap-y-1 text-sm">
        {Labels.map((l) => (
          <li key={l} className="flex items-center gap-1">
            <LabelBadge label={l} />
            <span className="tabular-nums" data-testid={`preview-${l}`}>{count(result.labels[l])}</span>
            <span className="tabular-nums text-slate-600">({percent(result.labels[l], result.matched)})</span>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The alerts the rule would have raised over the range, with the detector's reasons. */
function WouldBeAlerts({ result }: { result: PreviewResult }) {
  if (!result.alerts.length) return <p className="text-sm text-slate-600">No alerts: with this rule, the detector would have stayed quiet.</p>;
  return (
    <ol className="space-y-1 text-sm" data-testid="preview-alerts">
      {result.alerts.map((a) => (
        <li key={`${a.kind}-${a.direction}-${a.openedAt}`} className="rounded bg-slate-50 p-1.5">
          <div className="flex flex-wrap items-center gap-2">
            <SeverityBadge severity={a.severity} />
            <span className="tabular-nums">
              {clock(Date.parse(a.openedAt), true)} – {a.resolvedAt ? clock(Date.parse(a.resolvedAt)) : 'still open'}
            </span>
            <span className="tabular-nums text-slate-600">z {zScore(a.z)}</span>
          </div>
          <p>{a.reason}</p>
        </li>
      ))}
    </ol>
  );
}

function Sample({ result }: { result: PreviewResult }) {
  if (!result.sample.length) return null;
  return (
    <ol className="max-h-80 divide-y divide-slate-100 overflow-y-auto text-sm" aria-label="Newest matching messages" data-testid="preview-sample">
      {result.sample.map((m) => (
        <li key={m.id} className="py-1.5">
          <span className="flex items-center gap-2 text-xs text-slate-600">
            <LabelBadge label={m.label} />
            <span className="truncate">{m.source}</span>
            <time className="ml-auto tabular-nums" dateTime={m.ts}>{clock(Date.parse(m.ts), true)}</time>
          </span>
          <span className="mt-0.5 line-clamp-2 block">{m.text}</span>
        </li>
      ))}
    </ol>
  );
}

interface Props {
  state: PreviewState;
  /** Whether the current draft has a query to preview. */
  hasQuery: boolean;
  /** Whether the shown preview is of the current draft (else an edit is being previewed). */
  current: boolean;
}

/**
 * What the draft would do over the stored messages of the last 24 hours, before it is saved:
 * how many it matches and how they split, per hour, a sample, and the alerts its rule would
 * have raised. It follows the form by itself (half a second after an edit), or now by button.
 */
export function PreviewPanel({ state, hasQuery, current }: Props) {
  const { preview, loading } = state;
  const result = preview?.result;
  const queryError = preview?.error?.code === 'STREAM_QUERY_INVALID';
  return (
    <section aria-labelledby="preview-title" aria-busy={loading} className="space-y-3 rounded-lg border border-slate-200 bg-white p-3" data-testid="preview">
      <div className="flex flex-wrap items-center gap-2">
        <h2 id="preview-title" className="flex-1 font-semibold">Preview: the last 24 hours</h2>
        {loading && <span role="status" className="text-sm text-slate-600">Updating…</span>}
        <button type="button" onClick={state.run} disabled={!hasQuery} className="rounded border border-slate-400 px-2 py-0.5 text-sm hover:bg-slate-100 disabled:opacity-60">
          ↻ Preview now
        </button>
      </div>
      {!hasQuery ? (
        <p className="text-sm text-slate-600">Type a query to see which stored messages it matches and which alerts its rule would have raised.</p>
      ) : !preview ? (
        <p className="text-sm text-slate-600">Previewing…</p>
      ) : queryError ? (
        <p className="text-sm">⚠ The query has a syntax error (marked under the query field); fix it to see the preview.</p>
      ) : !result ? (
        <p role="alert" className="text-sm text-[#D55E00]">⚠ The preview failed: {preview.failure}</p>
      ) : (
        <div className={`space-y-3 ${current ? '' : 'opacity-60'}`}>
          <p>
            <strong className="text-2xl tabular-nums" data-testid="preview-matched">{count(result.matched)}</strong>{' '}
            {result.matched === 1 ? 'message matches' : 'messages match'}, stored between{' '}
            <time dateTime={result.coveredFrom} className="tabular-nums">{clock(Date.parse(result.coveredFrom), true)}</time> and{' '}
            <time dateTime={result.to} className="tabular-nums">{clock(Date.parse(result.to), true)}</time>.
          </p>
          {result.truncated && (
            <p className="text-sm">
              ⚠ Only the newest stored messages were scanned: the counts cover from {clock(Date.parse(result.coveredFrom), true)}, not the whole 24 hours.
            </p>
          )}
          <LabelSplit result={result} />
          {result.matched > 0 && <HourlyBars result={result} />}
          <section aria-labelledby="would-be-title">
            <h3 id="would-be-title" className="text-sm font-semibold">Alerts it would have raised ({result.alerts.length})</h3>
            <WouldBeAlerts result={result} />
          </section>
          {result.sample.length > 0 && (
            <section aria-labelledby="sample-title">
              <h3 id="sample-title" className="text-sm font-semibold">Newest matches ({result.sample.length} of {count(result.matched)})</h3>
              <Sample result={result} />
            </section>
          )}
        </div>
      )}
    </section>
  );
}
