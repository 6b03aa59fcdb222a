import { randomBytes } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { AppError } from '@/lib/errors';
import { runInTenant, tenantDb } from '@/lib/tenancy';
import { addMember, createKey, setPlan, uniqueSlug } from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { manualPlanProvider, PLAN_NAMES, PLANS, planUsage, type PlanName } from './plans';

// Plans and how a tenant moves between them: the manual provider applies a change at once through
// bulkhead.change_plan() and audits it; a downgrade that would leave the tenant above the new
// plan's quotas is refused; and the runtime role has no other way to change its plan.

const database = setupTestDatabase();
pointAppAt(database);
const ops = () => database.current.urls.ops;

const asOwner = <T>(t: SeededTenant, work: () => Promise<T>, requestId = `req-${randomBytes(4).toString('hex')}`) =>
  runInTenant({ tenantId: t.id, actorType: 'user', actorId: t.userId, actorLabel: `owner@${t.slug}.test`, role: 'owner', requestId }, work);

const planOf = (tenantId: string) =>
  withClient(ops(), async (db) => (await db.query<{ plan: PlanName }>('SELECT plan FROM tenants WHERE id = $1', [tenantId])).rows[0]!.plan);

const planEvents = (tenantId: string) =>
  withClient(
    ops(),
    async (db) =>
      (
        await db.query('SELECT * FROM audit_events WHERE tenant_id = $1 AND action = $2 ORDER BY created_at', [
          tenantId,
          'billing.plan_changed',
        ])
      ).rows,
  );

async function refusal(work: Promise<unknown>): Promise<AppError> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('the plan table', () => {
  it.each(PLAN_NAMES.map((p) => [p]))('on %s, one key’s request budget is below its tenant’s', (plan) => {
    expect(PLANS[plan].keyRequestsPerMinute).toBeLessThan(PLANS[plan].tenantRequestsPerMinute);
  });

  it('every quota grows (or becomes unlimited) from free to pro to enterprise', () => {
    const at = (limit: number | null) => limit ?? Number.POSITIVE_INFINITY;
    for (const [lower, higher] of [
      ['free', 'pro'],
      ['pro', 'enterprise'],
    ] as const) {
      for (const field of ['ordersPerMonth', 'members', 'apiKeys', 'tenantRequestsPerMinute', 'keyRequestsPerMinute'] as const) {
        expect(at(PLANS[higher][field]), `${higher}.${field}`).toBeGreaterThan(at(PLANS[lower][field]));
      }
    }
  });
});

