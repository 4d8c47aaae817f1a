/**
 * The figures of the live `status` events, and the lag that ticks repeat: the one health probe
 * (lib/health.ts, over the process's classifier-lag reader) taken once for all clients, plus the
 * scored messages per second this process's hub counted since the previous status, and the
 * classifier members this process runs (their count and latest scale step, read as they are).
 */
import type { ClassifiersStatus, ServerEvents } from '../contracts/live.ts';
import { probeHealth, type HealthDeps } from '../health.ts';

export type StatusFigures = Pick<ServerEvents['status'], 'bus' | 'store' | 'lag' | 'throughput' | 'classifiers'>;

/** The process's classifier members (lib/classify/service.ts), when it runs any. */
export interface ClassifiersSource {
  status(): ClassifiersStatus;
}

export class LiveStatus {
  private figures: Omit<StatusFigures, 'classifiers'> = { bus: 'ok', store: 'ok', lag: null, throughput: 0 };
  /** Distinct scored messages since the last status, and when that was. */
  private added = 0;
  private addedSince = Date.now();
  private probing = false;

  /** `classifiers`: none where this process runs no members (a server whose classifiers are worker processes). */
  constructor(
    private readonly health: HealthDeps,
    private readonly classifiers?: ClassifiersSource,
  ) {}

  /** The figures of the latest probe (until the first one: all ok, lag unknown), with the members as they are now. */
  get current(): StatusFigures {
    return { ...this.figures, classifiers: this.classifiers?.status() ?? null };
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
      return this.current;
    } finally {
      this.probing = false;
    }
  }
}
