/**
 * The figures of the live `status` events, and the lag that ticks repeat: the one health probe
 * (lib/health.ts, over the process's classifier-lag reader) taken once for all clients, plus the
 * scored messages per second this process's hub counted since the previous status.
 */
import type { ServerEvents } from '../contracts/live.ts';
import { probeHealth, type HealthDeps } from '../health.ts';

export type StatusFigures = Pick<ServerEvents['status'], 'bus' | 'store' | 'lag' | 'throughput'>;

export class LiveStatus {
  private figures: StatusFigures = { bus: 'ok', store: 'ok', lag: null, throughput: 0 };
  /** Distinct scored messages since the last status, and when that was. */
  private added = 0;
  private addedSince = Date.now();
  private probing = false;

  constructor(private readonly health: HealthDeps) {}

  /** The figures of the latest probe (until the first one: all ok, lag unknown). */
  get current(): StatusFigures {
    return this.figures;
  }

  /** Counts distinct scored messages for the throughput. */
  count(added: number): void {
    this.added += added;
  }

  /** Probes health and closes the throughput interval; undefined when a probe is already under way. */
  async refresh(): Promise<StatusFigures | undefined> {
    if (this.probing) return undefined;
    this.probing = true;
    try {
      const health = await probeHealth(this.health);
      const now = Date.now();
      this.figures = {
        bus: health.bus.ok ? 'ok' : 'error',
        store: health.store.ok ? 'ok' : 'error',
        lag: health.lag,
        throughput: Math.round((this.added / Math.max(1, now - this.addedSince)) * 1000 * 10) / 10,
      };
      this.added = 0;
      this.addedSince = now;
      return this.figures;
    } finally {
      this.probing = false;
    }
  }
}
