import type { DeliveryAttempt } from '../../lib/alerts-api.ts';
import { clock } from '../../lib/format.ts';

const outcome: Record<DeliveryAttempt['status'], string> = { ok: '✓ delivered', failed: '✗ failed', refused: '⊘ refused (address not allowed)' };

/** An alert's delivery attempts, newest first: which channel, which event, what came back. */
export function DeliveryTable({ attempts }: { attempts: readonly DeliveryAttempt[] }) {
  if (!attempts.length) {
    return <p className="text-slate-600">No delivery attempts are recorded for this alert.</p>;
  }
  return (
    <div className="overflow-x-auto">
      <table className="mt-1 w-full text-left text-xs" data-testid="deliveries">
        <thead className="text-slate-600">
          <tr>
            <th scope="col" className="py-1 pr-3 font-medium">Time</th>
            <th scope="col" className="pr-3 font-medium">Channel</th>
            <th scope="col" className="pr-3 font-medium">Event</th>
            <th scope="col" className="pr-3 font-medium">Attempt</th>
            <th scope="col" className="pr-3 font-medium">Result</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 bg-white">
          {attempts.map((d) => (
            <tr key={`${d.deliveryId}-${d.attempt}`}>
              <td className="py-1 pr-3 tabular-nums whitespace-nowrap"><time dateTime={d.at}>{clock(Date.parse(d.at), true)}</time></td>
              <td className="pr-3">{d.channel} <span className="text-slate-600">{d.target}</span></td>
              <td className="pr-3">{d.event}</td>
              <td className="pr-3 tabular-nums">{d.attempt}</td>
              <td className="pr-3">
                {outcome[d.status]}
                {d.httpStatus !== undefined && <span className="tabular-nums"> · HTTP {d.httpStatus}</span>}
                {d.error && <span className="text-slate-600"> · {d.error}</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
