/**
 * The SQL client both store backends implement: chdb (embedded ClickHouse) and a ClickHouse
 * server through @clickhouse/client. Everything above this interface is written once, in one
 * dialect (current ClickHouse), with `{name:Type}` query parameters.
 */
export type SqlParams = Record<string, unknown>;

export interface SqlClient {
  readonly kind: 'chdb' | 'clickhouse';
  /** The most values one `Array` query parameter may carry (lookups by many ids are split by it). */
  readonly maxArrayParam: number;
  /** Runs a SELECT and returns its rows (JSONEachRow; 64-bit integers come back as numbers). */
  query<T>(sql: string, params?: SqlParams): Promise<T[]>;
  /** Runs a statement that returns no rows (DDL, ALTER, …). */
  command(sql: string, params?: SqlParams): Promise<void>;
  /** Inserts rows as one insert (JSONEachRow), keys = column names. */
  insert(table: string, rows: ReadonlyArray<Record<string, unknown>>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Settings both backends run every statement with, so that they behave alike: 64-bit integers
 * as JSON numbers (counts stay far below 2^53); date-times as `YYYY-MM-DD hh:mm:ss[.fff]` in
 * the column's time zone (UTC everywhere in Pulse); and an insert whose event times span more
 * than `max_partitions_per_insert_block` days (a replay of an old data set) is written with a
 * warning instead of refused, which would make the bus redeliver that batch forever.
 */
export const clientSettings = {
  output_format_json_quote_64bit_integers: 0,
  date_time_output_format: 'simple',
  throw_on_max_partitions_per_insert_block: 0,
} as const;

/**
 * A date as ClickHouse's plain UTC date-time text with milliseconds. Both clients bind every
 * `Date` parameter through this, because their own encodings differ: @clickhouse/client sends
 * a Unix timestamp, chdb sends `YYYY-MM-DD hh:mm:ss` and drops the milliseconds. The text form
 * parses identically in both, but only into `DateTime64(3, 'UTC')` (a `DateTime` parameter
 * refuses the fraction), so time parameters are always declared as that type. The same text
 * is what rows carry into DateTime64 columns on insert.
 */
export function sqlDateTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace('Z', '');
}

/** `YYYY-MM-DD hh:mm:ss[.fff]` (UTC, as selected with {@link clientSettings}) → ISO 8601. */
export function isoFromSql(value: string): string {
  return new Date(`${value.replace(' ', 'T')}Z`).toISOString();
}

/** Parameters with every top-level `Date` replaced by {@link sqlDateTime}'s text. */
export function bindable(params: SqlParams): SqlParams {
  return Object.fromEntries(
    Object.entries(params).map(([k, v]) => [k, v instanceof Date ? sqlDateTime(v) : v]),
  );
}
