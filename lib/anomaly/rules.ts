/**
 * Alert rules of a keyword stream: a sensitivity preset plus explicit overrides, validated
 * with zod wherever a rule comes from outside (the streams table, the API, a config file).
 * Brand teams pick `low | medium | high`; the numbers behind the presets are the ones
 * `npm run bench:detector` measures (README, "Anomaly detection").
 */
import { z } from 'zod';
import { PulseError } from '../errors.ts';

export const Sensitivities = ['low', 'medium', 'high'] as const;
export type Sensitivity = (typeof Sensitivities)[number];

export interface DetectorRules {
  /** |z| that counts as a deviation. */
  zThreshold: number;
  /** Consecutive deviating ticks (seconds) before an alert is raised. */
  consecutive: number;
  /** Messages a window needs before its sentiment is tested. */
  minVolume: number;
  /** After a resolve, the same stream, kind and direction stay quiet this long. */
  cooldownSeconds: number;
  /** Baseline: the N minutes before the current window. */
  baselineMinutes: number;
  /** Hysteresis: an alert resolves once |z| stays below resolveZ for resolveSeconds… */
  resolveZ: number;
  resolveSeconds: number;
  /** …and no second reached zThreshold for resolveHoldSeconds (the value stayed back). */
  resolveHoldSeconds: number;
  /** |z| from which an alert is a warning, and critical (below: info). */
  severity: { warning: number; critical: number };
  /** Volume spikes: on/off, and how many times the usual rate a window must reach. */
  volume: { enabled: boolean; minRatio: number };
}

/**
 * How long a value must stay back before its alert resolves, unless the rule or
 * PULSE_ALERT_RESOLVE_AFTER_MS says otherwise: long enough that an alert does not vanish while
 * people are still looking at it (a 30-s hold closed alerts 36–40 s after a burst ended).
 */
export const DefaultResolveHoldSeconds = 120;

type PresetValues = Pick<DetectorRules, 'zThreshold' | 'consecutive' | 'minVolume' | 'cooldownSeconds'>;

/** Chosen with bench:detector: `medium` meets ≤ 1 false alert a day and ≤ 5 s median delay. */
export const SensitivityPresets: Record<Sensitivity, PresetValues> = {
  high: { zThreshold: 4.5, consecutive: 2, minVolume: 20, cooldownSeconds: 120 },
  medium: { zThreshold: 5, consecutive: 2, minVolume: 30, cooldownSeconds: 300 },
  low: { zThreshold: 6, consecutive: 3, minVolume: 50, cooldownSeconds: 900 },
};

const positive = (max: number) => z.number().positive().max(max);
const count = (min: number, max: number) => z.number().int().min(min).max(max);

export const AlertRuleSchema = z
  .object({
    sensitivity: z.enum(Sensitivities).default('medium'),
    zThreshold: z.number().min(2).max(100).optional(),
    consecutive: count(1, 60).optional(),
    minVolume: count(1, 1_000_000).optional(),
    cooldownSeconds: count(0, 86_400).optional(),
    baselineMinutes: count(2, 24 * 60).optional(),
    resolveZ: positive(100).optional(),
    resolveSeconds: count(1, 3600).optional(),
    resolveHoldSeconds: count(0, 3600).optional(),
    severity: z.object({ warning: positive(1000), critical: positive(1000) }).partial().strict().optional(),
    volume: z.object({ enabled: z.boolean(), minRatio: z.number().min(1).max(1000) }).partial().strict().optional(),
  })
  .strict()
  .transform((rule): DetectorRules => {
    const preset = SensitivityPresets[rule.sensitivity];
    const zThreshold = rule.zThreshold ?? preset.zThreshold;
    return {
      zThreshold,
      consecutive: rule.consecutive ?? preset.consecutive,
      minVolume: rule.minVolume ?? preset.minVolume,
      cooldownSeconds: rule.cooldownSeconds ?? preset.cooldownSeconds,
      baselineMinutes: rule.baselineMinutes ?? 10,
      // Half the threshold: far enough below it that noise around the threshold cannot flap.
      resolveZ: rule.resolveZ ?? zThreshold / 2,
      // One full 30-s window back to normal.
      resolveSeconds: rule.resolveSeconds ?? 30,
      resolveHoldSeconds: rule.resolveHoldSeconds ?? DefaultResolveHoldSeconds,
      severity: { warning: rule.severity?.warning ?? round2(1.6 * zThreshold), critical: rule.severity?.critical ?? round2(2.5 * zThreshold) },
      volume: { enabled: rule.volume?.enabled ?? true, minRatio: rule.volume?.minRatio ?? 2 },
    };
  })
  .superRefine((r, ctx) => {
    if (r.resolveZ >= r.zThreshold) ctx.addIssue({ code: 'custom', path: ['resolveZ'], message: `must be below zThreshold (${r.zThreshold})` });
    if (r.severity.warning < r.zThreshold) {
      ctx.addIssue({ code: 'custom', path: ['severity', 'warning'], message: `must be at least zThreshold (${r.zThreshold})` });
    }
    if (r.severity.critical <= r.severity.warning) {
      ctx.addIssue({ code: 'custom', path: ['severity', 'critical'], message: `must be above severity.warning (${r.severity.warning})` });
    }
  });

/** 1.6 × 6 is 9.600000000000001 in floating point; people read and type 9.6. */
function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export type AlertRuleInput = z.input<typeof AlertRuleSchema>;

/** Deployment-wide defaults for what a rule leaves out (lib/config.ts's detector settings). */
export interface RuleDefaults {
  /** The resolve hold of rules that set no `resolveHoldSeconds` (default {@link DefaultResolveHoldSeconds}). */
  resolveHoldSeconds?: number;
}

/** The defaults that a resolve hold in milliseconds (PULSE_ALERT_RESOLVE_AFTER_MS) amounts to. */
export function ruleDefaults(resolveAfterMs: number | undefined): RuleDefaults {
  return resolveAfterMs === undefined ? {} : { resolveHoldSeconds: Math.round(resolveAfterMs / 1000) };
}

/** Parses a stored or submitted rule into complete detector rules (ALERT_RULE_INVALID if wrong). */
export function parseAlertRule(input: unknown, defaults: RuleDefaults = {}): DetectorRules {
  const given = input ?? {};
  const withDefaults =
    defaults.resolveHoldSeconds !== undefined && typeof given === 'object' && !('resolveHoldSeconds' in given)
      ? { ...given, resolveHoldSeconds: defaults.resolveHoldSeconds }
      : given;
  const parsed = AlertRuleSchema.safeParse(withDefaults);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`).join('; ');
    throw new PulseError('ALERT_RULE_INVALID', `invalid alert rule: ${issues}`);
  }
  return parsed.data;
}
