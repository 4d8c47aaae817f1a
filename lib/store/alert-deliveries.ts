/**
 * The `alert_deliveries` table: one row per attempt to deliver an alert event to a channel,
 * so that "did Slack get it?" has an answer (which attempt, what the receiver said, why not).
 */
import { z } from 'zod';
import { AlertEvents } from '../alerts/alert.ts';
import { ChannelKinds } from '../alerts/channel.ts';
import { DeliveryStatuses, MaxPageSize, type DeliveryAttempt } from '../contracts/api.ts';
import { parseRows, sqlDateTimeText } from './rows.ts';
import { sqlDateTime, type SqlClient } from './sql.ts';

const DeliveryRow = z.object({
  at: sqlDateTimeText,
  alert_id: z.string(),
  delivery_id: z.string(),
  channel: z.enum(ChannelKinds),
  target: z.string(),
  event: z.enum(AlertEvents),
  attempt: z.number().int(),
  status: z.enum(DeliveryStatuses),
  http_status: z.number().int().nullable(),
  error: z.string().nullable(),
});
type DeliveryRow = z.infer<typeof DeliveryRow>;
const columns = Object.keys(DeliveryRow.shape).join(', ');

export class DeliveryRepository {
  constructor(private readonly sql: SqlClient) {}

  /** Records one attempt to deliver an alert event to a channel. */
  async insert(a: DeliveryAttempt): Promise<void> {
    const row = {
      at: sqlDateTime(new Date(a.at)),
      alert_id: a.alertId,
      delivery_id: a.deliveryId,
      channel: a.channel,
      target: a.target,
      event: a.event,
      attempt: a.attempt,
      status: a.status,
      http_status: a.httpStatus ?? null,
      error: a.error ?? null,
    } satisfies Record<keyof DeliveryRow, unknown>;
    await this.sql.insert('alert_deliveries', [row]);
  }

  /**
   * An alert's delivery attempts, newest first, at most {@link MaxPageSize} (an alert has a
   * handful: events × channels × attempts).
   */
  async listForAlert(alertId: string): Promise<DeliveryAttempt[]> {
    const rows = await this.sql.query(
      `SELECT ${columns} FROM alert_deliveries
       WHERE alert_id = {alertId:String}
       ORDER BY at DESC, delivery_id, attempt DESC
       LIMIT {limit:UInt32}`,
      { alertId, limit: MaxPageSize },
    );
    return parseRows(DeliveryRow, rows).map(
      (r): DeliveryAttempt => ({
        at: r.at,
        alertId: r.alert_id,
        deliveryId: r.delivery_id,
        channel: r.channel,
        target: r.target,
        event: r.event,
        attempt: r.attempt,
        status: r.status,
        ...(r.http_status !== null ? { httpStatus: r.http_status } : {}),
        ...(r.error !== null ? { error: r.error } : {}),
      }),
    );
  }
}
