import { ClickHouseError, createClient, type ClickHouseClient } from '@clickhouse/client';
import { PulseError } from '../errors.ts';
import { bindable, clientSettings, type SqlClient, type SqlParams } from './sql.ts';

export interface ServerOptions {
  url: string;
  user: string;
  password: string;
  /** Created when missing; a plain identifier (the configuration enforces it). */
  database: string;
}

const identifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The distributed backend: a ClickHouse server over HTTP through @clickhouse/client. */
export class ServerClient implements SqlClient {
  readonly kind = 'clickhouse' as const;
  /**
   * @clickhouse/client sends parameters in the URL, which the server caps (http_max_uri_size,
   * 1 MiB); 1000 ids of up to 128 characters stay well below that.
   */
  readonly maxArrayParam = 1000;

  private constructor(private readonly client: ClickHouseClient) {}

  /** Connects, creating the database first when it does not exist yet. */
  static async connect(options: ServerOptions): Promise<ServerClient> {
    // The name goes into DDL text (a database cannot be a query parameter in every version).
    if (!identifier.test(options.database)) {
      throw new PulseError('CONFIG_INVALID', `database name ${JSON.stringify(options.database)} is not a plain identifier`);
    }
    const base = { url: options.url, username: options.user, password: options.password };
    try {
      // A client bound to a missing database fails every request, so create it from outside.
      const bootstrap = createClient(base);
      try {
        await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS \`${options.database}\`` });
      } finally {
        await bootstrap.close();
      }
    } catch (err) {
      const reason = err instanceof Error ? err.message : String(err);
      throw new PulseError('STORE_UNAVAILABLE', `cannot open database ${options.database} at ${redact(options.url)}: ${reason}`, {
        cause: err,
      });
    }
    return new ServerClient(
      createClient({ ...base, database: options.database, clickhouse_settings: { ...clientSettings } }),
    );
  }

  async query<T>(sql: string, params?: SqlParams): Promise<T[]> {
    try {
      const result = await this.client.query({ query: sql, query_params: bindable(params ?? {}), format: 'JSONEachRow' });
      return await result.json<T>();
    } catch (err) {
      throw failure(err);
    }
  }

  async command(sql: string, params?: SqlParams): Promise<void> {
    try {
      await this.client.command({ query: sql, query_params: bindable(params ?? {}) });
    } catch (err) {
      throw failure(err);
    }
  }

  async insert(table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void> {
    if (rows.length === 0) return;
    try {
      await this.client.insert({ table, values: [...rows], format: 'JSONEachRow' });
    } catch (err) {
      // Not the server's message: a parse error quotes the offending row, i.e. message text.
      const detail = err instanceof ClickHouseError ? `ClickHouse ${err.type ?? err.code}` : 'no answer';
      throw failure(err, `insert into ${table} failed (${detail})`);
    }
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}

/**
 * An error the server answered is the query's fault (STORE_QUERY_FAILED); anything else
 * (refused connection, timeout, TLS) means the server could not be reached.
 */
function failure(err: unknown, message = err instanceof Error ? err.message : String(err)): PulseError {
  return new PulseError(err instanceof ClickHouseError ? 'STORE_QUERY_FAILED' : 'STORE_UNAVAILABLE', message, { cause: err });
}

/** The URL without credentials someone may have written into it. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
