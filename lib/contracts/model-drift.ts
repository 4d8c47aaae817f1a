/**
 * The drift watch over HTTP (`GET /api/models/drift`): per stream, how the last hour of the
 * champion's messages compares with the reference taken when it started serving them.
 * Browser code imports this module.
 */

/**
 * A stream's latest reading: `reference` while the champion has not scored enough of its
 * messages for a reference, `few` when the window held too few messages to judge, `steady`
 * under the threshold, `drifting` over it (an alert opens once that held for the hold time).
 */
export type DriftState = 'reference' | 'few' | 'steady' | 'drifting';

export interface StreamDrift {
  stream: string;
  name: string;
  state: DriftState;
  /** When it was read (null: never yet), and the messages of the window then. */
  at: string | null;
  messages: number;
  /** Population stability index of each measure against the reference (null before one exists). */
  psi: { confidence: number; labels: number; unknownWords: number } | null;
  /** Unknown words per word, the window's and the reference's. */
  unknownRate: { current: number; reference: number } | null;
  /** The reference: when it was taken and from how many messages. */
  reference: { takenAt: string; messages: number } | null;
  /** Since when the deciding index has stayed over the threshold; null when it is not over it. */
  driftingSince: string | null;
  /** The open model_drift alert of the stream, if any. */
  alertId: string | null;
}

export interface ModelDriftStatus {
  /** The model watched: the champion as `name@version` (what scored rows record). */
  model: string;
  threshold: number;
  /** The window each reading covers, how long a drift must hold, how often the watch reads (ms). */
  windowMs: number;
  holdMs: number;
  checkMs: number;
  /** Messages the champion must have scored in a stream before its reference is taken. */
  referenceMessages: number;
  streams: StreamDrift[];
}
