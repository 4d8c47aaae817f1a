import { localParts, timePattern } from '../lib/local-moment.ts';

const field = 'rounded border border-slate-400 bg-white px-1 py-0.5';

interface Props {
  /** What the moment is ("From", "To"); the fields are read as `${name}-date` and `${name}-time`. */
  legend: string;
  name: string;
  /** ISO, or null for empty fields. */
  defaultValue: string | null;
  required?: boolean;
}

/**
 * One moment as a date and a 24-hour "HH:MM" time (app/lib/local-moment.ts says why not
 * `datetime-local`); the form reads both with `readMoment`.
 */
export function MomentFields({ legend, name, defaultValue, required = false }: Props) {
  const parts = defaultValue ? localParts(defaultValue) : { date: '', time: '' };
  return (
    <fieldset className="flex flex-col">
      <legend>{legend}</legend>
      <span className="flex gap-1">
        <input name={`${name}-date`} type="date" aria-label={`${legend} date`} required={required} defaultValue={parts.date} className={field} />
        <input
          name={`${name}-time`}
          type="text"
          inputMode="numeric"
          aria-label={`${legend} time`}
          title="24-hour time, HH:MM"
          placeholder="HH:MM"
          pattern={timePattern}
          size={5}
          maxLength={5}
          autoComplete="off"
          required={required}
          defaultValue={parts.time}
          className={`${field} tabular-nums`}
        />
      </span>
    </fieldset>
  );
}
