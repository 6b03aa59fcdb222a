import { Secret, TOTP } from 'otpauth';

// TOTP as RFC 6238 and every authenticator app do it: SHA-1, 6 digits, 30-second steps, a 160-bit
// secret. A code is accepted for the current step or one step either side (clock drift); the step
// it matched is returned so the caller can refuse it the second time (lib/auth/two-factor/service.ts).

export const ISSUER = 'Bulkhead';
const PERIOD = 30;
const DIGITS = 6;

export function newSecret(): string {
  return new Secret({ size: 20 }).base32;
}

function totp(secret: string, label = 'account'): TOTP {
  return new TOTP({ issuer: ISSUER, label, algorithm: 'SHA1', digits: DIGITS, period: PERIOD, secret: Secret.fromBase32(secret) });
}

/** The otpauth:// URI an authenticator app reads from the QR code. */
export function otpauthUri(secret: string, email: string): string {
  return totp(secret, email).toString();
}

/** A code as typed: digits only (spaces and dashes dropped), or undefined when it cannot be one. */
export function normaliseCode(raw: string): string | undefined {
  const code = raw.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(code) ? code : undefined;
}

/** The time step `code` is right for (now ±1 step), or undefined. */
export function matchingStep(secret: string, code: string, now = Date.now()): number | undefined {
  const normalised = normaliseCode(code);
  if (!normalised) return undefined;
  const delta = totp(secret).validate({ token: normalised, timestamp: now, window: 1 });
  if (delta === null) return undefined;
  return TOTP.counter({ period: PERIOD, timestamp: now }) + delta;
}

/** The code for `now` (tests and the enrolment page's self-check only ever need this). */
export function codeAt(secret: string, now = Date.now()): string {
  return totp(secret).generate({ timestamp: now });
}
