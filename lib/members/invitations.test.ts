import { beforeAll, describe, expect, it, vi } from 'vitest';

import { invitationFromLink } from '@/lib/account/invitations';
import { hashToken, newToken } from '@/lib/auth/tokens';
import { outbox } from '@/lib/mail';
import { runInTenant } from '@/lib/tenancy';
import { acceptInvitation, invitationByToken, signUpInvited, TokenRefusedError } from '@/lib/tenancy/definer-functions';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { changeRole, INVITATIONS_PER_MEMBER_PER_DAY, inviteMember, listMembers, removeMember, revokeInvitation } from './service';

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;
let globex: SeededTenant;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
  globex = await seedTenant(database.current.urls.ops, 'globex');
});

const asOwner = <T>(tenant: SeededTenant, work: () => Promise<T>) =>
  runInTenant(
    { tenantId: tenant.id, actorType: 'user', actorId: tenant.userId, actorLabel: `owner@${tenant.slug}.test`, role: 'owner' },
    work,
  );

/** Invites `email` and returns the token from the link in the mail that was sent. */
async function invite(tenant: SeededTenant, email: string, role: 'admin' | 'member' | 'viewer' = 'member'): Promise<string> {
  await asOwner(tenant, () => inviteMember({ email, role }));
  // Mail leaves after the answer (lib/mail/later.ts): wait for it.
  const mail = await vi.waitFor(() => {
    const found = outbox().find((m) => m.to === email);
    if (!found) throw new Error(`no mail to ${email} yet`);
    return found;
  });
  expect(mail?.link).toMatch(/\/invite\//);
  return mail!.link!.split('/invite/')[1]!;
}

async function createUser(email: string): Promise<string> {
  return withClient(
    database.current.urls.ops,
    async (db) => (await db.query<{ id: string }>(`INSERT INTO users (email, name) VALUES ($1, 'X') RETURNING id`, [email])).rows[0]!.id,
  );
}

describe('invitations', () => {
  it('an accepted invitation makes the invited person a member with the invited role, once', async () => {
    const token = await invite(acme, 'new.member@example.test', 'viewer');
    // What the invitation page reads from the link.
    const preview = await invitationFromLink(token);
    expect(preview).toMatchObject({ tenantSlug: 'acme', email: 'new.member@example.test', role: 'viewer' });
    const created = await signUpInvited({ tokenHash: hashToken(token), name: 'New Member', passwordHash: 'x' });
    expect(created).toMatchObject({ email: 'new.member@example.test', tenantSlug: 'acme' });
    const members = await asOwner(acme, () => listMembers());
    expect(members.find((m) => m.email === 'new.member@example.test')?.role).toBe('viewer');
    // reused
    await expect(acceptInvitation(hashToken(token), created.userId)).rejects.toMatchObject({ reason: 'used' });
  });

  it('a forged token is not found and changes nothing', async () => {
    const forged = newToken();
    expect(await invitationByToken(forged.hash)).toBeUndefined();
    expect(await invitationFromLink(forged.token)).toBeUndefined();
    // Not shaped like a token at all: refused before the database is asked.
    expect(await invitationFromLink('../acme')).toBeUndefined();
    const userId = await createUser('forger@example.test');
    await expect(acceptInvitation(forged.hash, userId)).rejects.toMatchObject({ reason: 'not_found' });
    expect((await asOwner(acme, () => listMembers())).some((m) => m.userId === userId)).toBe(false);
  });

  it('an invitation cannot be accepted by an account with another email', async () => {
    const token = await invite(acme, 'intended@example.test');
    const otherUser = await createUser('someone.else@example.test');
    await expect(acceptInvitation(hashToken(token), otherUser)).rejects.toMatchObject({ reason: 'other_email' });
    // positive control: the intended person can
    const intended = await createUser('intended@example.test');
    expect(await acceptInvitation(hashToken(token), intended)).toBe('acme');
  });

  it('an expired invitation is refused', async () => {
    const token = await invite(acme, 'late@example.test');
    await withClient(database.current.urls.ops, (db) =>
      db.query(`UPDATE invitations SET expires_at = now() - interval '1 minute' WHERE token_hash = $1`, [hashToken(token)]),
    );
    const user = await createUser('late@example.test');
    const error = await acceptInvitation(hashToken(token), user).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRefusedError);
    expect(error).toMatchObject({ reason: 'expired' });
  });

  it('a withdrawn invitation is refused, and another tenant cannot withdraw one', async () => {
    const token = await invite(acme, 'withdrawn@example.test');
    const preview = await invitationByToken(hashToken(token));
    await expect(asOwner(globex, () => revokeInvitation(preview!.invitationId))).rejects.toMatchObject({ code: 'not_found' });
    await asOwner(acme, () => revokeInvitation(preview!.invitationId));
    const user = await createUser('withdrawn@example.test');
    await expect(acceptInvitation(hashToken(token), user)).rejects.toMatchObject({ reason: 'used' });
  });

  it('inviting an existing member or, as an admin, an owner is refused with a field error', async () => {
    await expect(asOwner(acme, () => inviteMember({ email: 'owner@acme.test', role: 'member' }))).rejects.toMatchObject({
      code: 'conflict',
      fieldErrors: { email: [expect.stringContaining('already a member')] },
    });
    await expect(
      runInTenant({ tenantId: acme.id, actorType: 'user', actorId: acme.userId, role: 'admin' }, () =>
        inviteMember({ email: 'boss@example.test', role: 'owner' as never }),
      ),
    ).rejects.toMatchObject({ code: 'forbidden' });
  });
});

