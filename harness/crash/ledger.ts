/**
 * The crash harness's messages and what became of each: every message has a unique id and a
 * fixed event time, so a resend is the very same message (the store's idempotence is by id
 * within the event time's range), and the ledger records the last answer each one got.
 */

export interface CrashMessage {
  id: string;
  /** Event time, epoch ms: fixed when made, the same on every resend. */
  ts: number;
  source: string;
  text: string;
}

/**
 * `acked`: 202 / an ack frame named its id. `refused`: the server answered, but not with an
 * ack (503, 429, an error frame). `cut`: no answer (the connection failed or closed first).
 * `rejected`: refused for good (4xx other than 429, or listed as rejected): a harness bug.
 */
export type Fate = 'acked' | 'refused' | 'cut' | 'rejected';

const phrases = [
  'the new release is fast and I love it',
  'support never answered and the order arrived broken',
  'the store opens at nine on saturdays',
  'best service I have had in years',
  'three hours of delay and nobody tells us anything',
  'version 2.4 ships today',
];

/** Makes the run's messages: ids `<source>-<n>`, texts from a few real-looking phrases. */
export class MessageFactory {
  private made = 0;

  constructor(readonly source: string) {}

  get count(): number {
    return this.made;
  }

  next(n: number): CrashMessage[] {
    const now = Date.now();
    return Array.from({ length: n }, () => {
      const k = this.made++;
      return { id: `${this.source}-${k}`, ts: now, source: this.source, text: `${phrases[k % phrases.length]} #${k}` };
    });
  }
}

export class Ledger {
  private readonly fates = new Map<string, { message: CrashMessage; fate: Fate }>();
  /** Messages refused, by the code (or HTTP status) of the refusal; every refusal counts. */
  readonly refusals = new Map<string, number>();

  record(messages: readonly CrashMessage[], fate: Exclude<Fate, 'acked'>, code?: string): void {
    for (const message of messages) {
      // A late failure never overrides an ack: an id once acknowledged stays promised.
      if (this.fates.get(message.id)?.fate !== 'acked') this.fates.set(message.id, { message, fate });
    }
    if (code) this.refusals.set(code, (this.refusals.get(code) ?? 0) + messages.length);
  }

  /** The ids an acknowledgement named; a message sent but not named stays as it was. */
  ack(messages: readonly CrashMessage[], ids: readonly string[]): void {
    const named = new Set(ids);
    for (const message of messages) if (named.has(message.id)) this.fates.set(message.id, { message, fate: 'acked' });
  }

  /** Ids of the messages whose last answer was `fate`. */
  ids(fate: Fate): string[] {
    return [...this.fates.entries()].filter(([, f]) => f.fate === fate).map(([id]) => id);
  }

  /** Messages sent and not acknowledged, that a sender may send again (refused or cut). */
  resendable(): CrashMessage[] {
    return [...this.fates.values()].filter((f) => f.fate === 'refused' || f.fate === 'cut').map((f) => f.message);
  }

  count(fate: Fate): number {
    let n = 0;
    for (const f of this.fates.values()) if (f.fate === fate) n++;
    return n;
  }
}
