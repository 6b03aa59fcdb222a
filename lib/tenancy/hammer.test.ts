import type { Placement, TenantDbMode } from '@bulkhead/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { placeInDatabase, placeInSchema } from '@/lib/db/tiers';
import { dedicatedServer, setupTestDatabase } from '@/test/db';
import { withClient } from '@/test/fixtures';
import { tenantClients } from '@/test/tenancy';

import type { TenantClient } from './index';

// Many tenants, many concurrent operations, one small pool: every result is checked against the
// exact rows its tenant should get. This is where a tenant carried over on a reused connection,
// or two tenants' requests batched together by Prisma, would show up — as a wrong row or as an
// empty result where a row must exist. The tiers are mixed (docs/tiers.md): some tenants live in a
// schema of their own and some in a database of their own on a second server, and they get a third
// of the operations, so a statement routed to the wrong placement would show up too (their rows
// are no longer in the shared tables).

const TENANTS = 10_000;
const CONCURRENCY = 32;
const PLANS = ['free', 'pro', 'enterprise'] as const;

interface Expected {
  tenantId: string;
  plan: (typeof PLANS)[number];
  orders: Map<string, { total: number; customerId: string }>;
  orderIds: string[];
  ordersByCustomer: Map<string, string[]>;
  sum: number;
  placement: Placement;
}

const SCHEMA_TENANTS = 20;
const DATABASE_TENANTS = 3;

const database = setupTestDatabase();
const second = dedicatedServer();
const tenants: Expected[] = [];
/** The tenants not in the shared tables. */
const placed: Expected[] = [];

beforeAll(async () => {
  await withClient(database.current.urls.ops, async (db) => {
    // 10,000 tenants of uneven sizes (1–3 customers, 2–10 orders), written set-wise.
    await db.query(`INSERT INTO tenants (slug, name) SELECT 'hammer-' || t, 'Hammer ' || t FROM generate_series(0, $1 - 1) t`, [TENANTS]);
    await db.query(
      `INSERT INTO customers (tenant_id, name, email)
       SELECT t.id, 'c' || i, 'c' || i || '@' || t.slug || '.test'
         FROM tenants t, LATERAL generate_series(1, 1 + substr(t.slug, 8)::int % 3) i
        WHERE t.slug LIKE 'hammer-%'`,
    );
    // Each tenant's totals carry its own signature (≡ its number mod 97), so a mixed-up row cannot match.
    await db.query(
      `INSERT INTO orders (tenant_id, number, customer_id, currency, subtotal, total)
       SELECT t.id, 1000 + i, c.id, 'USD', 97 * i + n % 97, 97 * i + n % 97
         FROM (SELECT id, substr(slug, 8)::int AS n FROM tenants WHERE slug LIKE 'hammer-%') t
         CROSS JOIN LATERAL generate_series(1, 2 + t.n % 9) i
         JOIN LATERAL (SELECT id FROM customers WHERE tenant_id = t.id ORDER BY id OFFSET (i % (1 + t.n % 3)) LIMIT 1) c ON true`,
    );
    const { rows: tenantRows } = await db.query<{ id: string; n: number }>(
      `SELECT id, substr(slug, 8)::int AS n FROM tenants WHERE slug LIKE 'hammer-%'`,
    );
    const byId = new Map<string, Expected>();
    for (const row of tenantRows) {
      const expected: Expected = {
        tenantId: row.id,
        plan: PLANS[row.n % 3]!,
        orders: new Map(),
        orderIds: [],
        ordersByCustomer: new Map(),
        sum: 0,
        placement: { tier: 'shared' },
      };
      byId.set(row.id, expected);
      tenants.push(expected);
      if (row.n < SCHEMA_TENANTS + DATABASE_TENANTS) placed[row.n] = expected;
    }
    const { rows } = await db.query<{ id: string; tenant_id: string; total: number; customer_id: string }>(
      `SELECT id, tenant_id, total, customer_id FROM orders`,
    );
    for (const row of rows) {
      const expected = byId.get(row.tenant_id)!;
      expected.orders.set(row.id, { total: row.total, customerId: row.customer_id });
      expected.orderIds.push(row.id);
      expected.ordersByCustomer.set(row.customer_id, [...(expected.ordersByCustomer.get(row.customer_id) ?? []), row.id]);
      expected.sum += row.total;
    }
  });
  expect(tenants).toHaveLength(TENANTS);
  expect(tenants.every((tenant) => tenant.orderIds.length >= 2)).toBe(true);
  for (const [n, tenant] of placed.entries()) {
    if (n < SCHEMA_TENANTS) {
      tenant.placement = { tier: 'schema', schema: `t_hammer_${n}` };
      await placeInSchema(database.current.urls, tenant.tenantId, tenant.placement.schema);
    } else {
      const name = second.newName();
      tenant.placement = { tier: 'database', target: 'second', database: name };
      await placeInDatabase(database.current.urls, tenant.tenantId, {
        target: second.target,
        database: name,
        rolePrefix: second.rolePrefix,
        template: second.template,
      });
    }
  }
}, 300_000);

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const sameIds = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

