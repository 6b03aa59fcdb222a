import { beforeAll, describe, expect, it } from 'vitest';

import { AppError } from '@/lib/errors';
import { setTwoFactorRule, twoFactorRule } from '@/lib/settings/service';
import { runInTenant } from '@/lib/tenancy';
import { resolveMembership, twoFactorClaimPass, twoFactorState } from '@/lib/tenancy/definer-functions';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { FREE_ATTEMPTS_PER_PAIR } from '../throttle';
import {
  checkCode,
  confirmEnrolment,
  disableTwoFactor,
  hashNonce,
  recordStepUp,
  replaceRecoveryCodes,
  startEnrolment,
  twoFactorStatus,
} from './service';
import { ACCOUNT_ATTEMPTS, guardedCode } from './throttle';
import { codeAt } from './totp';

// Two-factor sign-in against a real database, as the runtime role: enrolment, codes accepted once,
// recovery codes used once, the step-up pass, the workspace rule, and the throttle around codes.

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;
let globex: SeededTenant;
const STEP = 30_000;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme', 1);
  globex = await seedTenant(database.current.urls.ops, 'globex', 1);
});

/** A fresh user (and membership in acme), enrolled and confirmed at `now`; returns its secret and recovery codes. */
async function enrolledUser(label: string, now = Date.now()) {
  const userId = await withClient(database.current.urls.ops, async (db) => {
    const { rows } = await db.query<{ id: string }>(`INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id`, [
      `${label}@two-factor.test`,
      label,
    ]);
    await db.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'member')`, [acme.id, rows[0]!.id]);
    return rows[0]!.id;
  });
  const { secret } = await startEnrolment({ id: userId, email: `${label}@two-factor.test` });
  const recoveryCodes = await confirmEnrolment(userId, codeAt(secret, now), now);
  expect(recoveryCodes).toHaveLength(10);
  return { userId, secret, recoveryCodes: recoveryCodes! };
}

describe('enrolment', () => {
  it('shows the same unconfirmed secret until it is confirmed, with a QR code of its otpauth URI', async () => {
    const first = await startEnrolment({ id: globex.userId, email: 'owner@globex.test' });
    const again = await startEnrolment({ id: globex.userId, email: 'owner@globex.test' });
    expect(again.secret).toBe(first.secret);
    expect(first.uri).toContain(`secret=${first.secret}`);
    expect(first.qrSvg).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
    expect((await twoFactorStatus(globex.userId)).enabled).toBe(false);
  });

  it('refuses a wrong first code and stays off; a right one turns it on with ten recovery codes', async () => {
    const userId = globex.userId;
    const { secret } = await startEnrolment({ id: userId, email: 'owner@globex.test' });
    const now = Date.now();
    expect(await confirmEnrolment(userId, codeAt(secret, now - 5 * STEP), now)).toBeUndefined();
    expect(await confirmEnrolment(userId, 'nonsense', now)).toBeUndefined();
    expect((await twoFactorStatus(userId)).enabled).toBe(false);
    expect((await resolveMembership('globex', userId))?.userTwoFactor).toBe(false);
    const codes = await confirmEnrolment(userId, codeAt(secret, now), now);
    expect(codes).toHaveLength(10);
    expect(await twoFactorStatus(userId)).toEqual({ enabled: true, recoveryCodesLeft: 10 });
    expect((await resolveMembership('globex', userId))?.userTwoFactor).toBe(true);
    // The code that confirmed enrolment cannot sign in afterwards.
    expect(await checkCode(userId, codeAt(secret, now), { allowRecovery: true, now })).toEqual({ ok: false, reason: 'used' });
    // Once on, the secret is never shown again nor replaced.
    await expect(startEnrolment({ id: userId, email: 'owner@globex.test' })).rejects.toThrow(AppError);
    await disableTwoFactor(userId);
  });

  it('stores the secret encrypted and the recovery codes hashed; the runtime role cannot read the table', async () => {
    const { userId, secret, recoveryCodes } = await enrolledUser('stored');
    const raw = await withClient(database.current.urls.ops, (db) =>
      db.query<{ secret_encrypted: string; recovery_code_hashes: string[] }>(
        'SELECT secret_encrypted, recovery_code_hashes FROM user_two_factor WHERE user_id = $1',
        [userId],
      ),
    );
    const row = raw.rows[0]!;
    expect(row.secret_encrypted).toMatch(/^v1:/);
    expect(row.secret_encrypted).not.toContain(secret);
    expect(row.recovery_code_hashes).toHaveLength(10);
    for (const code of recoveryCodes) expect(row.recovery_code_hashes.join()).not.toContain(code.replaceAll('-', ''));
    await expect(withClient(database.current.urls.app, (db) => db.query('SELECT * FROM user_two_factor'))).rejects.toThrow(
      /permission denied/,
    );
    await expect(withClient(database.current.urls.app, (db) => db.query('UPDATE user_two_factor SET enabled_at = now()'))).rejects.toThrow(
      /permission denied/,
    );
  });
});

describe('codes', () => {
  it('accepts a TOTP code once: the same code again is refused as used (replay)', async () => {
    const now = Date.now();
    const { userId, secret } = await enrolledUser('replay', now - 3 * STEP);
    expect(await checkCode(userId, codeAt(secret, now), { allowRecovery: true, now })).toEqual({ ok: true, method: 'totp' });
    expect(await checkCode(userId, codeAt(secret, now), { allowRecovery: true, now })).toEqual({ ok: false, reason: 'used' });
    // An older code inside the window is refused too once a newer step was used.
    expect(await checkCode(userId, codeAt(secret, now - STEP), { allowRecovery: true, now })).toEqual({ ok: false, reason: 'used' });
    // The next step's code is fine.
    expect(await checkCode(userId, codeAt(secret, now + STEP), { allowRecovery: true, now: now + STEP })).toEqual({
      ok: true,
      method: 'totp',
    });
    expect(await checkCode(userId, '000000', { allowRecovery: true, now: now + 2 * STEP })).toMatchObject({ ok: false });
  });

  it('lets exactly one of ten parallel requests with the same code through', async () => {
    const now = Date.now();
    const { userId, secret } = await enrolledUser('parallel', now - 3 * STEP);
    const results = await Promise.all(
      Array.from({ length: 10 }, () => checkCode(userId, codeAt(secret, now), { allowRecovery: false, now })),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok && r.reason === 'used')).toHaveLength(9);
  });

  it('accepts each recovery code once, in any case and spacing; used or unknown ones are refused', async () => {
    const { userId, recoveryCodes } = await enrolledUser('recovery');
    const [first, second] = recoveryCodes;
    expect(await checkCode(userId, first!.toLowerCase(), { allowRecovery: true })).toEqual({
      ok: true,
      method: 'recovery',
      recoveryCodesLeft: 9,
    });
    expect(await checkCode(userId, first!, { allowRecovery: true })).toEqual({ ok: false, reason: 'wrong' });
    expect(await checkCode(userId, 'ABCD-EFGH-JKLM-NPQR', { allowRecovery: true })).toEqual({ ok: false, reason: 'wrong' });
    // Not where only an app code counts (new recovery codes).
    expect(await checkCode(userId, second!, { allowRecovery: false })).toEqual({ ok: false, reason: 'wrong' });
    const parallel = await Promise.all(Array.from({ length: 8 }, () => checkCode(userId, second!, { allowRecovery: true })));
    expect(parallel.filter((r) => r.ok)).toHaveLength(1);
    expect(await twoFactorStatus(userId)).toEqual({ enabled: true, recoveryCodesLeft: 8 });
  });

  it('new recovery codes replace the old ones', async () => {
    const { userId, recoveryCodes } = await enrolledUser('regenerate');
    const fresh = await replaceRecoveryCodes(userId);
    expect(fresh.some((c) => recoveryCodes.includes(c))).toBe(false);
    expect(await checkCode(userId, recoveryCodes[0]!, { allowRecovery: true })).toEqual({ ok: false, reason: 'wrong' });
    expect(await checkCode(userId, fresh[0]!, { allowRecovery: true })).toMatchObject({ ok: true, method: 'recovery' });
  });

  it('turning two-factor off removes the secret and the recovery codes', async () => {
    const { userId, secret, recoveryCodes } = await enrolledUser('disable');
    await disableTwoFactor(userId);
    expect(await twoFactorState(userId)).toBeUndefined();
    expect(await checkCode(userId, codeAt(secret), { allowRecovery: true })).toEqual({ ok: false, reason: 'not_enrolled' });
    expect(await checkCode(userId, recoveryCodes[0]!, { allowRecovery: true })).toEqual({ ok: false, reason: 'not_enrolled' });
    expect((await resolveMembership('acme', userId))?.userTwoFactor).toBe(false);
  });
});

describe('step-up pass', () => {
  it('is claimed once, only with the nonce it was recorded for', async () => {
    const { userId } = await enrolledUser('pass');
    expect(await twoFactorClaimPass(userId, hashNonce('never recorded'))).toBe(false);
    expect(await recordStepUp(userId, 'nonce-a')).toBe(true);
    expect(await twoFactorClaimPass(userId, hashNonce('nonce-b'))).toBe(false);
    expect(await twoFactorClaimPass(userId, hashNonce('nonce-a'))).toBe(true);
    expect(await twoFactorClaimPass(userId, hashNonce('nonce-a'))).toBe(false);
  });

  it('is not recorded for someone without two-factor', async () => {
    expect(await recordStepUp(acme.userId, 'nonce')).toBe(false);
  });
});

describe('throttling codes', () => {
  it(`checks at most ${FREE_ATTEMPTS_PER_PAIR} of 20 parallel wrong codes from one address`, async () => {
    const { userId } = await enrolledUser('throttled');
    let checks = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        guardedCode(userId, '192.0.2.10', async () => {
          checks++;
          return undefined;
        }),
      ),
    );
    expect(checks).toBeLessThanOrEqual(FREE_ATTEMPTS_PER_PAIR);
    expect(results.filter((r) => r.outcome === 'throttled').length).toBeGreaterThanOrEqual(20 - FREE_ATTEMPTS_PER_PAIR);
  });

  it(`stops an account at ${ACCOUNT_ATTEMPTS} wrong codes however many addresses they come from`, async () => {
    const { userId } = await enrolledUser('spread');
    let checks = 0;
    for (let i = 0; i < ACCOUNT_ATTEMPTS + 5; i++) {
      await guardedCode(userId, `198.51.100.${i + 1}`, async () => {
        checks++;
        return undefined;
      });
    }
    expect(checks).toBe(ACCOUNT_ATTEMPTS);
    expect((await guardedCode(userId, '203.0.113.200', async () => 'right')).outcome).toBe('throttled');
  });
});

describe('the workspace rule', () => {
  const asOwner = <T>(work: () => Promise<T>) =>
    runInTenant({ tenantId: acme.id, actorType: 'user', actorId: acme.userId, actorLabel: 'owner@acme.test', role: 'owner' }, work);

  it('cannot be turned on by someone without two-factor; is reported by the membership lookup once on', async () => {
    await expect(asOwner(() => setTwoFactorRule(true, { userTwoFactor: false }))).rejects.toThrow(
      /Turn on two-factor sign-in for your own account first/,
    );
    expect(await asOwner(() => twoFactorRule())).toBe(false);
    expect((await resolveMembership('acme', acme.userId))?.requireTwoFactor).toBe(false);
    await asOwner(() => setTwoFactorRule(true, { userTwoFactor: true }));
    expect(await resolveMembership('acme', acme.userId)).toMatchObject({ requireTwoFactor: true, userTwoFactor: false });
    // Another workspace is untouched, and a non-member still learns nothing.
    expect((await resolveMembership('globex', globex.userId))?.requireTwoFactor).toBe(false);
    expect(await resolveMembership('acme', globex.userId)).toBeUndefined();
    await asOwner(() => setTwoFactorRule(false, { userTwoFactor: false }));
    expect((await resolveMembership('acme', acme.userId))?.requireTwoFactor).toBe(false);
    const events = await withClient(database.current.urls.ops, (db) =>
      db.query<{ metadata: unknown }>(
        `SELECT metadata FROM audit_events WHERE tenant_id = $1 AND action = 'tenant.two_factor_rule_changed' ORDER BY created_at, id`,
        [acme.id],
      ),
    );
    expect(events.rows.map((r) => r.metadata)).toEqual([
      { before: false, after: true },
      { before: true, after: false },
    ]);
  });
});
