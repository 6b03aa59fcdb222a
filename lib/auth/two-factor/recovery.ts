import { createHash, randomInt } from 'node:crypto';

// Recovery codes: ten per person, each 16 characters from a 32-letter alphabet without look-alikes
// (80 random bits), shown once as XXXX-XXXX-XXXX-XXXX. Stored as sha256, not argon2: with 80 bits
// of entropy nobody can search the hash space offline, and a plain hash lets the database find and
// remove a used code in one atomic UPDATE (bulkhead.two_factor_use_recovery_code).

export const RECOVERY_CODE_COUNT = 10;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LENGTH = 16;

export function newRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => {
    let code = '';
    for (let i = 0; i < LENGTH; i++) code += ALPHABET[randomInt(ALPHABET.length)];
    return code.match(/.{4}/g)!.join('-');
  });
}

/** A recovery code as typed (any case, with or without dashes or spaces), or undefined. */
export function normaliseRecoveryCode(raw: string): string | undefined {
  const code = raw.toUpperCase().replace(/[\s-]/g, '');
  return code.length === LENGTH && [...code].every((c) => ALPHABET.includes(c)) ? code : undefined;
}

export function hashRecoveryCode(raw: string): string | undefined {
  const code = normaliseRecoveryCode(raw);
  return code && createHash('sha256').update(`bulkhead-recovery:${code}`).digest('hex');
}
