import type { Severity } from '../../lib/contracts/alerts.ts';
import type { AlertStatus } from '../lib/alerts-api.ts';
import { severityStyles, statusStyles } from '../lib/palette.ts';
import { Badge } from './Badge.tsx';

/** An alert's severity as a badge (glyph, word and colour). */
export function SeverityBadge({ severity }: { severity: Severity }) {
  return <Badge style={severityStyles[severity]} />;
}

/** An alert's status as glyph and word. */
export function StatusText({ status }: { status: AlertStatus }) {
  const style = statusStyles[status];
  return (
    <span className="inline-flex items-center gap-1 text-xs whitespace-nowrap" data-status={status}>
      <span aria-hidden="true">{style.glyph}</span>
      {style.name}
    </span>
  );
}
