import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setupTestDatabase } from '@/test/db';
import { withClient } from '@/test/fixtures';
import { tenantClients } from '@/test/tenancy';
import type { TenantDbMode } from './tenant-pool';

// Many tenants, many concurrent operations, one small pool: every result is checked against the
// exact rows its tenant should get. This is where a tenant carried over on a reused connection,
// or two tenants' requests batched together by Prisma, would show up — as a wrong row or as an
// empty result where a row must exist.

const TENANTS = 12;
const CONCURRENCY = 32;

interface Expected {
  tenantId: string;
  orders: Map<string, { total: number; customerId: string }>;
  orderIds: string[];
  ordersByCustomer: Map<string, string[]>;
  sum: number;
}

const database = setupTestDatabase();
const tenants: Expected[] = [];

beforeAll(async () => {
  await withClient(database.current.urls.ops, async (db) => {
    for (let t = 0; t < TENANTS; t++) {
      const { rows: [tenant] } = await db.query<{ id: string }>(`INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id`, [`hammer-${t}`]);
      const tenantId = tenant!.id;
      const customers = 3 + (t % 4);
      const orders = 10 + t * 7; // uneven sizes
      await db.query(
        `INSERT INTO customers (tenant_id, name, email) SELECT $1, 'c' || i, 'c' || i || '@t${t}.test' FROM generate_series(1, $2) i`,
        [tenantId, customers],
      );
      // Each tenant's totals carry its own signature (≡ t mod 97), so a mixed-up row cannot match.
      await db.query(
        `INSERT INTO orders (tenant_id, number, customer_id, currency, subtotal, total)
         SELECT $1, 1000 + i, c.id, 'USD', 97 * i + $3, 97 * i + $3
           FROM generate_series(1, $2) i
           JOIN LATERAL (SELECT id FROM customers WHERE tenant_id = $1 ORDER BY id OFFSET (i % $4) LIMIT 1) c ON true`,
        [tenantId, orders, t, customers],
      );
      const { rows } = await db.query<{ id: string; total: number; customer_id: string }>(
        `SELECT id, total, customer_id FROM orders WHERE tenant_id = $1`,
        [tenantId],
      );
      const expected: Expected = { tenantId, orders: new Map(), orderIds: [], ordersByCustomer: new Map(), sum: 0 };
      for (const row of rows) {
        expected.orders.set(row.id, { total: row.total, customerId: row.customer_id });
        expected.orderIds.push(row.id);
        expected.ordersByCustomer.set(row.customer_id, [...(expected.ordersByCustomer.get(row.customer_id) ?? []), row.id]);
        expected.sum += row.total;
      }
      tenants.push(expected);
    }
  });
});

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
const sameIds = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join() === [...b].sort().join();

async function hammer(mode: TenantDbMode, operations: number) {
  const clients = tenantClients(database.current.urls.app, { mode, poolSize: 4 });
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
      const tenant = pick(tenants);
      const kind = Math.random();
      await clients.as(tenant.tenantId, async (db) => {
        if (kind < 0.5) {
          // findUnique: the call Prisma batches across concurrent callers in the same tick.
          const id = pick(tenant.orderIds);
          const order = await db.order.findUnique({ where: db.$key(id) });
          if (!order) return fail('empty', `findUnique ${id} of ${tenant.tenantId} returned null`);
          if (order.tenantId !== tenant.tenantId || order.total !== tenant.orders.get(id)!.total) fail('mismatch', `findUnique ${id}: got tenant ${order.tenantId}`);
        } else if (kind < 0.7) {
          const customerId = pick([...tenant.ordersByCustomer.keys()]);
          const orders = await db.order.findMany({ where: { customerId }, select: { id: true } });
          if (orders.length === 0) return fail('empty', `findMany for customer ${customerId} returned nothing`);
          if (!sameIds(orders.map((o) => o.id), tenant.ordersByCustomer.get(customerId)!)) fail('mismatch', `findMany for customer ${customerId}`);
        } else if (kind < 0.85) {
          const count = await db.order.count();
          if (count !== tenant.orderIds.length) fail(count === 0 ? 'empty' : 'mismatch', `count ${count} ≠ ${tenant.orderIds.length}`);
        } else if (kind < 0.95) {
          const [row] = await db.$queryRaw<{ sum: number }[]>`SELECT sum(total)::int AS sum FROM orders`;
          if (row?.sum !== tenant.sum) fail(row?.sum ? 'mismatch' : 'empty', `raw sum ${row?.sum} ≠ ${tenant.sum}`);
        } else {
          const [count, first] = await db.$transaction(async (tx) => [await tx.order.count(), await tx.order.findFirst({ orderBy: { number: 'asc' } })] as const);
          if (count !== tenant.orderIds.length || first?.tenantId !== tenant.tenantId) fail(count === 0 ? 'empty' : 'mismatch', `transaction saw ${count} orders`);
        }
      });
    }
  };

  try {
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  } finally {
    await clients.close();
  }
  return { done, mismatches, empties, failures };
}

describe('hammer: concurrent operations of many tenants through one small pool', () => {
  afterAll(() => undefined);

  it('pipelined mode: 50,000 operations, every one sees exactly its tenant’s rows', { timeout: 180_000 }, async () => {
    const result = await hammer('pipelined', 50_000);
    expect(result.failures).toEqual([]);
    expect({ mismatches: result.mismatches, empties: result.empties }).toEqual({ mismatches: 0, empties: 0 });
    expect(result.done).toBeGreaterThanOrEqual(50_000);
  });

  it('transaction mode: 10,000 operations, every one sees exactly its tenant’s rows', { timeout: 120_000 }, async () => {
    const result = await hammer('transaction', 10_000);
    expect(result.failures).toEqual([]);
    expect({ mismatches: result.mismatches, empties: result.empties }).toEqual({ mismatches: 0, empties: 0 });
  });
});
