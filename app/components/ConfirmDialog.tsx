'use client';
import type { ReactNode } from 'react';

/**
 * A confirmation shown in place of the action that asked for it (revoke a key, delete a set or
 * a stream, promote a model): the question, then the action (focused, so Enter confirms and Tab
 * reaches Cancel) and Cancel. `busy` disables the action while it runs and shows `busyLabel`.
 */
export function ConfirmDialog({ id, question, action, busyLabel, busy, onConfirm, onCancel, button, className = '', questionClassName }: {
  /** Names the question, which labels the dialog. */
  id: string;
  question: ReactNode;
  action: string;
  busyLabel: string;
  busy: boolean;
  onConfirm(): void;
  onCancel(): void;
  /** The buttons' look, as the surrounding form draws its own. */
  button: string;
  className?: string;
  questionClassName?: string;
}) {
  return (
    <div role="alertdialog" aria-labelledby={id} className={`rounded border-2 border-[#D55E00] p-2 ${className}`.trim()}>
      <p id={id} className={questionClassName}>{question}</p>
      <div className="mt-2 flex gap-2">
        <button type="button" autoFocus disabled={busy} onClick={onConfirm} className={`${button} border-[#D55E00]`}>
          {busy ? busyLabel : action}
        </button>
        <button type="button" onClick={onCancel} className={button}>Cancel</button>
      </div>
    </div>
  );
}
