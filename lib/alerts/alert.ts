/**
 * The alert contract: what the detector (lib/anomaly/) raises and resolves, what travels on
 * `pulse.alerts`, what the `alerts` table stores and what every delivery channel sends. An
 * alert explains itself: the numbers that tripped it and the messages that drove it.
 */
import { z } from 'zod';

/**
 * `surge`: the rate of one label's messages (`label`) rose far above that label's own baseline
 * rate — a negative storm, a positive viral spike — whatever the mean score and the total volume did.
 * `model_drift`: the stream's messages stopped looking like those the champion model was
 * measured on (`drift`; lib/drift/): its numbers are population stability indexes, not z-scores.
 */
export const AlertKinds = ['sentiment', 'volume', 'surge', 'model_drift'] as const;
export const Severities = ['info', 'warning', 'critical'] as const;
export const AlertStatuses = ['open', 'acknowledged', 'resolved'] as const;
/**
 * What happened to the alert: the detector opened it, changed its numbers (`escalated` when its
 * severity rose), a person acknowledged it, or it was resolved (by the detector or a person).
 */
export const AlertEvents = ['opened', 'updated', 'escalated', 'acknowledged', 'resolved'] as const;
export type AlertEvent = (typeof AlertEvents)[number];

const isoTime = z.iso.datetime();

/** The deciding numbers at one moment of the alert's life: when it opened, or at its peak. */
export const AlertFiguresSchema = z.object({
  at: isoTime,
  z: z.number(),
  current: z.number(),
  volume: z.number().int().nonnegative(),
});
export type AlertFigures = z.infer<typeof AlertFiguresSchema>;

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
  /** Who acknowledged / resolved it: the signed-in user's email, or "someone" in open mode (absent for the detector). */
  acknowledgedByName: z.string().max(256).optional(),
  resolvedByName: z.string().max(256).optional(),
  /** The note a person left when resolving it. */
  resolveNote: z.string().max(1000).optional(),
  /** For `surge`: the label whose rate surged. */
  label: z.enum(['negative', 'positive']).optional(),
  /**
   * The numbers when it opened and at its most extreme (largest |z|) so far; the top-level
   * `z`/`current`/`volume` are the latest. Absent on alerts stored before they were kept.
   */
  opening: AlertFiguresSchema.optional(),
  peak: AlertFiguresSchema.optional(),
  /** Robust z-score of the current value against the baseline (model_drift: the deciding PSI). */
  z: z.number(),
  /**
   * The watched value over the deciding window (the 1–30 s window ending now that deviates
   * most: mean score, or msgs/s) and the baseline it is compared with.
   */
  current: z.number(),
  baseline: z.object({ center: z.number(), spread: z.number(), minutes: z.number().positive() }),
  /**
   * model_drift: the model watched (`name@version`), each measure's PSI against its reference,
   * the unknown-word rates, the threshold, and the reference (when taken, from how many
   * messages). `current` is the deciding PSI; `baseline` is 0 ± the threshold over the
   * reference's span.
   */
  drift: z
    .object({
      model: z.string(),
      psi: z.object({ confidence: z.number(), labels: z.number(), unknownWords: z.number() }),
      unknownRate: z.object({ current: z.number(), reference: z.number() }),
      threshold: z.number().positive(),
      reference: z.object({ takenAt: isoTime, messages: z.number().int().nonnegative() }),
    })
    .optional(),
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
