import type { Placement } from '@bulkhead/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createApiKey, listApiKeys } from '@/lib/api-keys/service';
import { listAuditEvents } from '@/lib/audit-log/service';
import { lastSixMonths } from '@/lib/billing/dashboard';
import { manualPlanProvider, planUsage } from '@/lib/billing/plans';
import { revenueReport } from '@/lib/billing/report';
import { createCustomer, listCustomers } from '@/lib/customers/service';
import { placeInDatabase, placeInSchema } from '@/lib/db/tiers';
import { changeRole, listMembers } from '@/lib/members/service';
import { createOrder, markOrderPaid } from '@/lib/orders/service';
import { tenantSettings } from '@/lib/settings';
import { pointAppAt } from '@/test/app-env';
import { dedicatedServer, setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { runInTenant } from './index';

// The app's own services — through the process-wide tenantDb() and controlPlaneDb(), as pages,
// actions and the API call them — for a tenant of each tier. The report and the dashboard are raw
// SQL with unqualified names; the members service reads memberships joined with users; the audit
// log merges its two homes. Each result is compared with what the tenant's own placement holds.

const database = setupTestDatabase();
pointAppAt(database);
const second = dedicatedServer();

const tenants: Record<'acme' | 'initech' | 'hooli', { seeded: SeededTenant; placement: Placement }> = {} as never;

beforeAll(async () => {
  const ops = database.current.urls.ops;
  const [acme, initech, hooli] = [await seedTenant(ops, 'acme'), await seedTenant(ops, 'initech'), await seedTenant(ops, 'hooli')];
  await placeInSchema(database.current.urls, initech.id, 't_initech');
  const hooliDatabase = second.newName();
  await placeInDatabase(database.current.urls, hooli.id, {
    target: second.target,
    database: hooliDatabase,
    rolePrefix: second.rolePrefix,
    template: second.template,
  });
  tenants.acme = { seeded: acme, placement: { tier: 'shared' } };
  tenants.initech = { seeded: initech, placement: { tier: 'schema', schema: 't_initech' } };
  tenants.hooli = { seeded: hooli, placement: { tier: 'database', target: 'second', database: hooliDatabase } };
  // The app reaches the second server as a configured target, with its own runtime role.
  const server = new URL(second.appUrl(hooliDatabase));
  process.env.TENANT_DATABASE_TARGETS = `second=postgres://${server.host}/`;
  // The owners may change roles: the seeded owner becomes an owner of its tenant's plan (pro).
  await withClient(ops, (db) => db.query(`UPDATE tenants SET plan = 'pro'`));
});
afterAll(() => {
  delete process.env.TENANT_DATABASE_TARGETS;
});

const as = <T>(slug: keyof typeof tenants, work: () => Promise<T>) => {
  const { seeded, placement } = tenants[slug];
  return runInTenant(
    {
      tenantId: seeded.id,
      actorType: 'user',
      actorId: seeded.userId,
      actorLabel: `owner@${slug}.test`,
      role: 'owner',
      plan: 'pro',
      placement,
    },
    work,
  );
};

const today = new Date().toISOString().slice(0, 10);
const range = { from: '2020-01-01', to: today, granularity: 'month' as const };

describe.each(['acme', 'initech', 'hooli'] as const)('the services for %s', (slug) => {
  it('lists its own customers and its settings, whatever its tier', async () => {
    const customers = await as(slug, () => listCustomers());
    expect(customers.items.map((c) => c.email).sort()).toEqual([0, 1, 2].map((i) => `c${i}@${slug}.test`));
    expect((await as(slug, () => tenantSettings())).slug).toBe(slug);
  });

  it('reaches its placement with the raw SQL of the report and the dashboard', async () => {
    const report = await as(slug, () => revenueReport(range));
    expect(report.byStatus.reduce((sum, row) => sum + row.orders, 0)).toBe(3);
    expect(report.byStatus.reduce((sum, row) => sum + row.total, 0)).toBe(1000 + 1001 + 1002);
    const dashboard = await as(slug, () => lastSixMonths());
    expect(dashboard.months.at(-1)!.orders).toBe(3);
  });

  it('reads its members from the control plane, and changes them there', async () => {
    const members = await as(slug, () => listMembers());
    expect(members.map((m) => m.email)).toEqual([`owner@${slug}.test`]);
    // The raw SQL of the owner lock runs on the control plane too: the last owner cannot step down.
    await expect(as(slug, () => changeRole({ userId: tenants[slug].seeded.userId, role: 'admin' }))).rejects.toThrow(/owner/i);
  });

  it('writes tenant data to its placement and control-plane rows centrally, and the audit log shows both', async () => {
    const customer = await as(slug, () =>
      createCustomer({ name: 'New', email: `new@${slug}.test`, phone: null, company: null, notes: null }),
    );
    const key = await as(slug, () => createApiKey({ name: `key of ${slug}`, scope: 'read' }));
    const order = await as(slug, () =>
      createOrder({ customerId: customer.id, notes: null, lines: [{ productId: tenants[slug].seeded.productIds[0]!, quantity: 2 }] }),
    );
    await as(slug, () => markOrderPaid(order.id));
    expect((await as(slug, () => listApiKeys())).map((k) => k.id)).toContain(key.id);
    const events = await as(slug, () => listAuditEvents());
    expect(events.items.map((e) => e.action)).toEqual(
      expect.arrayContaining(['customer.created', 'api_key.created', 'order.created', 'order.paid']),
    );
    // Where each one is: the customer event with the customer, the key event with the key.
    const placementUrl =
      slug === 'hooli' ? second.opsUrl((tenants.hooli.placement as { database: string }).database) : database.current.urls.ops;
    const table = slug === 'initech' ? 't_initech.audit_events' : 'public.audit_events';
    const inPlacement = await withClient(placementUrl, (db) =>
      db.query<{ action: string }>(`SELECT action FROM ${table} WHERE tenant_id = $1 ORDER BY action`, [tenants[slug].seeded.id]),
    );
    const central = await withClient(database.current.urls.ops, (db) =>
      db.query<{ action: string }>(`SELECT action FROM public.audit_events WHERE tenant_id = $1 ORDER BY action`, [
        tenants[slug].seeded.id,
      ]),
    );
    if (slug === 'acme') {
      expect(inPlacement.rows.map((r) => r.action)).toEqual(['api_key.created', 'customer.created', 'order.created', 'order.paid']);
    } else {
      expect(inPlacement.rows.map((r) => r.action)).toEqual(['customer.created', 'order.created', 'order.paid']);
      expect(central.rows.map((r) => r.action)).toEqual(['api_key.created']);
    }
    const usage = await as(slug, () => planUsage());
    expect(usage.usage.find((line) => line.kind === 'apiKeys')!.used).toBe(1);
    expect(usage.usage.find((line) => line.kind === 'orders')!.used).toBe(4);
  });
});

it('the plan decides the tier: a plan that does not allow the workspace’s placement is refused', async () => {
  await expect(as('hooli', () => manualPlanProvider.changePlan('free'))).rejects.toThrow(
    "The Free plan keeps a workspace's data in the shared tables; this workspace's data is in a database of its own.",
  );
  await expect(as('initech', () => manualPlanProvider.changePlan('free'))).rejects.toThrow(
    /this workspace's data is in a schema of its own/,
  );
  await expect(as('acme', () => manualPlanProvider.changePlan('free'))).resolves.toMatchObject({ applied: true, from: 'pro' });
  await expect(as('initech', () => manualPlanProvider.changePlan('enterprise'))).resolves.toMatchObject({ applied: true, from: 'pro' });
});