describe('member changes', () => {
  it('the last owner can be neither demoted nor removed; a second owner makes both possible', async () => {
    await expect(asOwner(acme, () => changeRole({ userId: acme.userId, role: 'admin' }))).rejects.toMatchObject({ code: 'forbidden' });
    await expect(asOwner(acme, () => removeMember({ userId: acme.userId }))).rejects.toMatchObject({ code: 'forbidden' });
    const token = await invite(acme, 'second.owner@example.test', 'admin');
    const second = await createUser('second.owner@example.test');
    await acceptInvitation(hashToken(token), second);
    await asOwner(acme, () => changeRole({ userId: second, role: 'owner' }));
    await asOwner(acme, () => changeRole({ userId: acme.userId, role: 'admin' }));
    const roles = Object.fromEntries((await asOwner(acme, () => listMembers())).map((m) => [m.userId, m.role]));
    expect(roles[second]).toBe('owner');
    expect(roles[acme.userId]).toBe('admin');
  });

  it('a member of another tenant cannot be changed or removed (404, as if absent)', async () => {
    await expect(asOwner(acme, () => changeRole({ userId: globex.userId, role: 'viewer' }))).rejects.toMatchObject({ code: 'not_found' });
    await expect(asOwner(acme, () => removeMember({ userId: globex.userId }))).rejects.toMatchObject({ code: 'not_found' });
  });

  it('removing a member revokes their API keys and the invitations they sent, in the same transaction', async () => {
    const adminId = await createUser('departing.admin@example.test');
    const ids = await withClient(database.current.urls.ops, async (db) => {
      await db.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'admin')`, [acme.id, adminId]);
      const key = await db.query<{ id: string }>(
        `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scope, created_by) VALUES ($1, 'departing', 'bk_x', $2, 'read_write', $3) RETURNING id`,
        [acme.id, 'f'.repeat(64), adminId],
      );
      const invitation = await db.query<{ id: string }>(
        `INSERT INTO invitations (tenant_id, email, role, token_hash, invited_by, expires_at) VALUES ($1, 'friend@example.test', 'admin', $2, $3, now() + interval '1 day') RETURNING id`,
        [acme.id, newToken().hash, adminId],
      );
      return { key: key.rows[0]!.id, invitation: invitation.rows[0]!.id };
    });
    await asOwner(acme, () => removeMember({ userId: adminId }));
    const after = await withClient(database.current.urls.ops, async (db) => ({
      key: (await db.query(`SELECT revoked_at FROM api_keys WHERE id = $1`, [ids.key])).rows[0],
      invitation: (await db.query(`SELECT revoked_at FROM invitations WHERE id = $1`, [ids.invitation])).rows[0],
      audit: (
        await db.query(`SELECT metadata FROM audit_events WHERE tenant_id = $1 AND action = 'member.removed' AND target_id = $2`, [
          acme.id,
          adminId,
        ])
      ).rows[0],
    }));
    expect(after.key.revoked_at).not.toBeNull();
    expect(after.invitation.revoked_at).not.toBeNull();
    expect(after.audit.metadata).toMatchObject({ apiKeysRevoked: 1, invitationsRevoked: 1 });
  });

  it(`a member may send at most ${INVITATIONS_PER_MEMBER_PER_DAY} invitations a day, even in parallel`, async () => {
    // Enterprise: no member quota, so the daily cap is what refuses.
    await withClient(database.current.urls.ops, (db) => db.query(`UPDATE tenants SET plan = 'enterprise' WHERE id = $1`, [globex.id]));
    const results = await Promise.allSettled(
      Array.from({ length: INVITATIONS_PER_MEMBER_PER_DAY + 5 }, (_, i) =>
        asOwner(globex, () => inviteMember({ email: `bulk${i}@example.test`, role: 'viewer' })),
      ),
    );
    const refused = results.filter((r) => r.status === 'rejected');
    expect(results.length - refused.length).toBe(INVITATIONS_PER_MEMBER_PER_DAY);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toMatchObject({ code: 'rate_limited' });
  });
});
