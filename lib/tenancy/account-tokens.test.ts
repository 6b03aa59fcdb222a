import { beforeAll, describe, expect, it } from 'vitest';

import { newToken } from '@/lib/auth/tokens';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import {
  createPasswordResetToken,
  createVerificationToken,
  redeemAccountToken,
  requestEmailChange,
  setPassword,
  signUpPending,
  TokenRefusedError,
  userSession,
} from './definer-functions';

// Account tokens die with the credentials they were issued against, only the newest link of a kind
// works, verification links verify only the address they were sent to, and expired tokens go.

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;
const soon = () => new Date(Date.now() + 60 * 60_000);
const ownerEmail = () => `owner@${acme.slug}.test`;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
});

async function emailOf(userId: string) {
  return (await userSession(userId))!.email;
}

describe('account tokens', () => {
  it('a password change revokes every open reset and email-change link', async () => {
    const email = await emailOf(acme.userId);
    const reset = newToken();
    const change = newToken();
    await createPasswordResetToken(email, reset.hash, soon());
    await requestEmailChange(acme.userId, 'elsewhere@example.test', change.hash, soon());
    await setPassword(acme.userId, 'new-hash');
    await expect(redeemAccountToken(reset.hash, 'password_reset', 'x')).rejects.toBeInstanceOf(TokenRefusedError);
    await expect(redeemAccountToken(change.hash, 'email_change')).rejects.toBeInstanceOf(TokenRefusedError);
    expect(await emailOf(acme.userId)).toBe(email);
  });

  it('a password reset revokes the other open links, and verifies the address it reached', async () => {
    const user = await signUpPending({
      email: 'resetter@example.test',
      name: 'R',
      passwordHash: 'h',
      tenantName: 'R',
      slug: 'resetter',
      tokenHash: newToken().hash,
      expiresAt: soon(),
    });
    const change = newToken();
    await requestEmailChange(user.userId, 'attacker@example.test', change.hash, soon());
    const reset = newToken();
    await createPasswordResetToken('resetter@example.test', reset.hash, soon());
    await redeemAccountToken(reset.hash, 'password_reset', 'new-hash');
    await expect(redeemAccountToken(change.hash, 'email_change')).rejects.toBeInstanceOf(TokenRefusedError);
    expect(await userSession(user.userId)).toMatchObject({ emailVerified: true, email: 'resetter@example.test' });
  });

  it('an email change says which address it left, and ends the other links', async () => {
    const user = await signUpPending({
      email: 'mover@example.test',
      name: 'M',
      passwordHash: 'h',
      tenantName: 'M',
      slug: 'mover',
      tokenHash: newToken().hash,
      expiresAt: soon(),
    });
    const reset = newToken();
    await createPasswordResetToken('mover@example.test', reset.hash, soon());
    const change = newToken();
    await requestEmailChange(user.userId, 'Moved@Example.test', change.hash, soon());
    expect(await redeemAccountToken(change.hash, 'email_change')).toEqual({
      userId: user.userId,
      oldEmail: 'mover@example.test',
      newEmail: 'moved@example.test',
    });
    await expect(redeemAccountToken(reset.hash, 'password_reset', 'x')).rejects.toBeInstanceOf(TokenRefusedError);
    await expect(redeemAccountToken(change.hash, 'email_change')).rejects.toBeInstanceOf(TokenRefusedError); // single use
  });

  it('only the newest reset link works', async () => {
    const first = newToken();
    const second = newToken();
    await createPasswordResetToken(ownerEmail(), first.hash, soon());
    await createPasswordResetToken(ownerEmail(), second.hash, soon());
    await expect(redeemAccountToken(first.hash, 'password_reset', 'x')).rejects.toBeInstanceOf(TokenRefusedError);
    await expect(redeemAccountToken(second.hash, 'password_reset', 'y')).resolves.toMatchObject({ userId: acme.userId });
  });

  it('a verification link verifies once, only the address it was sent to, and only the newest one works', async () => {
    const sent = newToken();
    const user = await signUpPending({
      email: 'verify@example.test',
      name: 'V',
      passwordHash: 'h',
      tenantName: 'V',
      slug: 'verify-co',
      tokenHash: sent.hash,
      expiresAt: soon(),
    });
    const resent = newToken();
    expect(await createVerificationToken(user.userId, resent.hash, soon())).toMatchObject({ email: 'verify@example.test' });
    await expect(redeemAccountToken(sent.hash, 'email_verify')).rejects.toBeInstanceOf(TokenRefusedError);
    await redeemAccountToken(resent.hash, 'email_verify');
    expect(await userSession(user.userId)).toMatchObject({ emailVerified: true });
    await expect(redeemAccountToken(resent.hash, 'email_verify')).rejects.toBeInstanceOf(TokenRefusedError);
    expect(await createVerificationToken(user.userId, newToken().hash, soon())).toBeUndefined(); // verified: nothing to send

    // A link sent to an address the account no longer has verifies nothing.
    const other = newToken();
    const second = await signUpPending({
      email: 'second@example.test',
      name: 'S',
      passwordHash: 'h',
      tenantName: 'S',
      slug: 'second-co',
      tokenHash: other.hash,
      expiresAt: soon(),
    });
    await withClient(database.current.urls.ops, (db) =>
      db.query(`UPDATE users SET email = 'third@example.test' WHERE id = $1`, [second.userId]),
    );
    await expect(redeemAccountToken(other.hash, 'email_verify')).rejects.toBeInstanceOf(TokenRefusedError);
    expect(await userSession(second.userId)).toMatchObject({ emailVerified: false });
  });

  it('expired tokens are purged when new ones are made; account_tokens does not grow without bound', async () => {
    await withClient(database.current.urls.ops, (db) =>
      db.query(
        `INSERT INTO account_tokens (user_id, purpose, token_hash, expires_at) SELECT $1, 'password_reset', md5(g::text) || md5(g::text), now() - interval '2 days' FROM generate_series(1, 50) g`,
        [acme.userId],
      ),
    );
    await createPasswordResetToken('nobody@example.test', newToken().hash, soon());
    const left = await withClient(
      database.current.urls.ops,
      async (db) =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM account_tokens WHERE expires_at < now() - interval '1 day'`))
          .rows[0]!.n,
    );
    expect(left).toBe(0);
  });
});