describe('manualPlanProvider.changePlan', () => {
  it('moves the tenant in context to the new plan and audits who did it, in that tenant only', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const globex = await seedTenant(ops(), uniqueSlug('globex'), 1);

    const result = await asOwner(acme, () => manualPlanProvider.changePlan('pro'), 'req-upgrade');
    expect(result).toEqual({ applied: true, from: 'free' });
    expect(await planOf(acme.id)).toBe('pro');
    expect(await planOf(globex.id)).toBe('free');

    const [event, ...more] = await planEvents(acme.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({
      actor_type: 'user',
      actor_id: acme.userId,
      actor_label: `owner@${acme.slug}.test`,
      target_type: 'tenant',
      target_id: acme.id,
      request_id: 'req-upgrade',
      metadata: { from: 'free', to: 'pro', provider: 'manual' },
    });
    expect(await planEvents(globex.id)).toEqual([]);
  });

  it('changing to the plan the tenant already has records nothing', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    expect(await asOwner(acme, () => manualPlanProvider.changePlan('free'))).toEqual({ applied: true, from: 'free' });
    expect(await planEvents(acme.id)).toEqual([]);
  });

  it('refuses a downgrade while members and pending invitations exceed the new plan, until one is gone', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    await setPlan(ops(), acme.id, 'pro');
    // The owner and four more: the free plan's five. One pending invitation makes six.
    for (let i = 0; i < PLANS.free.members! - 1; i++) await addMember(ops(), acme, 'member');
    const invite = (expiresIn: string) =>
      withClient(ops(), (db) =>
        db.query(
          `INSERT INTO invitations (tenant_id, email, role, token_hash, expires_at) VALUES ($1, $2, 'member', $3, now() + $4::interval)`,
          [acme.id, `invitee-${randomBytes(4).toString('hex')}@acme.test`, randomBytes(32).toString('hex'), expiresIn],
        ),
      );
    await invite('-1 day'); // expired: does not count
    await invite('7 days');

    const refused = await refusal(asOwner(acme, () => manualPlanProvider.changePlan('free')));
    expect(refused.code).toBe('conflict');
    expect(refused.detail).toMatch(/allows 5 members and pending invitations; this workspace has 6/);
    expect(await planOf(acme.id)).toBe('pro');
    expect(await planEvents(acme.id)).toEqual([]);

    await withClient(ops(), (db) => db.query(`UPDATE invitations SET revoked_at = now() WHERE tenant_id = $1`, [acme.id]));
    expect(await asOwner(acme, () => manualPlanProvider.changePlan('free'))).toEqual({ applied: true, from: 'pro' });
    expect(await planOf(acme.id)).toBe('free');
  });

  it('refuses a downgrade while active API keys exceed the new plan; revoked keys do not count', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    await setPlan(ops(), acme.id, 'pro');
    for (let i = 0; i <= PLANS.free.apiKeys; i++) await createKey(acme, 'read', `key ${i}`);

    const refused = await refusal(asOwner(acme, () => manualPlanProvider.changePlan('free')));
    expect(refused.code).toBe('conflict');
    expect(refused.detail).toMatch(/allows 2 active API keys; this workspace has 3/);
    expect(await planOf(acme.id)).toBe('pro');

    await withClient(ops(), (db) => db.query(`UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1 AND name = 'key 0'`, [acme.id]));
    expect(await asOwner(acme, () => manualPlanProvider.changePlan('free'))).toEqual({ applied: true, from: 'pro' });
  });

  it('a key requested while a downgrade commits is counted against the new plan, not the old one', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    await setPlan(ops(), acme.id, 'pro');
    for (let i = 0; i < PLANS.free.apiKeys; i++) await createKey(acme, 'read', `key ${i}`);

    let commit!: () => void;
    const held = new Promise<void>((resolve) => (commit = resolve));
    let changed!: () => void;
    const planChanged = new Promise<void>((resolve) => (changed = resolve));
    // The downgrade joins this transaction, which stays open until the key has been requested.
    const downgrade = asOwner(acme, () =>
      tenantDb().$transaction(async () => {
        await manualPlanProvider.changePlan('free');
        changed();
        await held;
      }),
    );
    await planChanged;
    const third = createKey(acme, 'read', 'one too many').then(
      () => 'created',
      (error: unknown) => error,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    commit();
    await downgrade;

    const outcome = await third;
    expect(outcome).toBeInstanceOf(AppError);
    expect((outcome as AppError).code).toBe('quota_exceeded');
    expect(await planOf(acme.id)).toBe('free');
    const active = await withClient(
      ops(),
      async (db) => (await db.query('SELECT 1 FROM api_keys WHERE tenant_id = $1 AND revoked_at IS NULL', [acme.id])).rowCount,
    );
    expect(active).toBe(PLANS.free.apiKeys);
  });

  it('the runtime role cannot change its plan any other way', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    await expect(asOwner(acme, () => tenantDb().tenant.updateMany({ data: { plan: 'enterprise' } }))).rejects.toThrow();
    expect(await planOf(acme.id)).toBe('free');
  });
});

describe('planUsage', () => {
  it('reports what the tenant in context uses of its plan', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 2);
    await seedTenant(ops(), uniqueSlug('globex'), 3);
    await addMember(ops(), acme, 'viewer');
    await createKey(acme, 'read');

    const usage = await asOwner(acme, () => planUsage());
    expect(usage.plan).toBe('free');
    expect(usage.limits).toEqual(PLANS.free);
    expect(Object.fromEntries(usage.usage.map((u) => [u.kind, [u.used, u.limit]]))).toEqual({
      orders: [2, PLANS.free.ordersPerMonth],
      members: [2, PLANS.free.members],
      apiKeys: [1, PLANS.free.apiKeys],
    });
  });
});
