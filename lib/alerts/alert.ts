/**
 * The alert contract: what the detector (lib/anomaly/) raises and resolves, what travels on
 * `pulse.alerts`, what the `alerts` table stores and what every delivery channel sends. An
 * alert explains itself: the numbers that tripped it and the messages that drove it.
 */
import { z } from 'zod';

export const AlertKinds = ['sentiment', 'volume'] as const;
export const Severities = ['info', 'warning', 'critical'] as const;
export const AlertStatuses = ['open', 'acknowledged', 'resolved'] as const;
/** What happened to the alert: the detector opened it, changed its numbers, or resolved it. */
export const AlertEvents = ['opened', 'updated', 'resolved'] as const;
export type AlertEvent = (typeof AlertEvents)[number];

const isoTime = z.iso.datetime();

export const AlertSchema = z.object({
  /** Stable across the alert's life: `resolved` and acknowledgements carry the same id. */
  id: z.string().min(1).max(128),
  stream: z.string().min(1).max(128),
  kind: z.enum(AlertKinds),
  /** Which way the watched value moved: sentiment down = negative; volume up = positive. */
  direction: z.enum(['negative', 'positive']),
  severity: z.enum(Severities),
  status: z.enum(AlertStatuses),
  /** When the deviation was first confirmed, and when this version of the alert was written. */
  openedAt: isoTime,
  updatedAt: isoTime,
  resolvedAt: isoTime.optional(),
  /** When a person acknowledged it (the dashboard's alert list), and whether a person or the detector resolved it. */
  acknowledgedAt: isoTime.optional(),
  resolvedBy: z.enum(['detector', 'person']).optional(),
  /** Robust z-score of the current value against the baseline. */
  z: z.number(),
  /**
   * The watched value over the deciding window (the 1–30 s window ending now that deviates
   * most: mean score, or msgs/s) and the baseline it is compared with.
   */
  current: z.number(),
  baseline: z.object({ center: z.number(), spread: z.number(), minutes: z.number().positive() }),
  /** The window the current value covers, and how many messages are in it. */
  window: z.object({ from: isoTime, to: isoTime }),
  volume: z.number().int().nonnegative(),
  /** Terms over-represented in the window's messages, most telling first. */
  topTerms: z.array(z.string()).max(20),
  /** Up to 5 messages that drove the shift (most extreme scores in the alert's direction). */
  examples: z
    .array(z.object({ id: z.string(), text: z.string().max(500), label: z.enum(['negative', 'neutral', 'positive']), score: z.number() }))
    .max(5),
  /** One sentence a person can act on, e.g. "Sentiment of 'Acme launch' fell from +0.21 to −0.12 (z −4.3) over 30 s, 412 messages". */
  reason: z.string().max(1000),
});
export type Alert = z.infer<typeof AlertSchema>;
export type Severity = (typeof Severities)[number];

/**
 * A record on `pulse.alerts`: the alert itself plus what just happened to it, so the dashboard
 * can raise a banner on `opened` and clear it on `resolved`. Still parses as a plain Alert.
 */
export const AlertRecordSchema = AlertSchema.extend({ event: z.enum(AlertEvents) });
export type AlertRecord = z.infer<typeof AlertRecordSchema>;
