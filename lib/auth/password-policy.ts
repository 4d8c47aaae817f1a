/** What a password must be; the dashboard's forms import the same numbers (this module has no native code). */
import { PulseError } from '../errors.ts';

export const MinPasswordChars = 12;
export const MaxPasswordChars = 256;

export function checkPasswordStrength(password: string): void {
  if (password.length < MinPasswordChars || password.length > MaxPasswordChars) {
    throw new PulseError('BODY_INVALID', `a password needs ${MinPasswordChars} to ${MaxPasswordChars} characters`);
  }
}
