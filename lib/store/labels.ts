/**
 * The `message_labels` table: people's labels of messages, append-only (who, when, the model's
 * label and model then, the new label); a message's latest label wins. The messages repository
 * reads the latest labels of what it lists; the overview reads how often people agreed.
 */
import { z } from 'zod';
import { AllStreamsId } from '../contracts/api.ts';
import type { AgreementCount, AgreementResponse } from '../contracts/labels.ts';
import { PulseError } from '../errors.ts';
import { Labels, type Label } from '../sentiment.ts';
import { checkDates, Filters, idLookups, parseRows, sourceEquals } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

/** One label as a person gave it. */
export interface PersonLabel {
  messageId: string;
  /** The message's event time (ISO): the table's key, as the messages'. */
  ts: string;
  /** When it was given (ISO). */
  at: string;
  label: Label;
  /** The stored message's label and model at the time: what the person agreed or disagreed with. */
  modelLabel: Label;
  model: string;
  text: string;
  /** Who: a user (email), an API key (name), or "someone" in open mode. */
  by: { kind: string; id: string; name: string };
}

/** What the agreement is counted over: messages of [from, to), optionally one stream's or source's. */
export interface AgreementQuery {
  stream?: string;
  source?: string;
  from: Date;
  to: Date;
}

const LatestRow = z.object({ message_id: z.string(), label: z.enum(Labels) });
const AgreementRow = z.object({ model_label: z.enum(Labels), labelled: z.number(), agreed: z.number() });

export class LabelRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Stores labels with one insert; nothing is ever changed or removed. */
  async append(labels: readonly PersonLabel[]): Promise<void> {
    if (!labels.length) return;
    await this.sql.insert(
      'message_labels',
      labels.map((l) => ({
        message_id: l.messageId, ts: sqlDateTime(new Date(l.ts)), at: sqlDateTime(new Date(l.at)), label: l.label,
        model_label: l.modelLabel, model: l.model, text: l.text, by_kind: l.by.kind, by_id: l.by.id, by_name: l.by.name,
      })),
    );
  }

  /** The latest label of each of these messages that has one; their times bound the read by the table's key. */
  async latestOf(messages: ReadonlyArray<{ id: string; ts: string }>): Promise<Map<string, Label>> {
    const latest = new Map<string, Label>();
    for (const lookup of idLookups(messages, this.sql.maxArrayParam)) {
      const rows = await this.sql.query(
        `SELECT message_id, argMax(label, at) AS label
         FROM message_labels
         WHERE ts BETWEEN {min:DateTime64(3, 'UTC')} AND {max:DateTime64(3, 'UTC')} AND message_id IN {ids:Array(String)}
         GROUP BY message_id`,
        lookup,
      );
      for (const r of parseRows(LatestRow, rows)) latest.set(r.message_id, r.label);
    }
    return latest;
  }

  /**
   * How often people gave the model's label, over the messages of the range they labelled, each
   * counted once with its latest label. The messages are joined for their streams and source
   * (a stream's messages change when its query does), both sides read by the range of ts.
   */
  async agreement(q: AgreementQuery): Promise<AgreementResponse> {
    checkDates(q.from, q.to);
    if (q.to <= q.from) throw new PulseError('QUERY_INVALID', 'from must be before to');
    const messages = new Filters({ from: q.from, to: q.to })
      .add(`ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}`)
      .with(q.source === undefined ? undefined : sourceEquals(q.source));
    const stream = q.stream ?? AllStreamsId;
    if (stream !== AllStreamsId) messages.add('has(streams, {stream:String})', { stream });
    const rows = await this.sql.query(
      `SELECT l.model_label AS model_label, count() AS labelled, countIf(l.label = l.model_label) AS agreed
       FROM (
         SELECT message_id, argMax(label, at) AS label, argMax(model_label, at) AS model_label
         FROM message_labels
         WHERE ts >= {from:DateTime64(3, 'UTC')} AND ts < {to:DateTime64(3, 'UTC')}
         GROUP BY message_id
       ) AS l
       INNER JOIN (SELECT DISTINCT id FROM messages ${messages.where}) AS m ON m.id = l.message_id
       GROUP BY model_label`,
      messages.params,
    );
    const byLabel = Object.fromEntries(Labels.map((l) => [l, { labelled: 0, agreed: 0 }])) as Record<Label, AgreementCount>;
    for (const r of parseRows(AgreementRow, rows)) byLabel[r.model_label] = { labelled: r.labelled, agreed: r.agreed };
    const total = (k: keyof AgreementCount) => Labels.reduce((n, l) => n + byLabel[l][k], 0);
    return { from: q.from.toISOString(), to: q.to.toISOString(), labelled: total('labelled'), agreed: total('agreed'), byLabel };
  }
}