async function hammer(mode: TenantDbMode, operations: number) {
  // The app's shape: a pool of 10, of which the tenant slots may use 8 (2 stay reserved).
  const clients = tenantClients(database.current.urls.app, {
    mode,
    poolSize: 10,
    queueWaitMs: 120_000,
    databases: { poolConfig: (_target, name) => ({ connectionString: second.appUrl(name) }) },
  });
  let done = 0;
  let mismatches = 0;
  let empties = 0;
  const failures: string[] = [];
  const fail = (kind: 'mismatch' | 'empty', detail: string) => {
    if (kind === 'empty') empties++;
    else mismatches++;
    if (failures.length < 5) failures.push(detail);
  };

  const worker = async () => {
    while (done < operations) {
      done++;
      const tenant = Math.random() < 1 / 3 ? pick(placed) : pick(tenants);
      const kind = Math.random();
      await clients.as(
        tenant.tenantId,
        async (db) => {
          if (kind < 0.5) {
            // findUnique: the call Prisma batches across concurrent callers in the same tick.
            const id = pick(tenant.orderIds);
            const order = await db.order.findUnique({ where: db.$key(id) });
            if (!order) return fail('empty', `findUnique ${id} of ${tenant.tenantId} returned null`);
            if (order.tenantId !== tenant.tenantId || order.total !== tenant.orders.get(id)!.total)
              fail('mismatch', `findUnique ${id}: got tenant ${order.tenantId}`);
          } else if (kind < 0.7) {
            const customerId = pick([...tenant.ordersByCustomer.keys()]);
            const orders = await db.order.findMany({ where: { customerId }, select: { id: true } });
            if (orders.length === 0) return fail('empty', `findMany for customer ${customerId} returned nothing`);
            if (
              !sameIds(
                orders.map((o) => o.id),
                tenant.ordersByCustomer.get(customerId)!,
              )
            )
              fail('mismatch', `findMany for customer ${customerId}`);
          } else if (kind < 0.85) {
            const count = await db.order.count();
            if (count !== tenant.orderIds.length) fail(count === 0 ? 'empty' : 'mismatch', `count ${count} ≠ ${tenant.orderIds.length}`);
          } else if (kind < 0.95) {
            const [row] = await db.$queryRaw<{ sum: number }[]>`SELECT sum(total)::int AS sum FROM orders`;
            if (row?.sum !== tenant.sum) fail(row?.sum ? 'mismatch' : 'empty', `raw sum ${row?.sum} ≠ ${tenant.sum}`);
          } else if (kind < 0.975) {
            // The batch form: several operations of one tenant on one leased slot.
            const id = pick(tenant.orderIds);
            const [order, count] = await (db as TenantClient).$transaction([db.order.findUnique({ where: db.$key(id) }), db.order.count()]);
            if (!order || count !== tenant.orderIds.length)
              return fail(!order || count === 0 ? 'empty' : 'mismatch', `batch saw ${order?.id} and ${count}`);
            if (order.tenantId !== tenant.tenantId) fail('mismatch', `batch findUnique ${id}: got tenant ${order.tenantId}`);
          } else {
            const [count, first] = await db.$transaction(
              async (tx) => [await tx.order.count(), await tx.order.findFirst({ orderBy: { number: 'asc' } })] as const,
            );
            if (count !== tenant.orderIds.length || first?.tenantId !== tenant.tenantId)
              fail(count === 0 ? 'empty' : 'mismatch', `transaction saw ${count} orders`);
          }
        },
        { plan: tenant.plan, placement: tenant.placement },
      );
    }
  };

  let built = 0;
  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    built = clients.factory.builtClients();
  } finally {
    await clients.close();
  }
  return { done, mismatches, empties, failures, built, slots: clients.factory.slotCount };
}

describe('hammer: concurrent operations of 10,000 tenants of mixed tiers through one small pool', () => {
  afterAll(() => undefined);

  it('pipelined mode: 30,000 operations, every one sees exactly its tenant’s rows', { timeout: 300_000 }, async () => {
    const result = await hammer('pipelined', 30_000);
    expect(result.failures).toEqual([]);
    expect({ mismatches: result.mismatches, empties: result.empties }).toEqual({ mismatches: 0, empties: 0 });
    expect(result.done).toBeGreaterThanOrEqual(30_000);
    // However many tenants came by, no more PrismaClients than slots were ever built.
    expect(result.built).toBeLessThanOrEqual(result.slots);
  });

  it('transaction mode: 10,000 operations, every one sees exactly its tenant’s rows', { timeout: 300_000 }, async () => {
    const result = await hammer('transaction', 10_000);
    expect(result.failures).toEqual([]);
    expect({ mismatches: result.mismatches, empties: result.empties }).toEqual({ mismatches: 0, empties: 0 });
  });
});
