import { beforeAll, describe, expect, it } from 'vitest';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, type SeededTenant } from '@/test/fixtures';
import { createTenant, resolveMembership, signUp, UniqueTakenError, userForOAuth, userForSignIn, userTenants } from './lookups';

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

  it('sign-up creates user, tenant and owner membership together, and refuses a taken email or slug without half-writing', async () => {
    const { userId, tenantId } = await signUp({ email: 'Founder@New.test', name: 'F', passwordHash: 'h', tenantName: 'New Co', slug: 'new-co' });
    expect(await resolveMembership('new-co', userId)).toMatchObject({ tenantId, role: 'owner' });
    expect((await userForSignIn('founder@new.test'))?.id).toBe(userId);
    await expect(signUp({ email: 'founder@new.test', name: 'F', passwordHash: 'h', tenantName: 'Other', slug: 'other-co' })).rejects.toMatchObject({ field: 'email' });
    await expect(signUp({ email: 'someone@new.test', name: 'S', passwordHash: 'h', tenantName: 'Acme again', slug: 'acme' })).rejects.toBeInstanceOf(UniqueTakenError);
    expect(await userForSignIn('someone@new.test')).toBeUndefined(); // the user of the failed sign-up was rolled back
    await expect(createTenant({ userId, tenantName: 'Dup', slug: 'globex' })).rejects.toMatchObject({ field: 'slug' });
  });

  it('an OAuth sign-in finds or creates the account for the verified email, once', async () => {
    const first = await userForOAuth('Octo@GitHub.test', 'Octo');
    const again = await userForOAuth('octo@github.test', 'Octo Cat');
    expect(again.id).toBe(first.id);
    expect(await userTenants(first.id)).toEqual([]);
  });
});
