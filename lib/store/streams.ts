/**
 * The `streams` table: one row per version of a keyword stream, the highest version wins
 * (ReplacingMergeTree(version)); a delete is a version with `deleted = 1`, so the history of
 * every change stays readable and a recreated id continues the numbering.
 */
import { z } from 'zod';
import { ChannelConfigSchema } from '../alerts/channel.ts';
import type { AlertRuleInput } from '../anomaly/rules.ts';
import type { StoredChannel, StreamRecord } from '../streams/stream.ts';
import { jsonText, parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const StoredChannelSchema = z.intersection(ChannelConfigSchema, z.object({ id: z.string() }));

const StreamRow = z.object({
  id: z.string(),
  version: z.number().int(),
  name: z.string(),
  query: z.string(),
  sources: z.array(z.string()),
  rule: jsonText.pipe(z.record(z.string(), z.unknown())),
  channels: jsonText.pipe(z.array(z.unknown())),
  created_at: sqlDateTimeText,
  deleted: z.number().int(),
  example: z.number().int(),
});
type StreamRow = z.infer<typeof StreamRow>;
const columns = Object.keys(StreamRow.shape).join(', ');

function fromRow(r: StreamRow): StreamRecord {
  return {
    id: r.id,
    version: r.version,
    name: r.name,
    query: r.query,
    sources: r.sources,
    rule: r.rule as AlertRuleInput,
    // A channel stored by an older or newer code that no longer parses is left out rather than
    // taking the whole stream (and every stream listed with it) down.
    channels: r.channels.flatMap((c) => {
      const parsed = StoredChannelSchema.safeParse(c);
      return parsed.success ? [parsed.data as StoredChannel] : [];
    }),
    updatedAt: r.created_at,
    deleted: r.deleted === 1,
    ...(r.example === 1 ? { example: true as const } : {}),
  };
}

export class StreamRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Writes a new version of a stream (its `version` must be above every stored one). */
  async insertVersion(s: StreamRecord): Promise<void> {
    const row = {
      id: s.id,
      version: s.version,
      name: s.name,
      query: s.query,
      sources: s.sources,
      rule: JSON.stringify(s.rule),
      channels: JSON.stringify(s.channels),
      created_at: sqlDateTime(new Date(s.updatedAt)),
      deleted: s.deleted ? 1 : 0,
      example: s.example ? 1 : 0,
    } satisfies Record<keyof StreamRow, unknown>;
    await this.sql.insert('streams', [row]);
  }

  /** The current version of every stream that is not deleted, by name. */
  async list(): Promise<StreamRecord[]> {
    // FINAL: the highest version per id even before a merge collapsed the older ones.
    const rows = await this.sql.query(`SELECT ${columns} FROM streams FINAL WHERE deleted = 0 ORDER BY name, id`);
    return parseRows(StreamRow, rows).map(fromRow);
  }

  /** The current version of one stream, deleted or not; undefined if the id was never used. */
  async get(id: string): Promise<StreamRecord | undefined> {
    const rows = await this.sql.query(`SELECT ${columns} FROM streams FINAL WHERE id = {id:String}`, { id });
    const [row] = parseRows(StreamRow, rows);
    return row && fromRow(row);
  }

  /**
   * Whether the table has ever held a stream, deleted ones included (a delete is a version, and
   * versions are never dropped): a store somebody has configured, or that was offered the demo's
   * examples already (lib/demo/examples.ts).
   */
  async everHeld(): Promise<boolean> {
    const [row] = parseRows(z.object({ n: z.number() }), await this.sql.query('SELECT count() AS n FROM streams'));
    return (row?.n ?? 0) > 0;
  }

  /** Every version of one stream, newest first. */
  async versions(id: string): Promise<StreamRecord[]> {
    const rows = await this.sql.query(`SELECT ${columns} FROM streams WHERE id = {id:String} ORDER BY version DESC`, { id });
    return parseRows(StreamRow, rows).map(fromRow);
  }
}
