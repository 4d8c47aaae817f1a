import { drainPending, Session } from 'chdb';
import { PulseError } from '../errors.ts';
import { bindable, clientSettings, type SqlClient, type SqlParams } from './sql.ts';

/**
 * The embedded backend: chdb runs the ClickHouse engine inside this process, on a data
 * directory, with the same SQL as a server. Only the async methods are used, so queries and
 * inserts run on libuv's pool and never block the event loop.
 *
 * One data directory at a time: libchdb binds a single data directory per process. Opening a
 * client on another directory while one is open throws (sessions on the *same* directory
 * coexist). So in the embedded runtime exactly one owner, the main thread, holds the store;
 * worker threads send it their results and never open a session of their own (DESIGN.md →
 * Conventions), and each test file, which `node --test` runs in its own process, gets its own
 * directory.
 */
export class ChdbClient implements SqlClient {
  readonly kind = 'chdb' as const;
  /**
   * Bound in process, without a cap. Parameterised calls wait for one another (see `run`), so
   * the messages writer's id check is one query per write, not one per thousand ids:
   * bench:pipeline at 14,000 msgs/s offered, writes of ~3,000 rows, the check 161 → 84 ms.
   */
  readonly maxArrayParam = Number.POSITIVE_INFINITY;

  private constructor(private readonly session: Session) {}

  /** Opens (creating if needed) the data directory. */
  static open(dataDir: string): ChdbClient {
    // chdb takes settings at connect or inside the SQL text; these hold for every query.
    const connectionArgs = Object.entries(clientSettings).map(([k, v]) => `--${k}=${v}`);
    try {
      return new ChdbClient(new Session(dataDir, { connectionArgs }));
    } catch (err) {
      throw new PulseError('STORE_UNAVAILABLE', `cannot open the chdb data directory ${dataDir}: ${messageOf(err)}`, {
        cause: err,
      });
    }
  }

  async query<T>(sql: string, params?: SqlParams): Promise<T[]> {
    const text = await this.run(sql, params, 'JSONEachRow');
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line) as T);
  }

  async command(sql: string, params?: SqlParams): Promise<void> {
    await this.run(sql, params, 'TabSeparated');
  }

  async insert(table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    if (rows.length === 0) return;
    // A raw payload: the engine's parser reads it, JS builds no SQL text out of the values.
    const values = Buffer.from(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
    try {
      await this.session.insert({ table, values, format: 'JSONEachRow' });
    } catch (err) {
      // Not the engine's message: a parse error quotes the offending row, i.e. message text.
      throw new PulseError('STORE_QUERY_FAILED', `insert into ${table} failed (${codes(err)})`, { cause: err });
    }
  }

  async close(): Promise<void> {
    this.session.close();
    // close() returns before the connection is gone when an operation still uses it; waiting
    // here lets the process open a session on another directory right after.
    await drainPending();
  }

  private async run(sql: string, params: SqlParams | undefined, format: string): Promise<string> {
    try {
      // chdb serialises parameterised calls process-wide (their binding state is global), so a
      // call without parameters takes the plain path, which runs in parallel.
      const result =
        params && Object.keys(params).length > 0
          ? await this.session.queryBindAsync(sql, bindable(params), { format })
          : await this.session.queryAsync(sql, { format });
      return result.text();
    } catch (err) {
      const code = codeOf(err);
      const unavailable = code === 'CHDB_CONNECTION' || code === 'CHDB_CLOSED';
      throw new PulseError(unavailable ? 'STORE_UNAVAILABLE' : 'STORE_QUERY_FAILED', messageOf(err), { cause: err });
    }
  }
}

/** chdb's typed errors carry a stable `code` (`CHDB_QUERY`, `CHDB_CONNECTION`, …). */
function codeOf(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'unknown';
}

function codes(err: unknown): string {
  const clickhouseCode = (err as { clickhouseCode?: unknown } | null)?.clickhouseCode;
  return typeof clickhouseCode === 'number' ? `${codeOf(err)}, ClickHouse code ${clickhouseCode}` : codeOf(err);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
