import { useId, type InputHTMLAttributes } from 'react';

type Props = { label: string; help?: string } & InputHTMLAttributes<HTMLInputElement>;

/** A labelled text input; its help is a description (aria-describedby), not part of its name. */
export function TextField({ label, help, className = '', ...input }: Props) {
  const id = useId();
  return (
    <div className="flex flex-col">
      <label htmlFor={id} className="font-medium">{label}</label>
      {help && <span id={`${id}-help`} className="text-xs text-slate-600">{help}</span>}
      <input id={id} aria-describedby={help ? `${id}-help` : undefined} {...input} className={`mt-0.5 w-full rounded border border-slate-400 px-2 py-1 disabled:bg-slate-100 disabled:text-slate-700 ${className}`} />
    </div>
  );
}
