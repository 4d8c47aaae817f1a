/**
 * Passwords and API key tokens. Passwords are hashed with argon2id (the `argon2` package,
 * OWASP's parameters: 19 MiB, 2 passes); a key token carries 256 random bits, so its SHA-256 is
 * enough at rest and is checked in constant time on every request without argon2's cost.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import argon2 from 'argon2';
import { checkPasswordStrength, MaxPasswordChars } from './password-policy.ts';


export function hashPassword(password: string): Promise<string> {
  checkPasswordStrength(password);
  return argon2.hash(password, { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  if (password.length > MaxPasswordChars) return false;
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash for unknown emails, so a login's timing does not tell which emails exist. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(24).toString('base64url'));
  return decoy;
}

const tokenPattern = /^pulse_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

/** A new key token `pulse_<id>_<secret>`: the id finds the key, the secret proves it. */
export function newKeyToken(): { id: string; token: string; secretHash: string } {
  const id = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x').slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `pulse_${id}_${secret}`, secretHash: sha256(secret) };
}

export function parseKeyToken(token: string): { id: string; secret: string } | null {
  const m = tokenPattern.exec(token);
  return m ? { id: m[1]!, secret: m[2]! } : null;
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const given = Buffer.from(sha256(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}

/** Session ids are random too: the store keeps their hash, so a read of the table logs nobody in. */
export function newSessionId(): { id: string; idHash: string } {
  const id = randomBytes(32).toString('base64url');
  return { id, idHash: sha256(id) };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
