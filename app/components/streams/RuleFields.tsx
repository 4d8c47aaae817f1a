'use client';
import { useState } from 'react';
import { Sensitivities, type DetectorRules, type Sensitivity } from '../../../lib/contracts/streams.ts';
import { count } from '../../lib/format.ts';
import { AdvancedFields, effectiveRules, ruleOf, type AdvancedField, type Draft } from '../../lib/stream-draft.ts';

const sensitivityNames: Record<Sensitivity, string> = {
  high: 'High: smaller shifts, sooner (more alerts)',
  medium: 'Medium: the tested default (≈ 1 false alert a day or fewer)',
  low: 'Low: only large, lasting shifts',
};

const fields: Record<AdvancedField, { label: string; help: string; min: number; max: number; step: number }> = {
  zThreshold: { label: 'Deviation threshold |z|', help: 'How far from the baseline counts as a shift.', min: 2, max: 100, step: 0.1 },
  consecutive: { label: 'Consecutive seconds', help: 'Deviating seconds in a row before an alert opens.', min: 1, max: 60, step: 1 },
  minVolume: { label: 'Minimum messages', help: 'Messages a window needs before its sentiment is tested.', min: 1, max: 1_000_000, step: 1 },
  cooldownSeconds: { label: 'Cooldown (s)', help: 'After a resolve, the same alert stays quiet this long.', min: 0, max: 86_400, step: 1 },
  baselineMinutes: { label: 'Baseline (min)', help: 'The minutes before the current window that count as normal.', min: 2, max: 1440, step: 1 },
};

/** A derived threshold (1.6 × 6 = 9.600000000000001) as people write it. */
const n = (x: number) => String(Number(x.toFixed(2)));

/** The numbers a rule comes to, in words. */
export function RuleSummary({ rules }: { rules: DetectorRules }) {
  return (
    <ul className="text-xs text-slate-700">
      <li>
        Alert when |z| ≥ {n(rules.zThreshold)} for {rules.consecutive} s in a row, with ≥ {count(rules.minVolume)} messages per window, against the{' '}
        {rules.baselineMinutes} minutes before.
      </li>
      <li>
        Warning from |z| {n(rules.severity.warning)}, critical from {n(rules.severity.critical)}; resolves when |z| &lt; {n(rules.resolveZ)} for{' '}
        {rules.resolveSeconds} s;
        then quiet for {count(rules.cooldownSeconds)} s.
      </li>
      <li>Volume spikes: {rules.volume.enabled ? `on (from ${n(rules.volume.minRatio)}× the usual rate)` : 'off'}.</li>
    </ul>
  );
}

interface Props {
  draft: Draft;
  onChange(patch: Partial<Draft>): void;
  /** The saved version's effective numbers (the API's `detectorRules`), when editing. */
  saved: { version: number; rules: DetectorRules } | null;
}

/** The alert rule: a sensitivity preset, and overrides behind an "advanced" disclosure. */
export function RuleFields({ draft, onChange, saved }: Props) {
  const effective = effectiveRules(ruleOf(draft));
  // Blank overrides show what the preset gives, as placeholders.
  const preset = effectiveRules({ sensitivity: draft.sensitivity });
  const presetRules = 'rules' in preset ? preset.rules : null;
  const overridden = AdvancedFields.filter((f) => draft.advanced[f].trim()).length + (draft.volumeAlerts ? 0 : 1);
  const changed = saved && 'rules' in effective && JSON.stringify(saved.rules) !== JSON.stringify(effective.rules);
  // Starts open when the stored rule has overrides, so they are not hidden.
  const [open, setOpen] = useState(overridden > 0);

  return (
    <fieldset className="space-y-2 rounded border border-slate-300 p-3">
      <legend className="px-1 font-medium">Alert rule</legend>
      <label className="flex flex-col text-sm">
        Sensitivity
        <select
          name="sensitivity"
          value={draft.sensitivity}
          onChange={(e) => onChange({ sensitivity: e.target.value as Sensitivity })}
          className="mt-0.5 max-w-md rounded border border-slate-400 bg-white px-1 py-0.5"
        >
          {[...Sensitivities].reverse().map((s) => (
            <option key={s} value={s}>{sensitivityNames[s]}</option>
          ))}
        </select>
      </label>

      <details open={open} onToggle={(e) => setOpen(e.currentTarget.open)} className="text-sm">
        <summary className="cursor-pointer">
          Advanced: thresholds and timing{overridden > 0 && ` (${overridden} changed from the preset)`}
        </summary>
        <div className="mt-2 grid gap-3 sm:grid-cols-2">
          {AdvancedFields.map((f) => (
            <div key={f} className="flex flex-col">
              <label htmlFor={`rule-${f}`}>{fields[f].label}</label>
              <input
                id={`rule-${f}`}
                type="number"
                name={f}
                min={fields[f].min}
                max={fields[f].max}
                step={fields[f].step}
                value={draft.advanced[f]}
                placeholder={presetRules ? `preset: ${presetRules[f]}` : ''}
                onChange={(e) => onChange({ advanced: { ...draft.advanced, [f]: e.target.value } })}
                aria-describedby={`rule-${f}-help`}
                className="mt-0.5 w-40 rounded border border-slate-400 px-1 py-0.5"
              />
              <span id={`rule-${f}-help`} className="text-xs text-slate-600">{fields[f].help} Blank: the preset’s.</span>
            </div>
          ))}
          <label className="flex items-center gap-2 self-start pt-5">
            <input type="checkbox" name="volumeAlerts" checked={draft.volumeAlerts} onChange={(e) => onChange({ volumeAlerts: e.target.checked })} />
            Volume spike alerts
          </label>
        </div>
      </details>

      <div className="rounded bg-slate-50 p-2" data-testid="effective-rule">
        <p className="text-xs font-medium">{saved ? 'With these settings' : 'Effective numbers'}</p>
        {'rules' in effective ? <RuleSummary rules={effective.rules} /> : <p role="alert" className="text-xs text-[#D55E00]">⚠ {effective.problem}</p>}
        {saved && (
          <>
            <p className="mt-1 text-xs font-medium">Saved version {saved.version}{changed ? '' : ' (the same)'}</p>
            {changed && <RuleSummary rules={saved.rules} />}
          </>
        )}
      </div>
    </fieldset>
  );
}
