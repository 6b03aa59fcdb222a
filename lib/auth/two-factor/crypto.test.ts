import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { startupProblem } from '@/lib/startup-checks';

import { decryptSecret, encryptSecret, twoFactorKey, twoFactorKeyProblem } from './crypto';
import { hashRecoveryCode, newRecoveryCodes, normaliseRecoveryCode, RECOVERY_CODE_COUNT } from './recovery';
import { codeAt, matchingStep, newSecret, otpauthUri } from './totp';

describe('two-factor secret encryption', () => {
  const key = randomBytes(32);

  it('round-trips, with a fresh IV each time (the same secret never encrypts the same twice)', () => {
    const a = encryptSecret('JBSWY3DPEHPK3PXP', key);
    const b = encryptSecret('JBSWY3DPEHPK3PXP', key);
    expect(a).not.toBe(b);
    expect(a).not.toContain('JBSWY3DPEHPK3PXP');
    expect(decryptSecret(a, key)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a tampered value and another key (GCM authenticates)', () => {
    const stored = encryptSecret('JBSWY3DPEHPK3PXP', key);
    const [v, iv, tag, ct] = stored.split(':');
    const flipped = Buffer.from(ct!, 'base64url');
    flipped[0]! ^= 1;
    expect(decryptSecret([v, iv, tag, flipped.toString('base64url')].join(':'), key)).toBeUndefined();
    expect(decryptSecret(stored, randomBytes(32))).toBeUndefined();
    expect(decryptSecret('not encrypted', key)).toBeUndefined();
  });

  it('takes TWO_FACTOR_KEY (32 bytes, base64) or derives a stable key from AUTH_SECRET', () => {
    const configured = randomBytes(32).toString('base64');
    expect(twoFactorKey({ TWO_FACTOR_KEY: configured }).equals(Buffer.from(configured, 'base64'))).toBe(true);
    const derived = twoFactorKey({ AUTH_SECRET: 'secret one' });
    expect(derived).toHaveLength(32);
    expect(twoFactorKey({ AUTH_SECRET: 'secret one' }).equals(derived)).toBe(true);
    expect(twoFactorKey({ AUTH_SECRET: 'secret two' }).equals(derived)).toBe(false);
  });

  it('names a malformed TWO_FACTOR_KEY instead of using it', () => {
    expect(twoFactorKeyProblem(randomBytes(16).toString('base64'))).toMatch(/32 bytes/);
    expect(twoFactorKeyProblem('not base64 at all!')).toMatch(/32 bytes/);
    expect(twoFactorKeyProblem(undefined)).toBeUndefined();
    expect(() => twoFactorKey({ TWO_FACTOR_KEY: 'short' })).toThrow(/TWO_FACTOR_KEY/);
    // …and the server refuses to start with one.
    expect(startupProblem({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(44), TWO_FACTOR_KEY: 'short' })).toMatch(
      /TWO_FACTOR_KEY must be 32 bytes/,
    );
    expect(
      startupProblem({ NODE_ENV: 'production', AUTH_SECRET: 'x'.repeat(44), TWO_FACTOR_KEY: randomBytes(32).toString('base64') }),
    ).toBeUndefined();
  });
});

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 SHA-1 test vector', () => {
    // RFC 6238 appendix B: secret "12345678901234567890", T = 59 s → 94287082 (8 digits); 6 digits: 287082.
    const secret = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(codeAt(secret, 59_000)).toBe('287082');
    expect(matchingStep(secret, '287082', 59_000)).toBe(1);
  });

  it('accepts the current step and one either side, nothing further', () => {
    const secret = newSecret();
    const now = 1_800_000_000_000;
    const step = Math.floor(now / 30_000);
    expect(matchingStep(secret, codeAt(secret, now), now)).toBe(step);
    expect(matchingStep(secret, codeAt(secret, now - 30_000), now)).toBe(step - 1);
    expect(matchingStep(secret, codeAt(secret, now + 30_000), now)).toBe(step + 1);
    expect(matchingStep(secret, codeAt(secret, now - 60_000), now)).toBeUndefined();
    expect(matchingStep(secret, codeAt(secret, now + 60_000), now)).toBeUndefined();
  });

  it('accepts a code typed with spaces, refuses anything that is not six digits', () => {
    const secret = newSecret();
    const now = Date.now();
    const code = codeAt(secret, now);
    expect(matchingStep(secret, `${code.slice(0, 3)} ${code.slice(3)}`, now)).toBeDefined();
    expect(matchingStep(secret, '12345', now)).toBeUndefined();
    expect(matchingStep(secret, 'abcdef', now)).toBeUndefined();
  });

  it('builds the otpauth URI authenticator apps read', () => {
    const uri = otpauthUri('JBSWY3DPEHPK3PXP', 'ada@example.test');
    expect(uri).toMatch(/^otpauth:\/\/totp\/Bulkhead:ada%40example\.test\?/);
    expect(new URL(uri).searchParams.get('secret')).toBe('JBSWY3DPEHPK3PXP');
    expect(new URL(uri).searchParams.get('issuer')).toBe('Bulkhead');
    expect(newSecret()).toMatch(/^[A-Z2-7]{32}$/); // 160 bits
  });
});

describe('recovery codes', () => {
  it('are ten distinct XXXX-XXXX-XXXX-XXXX codes', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(RECOVERY_CODE_COUNT);
    expect(new Set(codes).size).toBe(RECOVERY_CODE_COUNT);
    for (const code of codes) expect(code).toMatch(/^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/);
  });

  it('hash the same however they are typed, and refuse what cannot be one', () => {
    const [code] = newRecoveryCodes(1);
    expect(hashRecoveryCode(code!.toLowerCase().replaceAll('-', ' '))).toBe(hashRecoveryCode(code!));
    expect(hashRecoveryCode(code!)).toMatch(/^[0-9a-f]{64}$/);
    expect(normaliseRecoveryCode('ABCD-EFGH')).toBeUndefined();
    expect(hashRecoveryCode('0000-0000-0000-0000')).toBeUndefined(); // 0 is not in the alphabet
  });
});
