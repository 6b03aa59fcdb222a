import { beforeAll, describe, expect, it } from 'vitest';

import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, type SeededTenant } from '@/test/fixtures';

import { createTenant, resolveMembership, signUpPending, userForOAuth, userForSignIn, userSession, userTenants } from './definer-functions';

// The pre-tenant lookups answer exactly their question, and nothing about anyone else.

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;
let globex: SeededTenant;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
  globex = await seedTenant(database.current.urls.ops, 'globex');
});

describe('pre-tenant lookups', () => {
  it('resolveMembership answers for a member and the same nothing for a non-member and an unknown slug', async () => {
    expect(await resolveMembership('acme', acme.userId)).toMatchObject({ tenantId: acme.id, role: 'owner', status: 'active' });
    expect(await resolveMembership('globex', acme.userId)).toBeUndefined();
    expect(await resolveMembership('no-such-tenant', acme.userId)).toBeUndefined();
  });

  it('userTenants lists only the user’s own tenants', async () => {
    expect((await userTenants(globex.userId)).map((t) => t.slug)).toEqual(['globex']);
  });

  it('sign-up creates user, tenant and owner membership together, unverified; a taken email creates nothing; a taken slug is refused first', async () => {
    const pending = (email: string, slug: string, tokenHash: string) =>
      signUpPending({
        email,
        name: 'F',
        passwordHash: 'h',
        tenantName: 'New Co',
        slug,
        tokenHash,
        expiresAt: new Date(Date.now() + 60_000),
      });
    const { userId, created } = await pending('Founder@New.test', 'new-co', 'a'.repeat(64));
    expect(created).toBe(true);
    expect(await resolveMembership('new-co', userId)).toMatchObject({ role: 'owner' });
    expect((await userForSignIn('founder@new.test'))?.id).toBe(userId);
    expect(await userSession(userId)).toMatchObject({ emailVerified: false });
    // The same address again: the existing account, nothing created, no error to tell them apart.
    const again = await pending('founder@new.test', 'other-co', 'b'.repeat(64));
    expect(again).toMatchObject({ userId, created: false });
    expect(await userTenants(userId)).toHaveLength(1);
    // …though it rehearsed a new sign-up to take as long (migration 20261203000100): the rehearsal
    // kept nothing, so its workspace address and token are still free.
    expect((await pending('later@new.test', 'other-co', 'b'.repeat(64))).created).toBe(true);
    // A taken slug is refused whatever the email — before the email is looked at.
    await expect(pending('someone@new.test', 'acme', 'c'.repeat(64))).rejects.toMatchObject({ field: 'slug' });
    await expect(pending('founder@new.test', 'acme', 'd'.repeat(64))).rejects.toMatchObject({ field: 'slug' });
    expect(await userForSignIn('someone@new.test')).toBeUndefined(); // nothing half-written
    await expect(createTenant({ userId, tenantName: 'Dup', slug: 'globex' })).rejects.toMatchObject({ field: 'slug' });
  });

  it('an OAuth sign-in finds or creates the account for the verified email, once', async () => {
    const first = await userForOAuth('Octo@GitHub.test', 'Octo');
    const again = await userForOAuth('octo@github.test', 'Octo Cat');
    expect(again.id).toBe(first.id);
    expect(again.passwordCleared).toBe(false);
    expect(await userTenants(first.id)).toEqual([]);
    expect(await userSession(first.id)).toMatchObject({ emailVerified: true });
  });

  it('linking OAuth to an account registered with a password clears the password, verifies the address and ends its sessions', async () => {
    // Someone registered the CFO's address first, without proving it.
    const squatter = await signUpPending({
      email: 'cfo@victim.test',
      name: 'Not the CFO',
      passwordHash: 'squatter-hash',
      tenantName: 'Trap',
      slug: 'trap-co',
      tokenHash: 'e'.repeat(64),
      expiresAt: new Date(Date.now() + 60_000),
    });
    const before = await userSession(squatter.userId);
    const linked = await userForOAuth('CFO@victim.test', 'The CFO');
    expect(linked).toMatchObject({ id: squatter.userId, passwordCleared: true });
    expect(linked.sessionVersion).toBe(before!.sessionVersion + 1);
    expect((await userForSignIn('cfo@victim.test'))?.passwordHash).toBeNull(); // the squatter's password no longer works
    expect(await userSession(squatter.userId)).toMatchObject({ emailVerified: true });
  });
});
