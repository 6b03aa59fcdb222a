import type { TenantDbMode } from '@bulkhead/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setupTestDatabase } from '@/test/db';
import { withClient } from '@/test/fixtures';
import { tenantClients } from '@/test/tenancy';

import type { LeaseEvent, TenantClient } from './index';

// The leased-slot design under the conditions that would break a shared client: calls of
// different tenants landing in the same tick (Prisma batches findUnique calls made together on one
// client), batch transactions of different tenants at once, and interactive transactions of
// different tenants overlapping across many ticks — on fewer slots than tenants, so every slot
// changes hands constantly. A ledger of lease events proves a slot is never handed to a second
// tenant while the first still uses it; every answer is checked against its tenant's own rows.

interface Tenant {
  id: string;
  orderIds: string[];
  totals: Map<string, number>;
  count: number;
}

const TENANTS = 24;

describe.each<TenantDbMode>(['pipelined', 'transaction'])('leased slots in %s mode', (mode) => {
  const database = setupTestDatabase();
  const tenants: Tenant[] = [];
  const events: LeaseEvent[] = [];
  const holder = new Map<number, string>();
  const violations: string[] = [];
  let clients: ReturnType<typeof tenantClients>;

  const onLease = (event: LeaseEvent) => {
    events.push(event);
    if (event.phase === 'start') {
      if (holder.has(event.slot)) violations.push(`slot ${event.slot} leased to ${event.tenantId} while ${holder.get(event.slot)} held it`);
      holder.set(event.slot, event.tenantId);
    } else {
      if (holder.get(event.slot) !== event.tenantId)
        violations.push(`slot ${event.slot} returned by ${event.tenantId}, held by ${holder.get(event.slot)}`);
      holder.delete(event.slot);
    }
  };

  beforeAll(async () => {
    await withClient(database.current.urls.ops, async (db) => {
      for (let t = 0; t < TENANTS; t++) {
        const {
          rows: [tenant],
        } = await db.query<{ id: string }>(`INSERT INTO tenants (slug, name) VALUES ($1, $1) RETURNING id`, [`slots-${t}`]);
        await db.query(`INSERT INTO customers (tenant_id, name, email) VALUES ($1, 'c', 'c@slots.test')`, [tenant!.id]);
        // Totals carry the tenant's signature (≡ t mod 101): a row of another tenant cannot match.
        const { rows } = await db.query<{ id: string; total: number }>(
          `INSERT INTO orders (tenant_id, number, customer_id, currency, subtotal, total)
           SELECT $1, i, (SELECT id FROM customers WHERE tenant_id = $1), 'USD', 101 * i + $2, 101 * i + $2 FROM generate_series(1, 3 + $2 % 5) i
           RETURNING id, total`,
          [tenant!.id, t],
        );
        tenants.push({
          id: tenant!.id,
          orderIds: rows.map((r) => r.id),
          totals: new Map(rows.map((r) => [r.id, r.total])),
          count: rows.length,
        });
      }
    });
    // Three slots for 24 tenants; every tenant may use all three.
    // A long queue wait: this file tests isolation, not the bounded wait (CI may be loaded).
    clients = tenantClients(database.current.urls.app, {
      mode,
      poolSize: 5,
      slots: 3,
      queueWaitMs: 120_000,
      policy: { shares: { free: 3 } },
      onLease,
    });
  });
  afterAll(() => clients.close());

  const findOwn = (tenant: Tenant, db: TenantClient) => {
    const id = tenant.orderIds[0]!;
    return db.order.findUnique({ where: db.$key(id) }).then((order) => ({ tenant, order }));
  };

  it('calls of every tenant made in the same tick each get their own row', { timeout: 120_000 }, async () => {
    for (let round = 0; round < 10; round++) {
      const results = await Promise.all(tenants.map((tenant) => clients.as(tenant.id, (db) => findOwn(tenant, db as TenantClient))));
      for (const { tenant, order } of results) {
        expect(order?.tenantId).toBe(tenant.id);
        expect(order?.total).toBe(tenant.totals.get(tenant.orderIds[0]!));
      }
    }
    // The same through handles taken outside any context (the factory API), same tick.
    const results = await Promise.all(tenants.map((tenant) => findOwn(tenant, clients.factory.forTenant(tenant.id))));
    expect(results.every(({ tenant, order }) => order?.tenantId === tenant.id)).toBe(true);
  });

  it('batch transactions of every tenant at once each see only their tenant', async () => {
    const results = await Promise.all(
      tenants.map((tenant) =>
        clients.as(tenant.id, async (db) => {
          const client = db as TenantClient;
          const [order, count, sum] = await client.$transaction([
            client.order.findUnique({ where: client.$key(tenant.orderIds[1]!) }),
            client.order.count(),
            client.$queryRaw<{ sum: number }[]>`SELECT sum(total)::int AS sum FROM orders`,
          ]);
          return { tenant, order, count, sum: sum[0]?.sum };
        }),
      ),
    );
    for (const { tenant, order, count, sum } of results) {
      expect(order?.total).toBe(tenant.totals.get(tenant.orderIds[1]!));
      expect(count).toBe(tenant.count);
      expect(sum).toBe([...tenant.totals.values()].reduce((a, b) => a + b, 0));
    }
  });

  it('interactive transactions of different tenants overlap for many ticks without seeing each other', async () => {
    // Each transaction reads, yields to the others several times (they run meanwhile on the other
    // slots), writes, reads again — and checks the database still sees its tenant.
    const results = await Promise.all(
      tenants.map((tenant, index) =>
        clients.as(tenant.id, (db) =>
          db.$transaction(async (tx) => {
            const seen: string[] = [];
            for (let step = 0; step < 4; step++) {
              const [row] = await tx.$queryRaw<{ tenant: string }[]>`SELECT current_setting('app.tenant_id') AS tenant`;
              seen.push(row!.tenant);
              await new Promise((resolve) => setTimeout(resolve, (index % 3) * 2));
            }
            const created = await tx.customer.create({ data: { name: `overlap-${index}`, email: `overlap-${index}@slots.test` } });
            const count = await tx.order.count();
            const mine = await tx.customer.findMany({ where: { name: { startsWith: 'overlap-' } } });
            return { tenant, seen, created, count, mine };
          }),
        ),
      ),
    );
    for (const { tenant, seen, created, count, mine } of results) {
      expect(new Set(seen)).toEqual(new Set([tenant.id]));
      expect(created.tenantId).toBe(tenant.id);
      expect(count).toBe(tenant.count);
      expect(mine.map((c) => c.id)).toEqual([created.id]);
    }
  });

  it('never hands a slot to a second tenant while the first still uses it, and builds no more clients than slots', () => {
    expect(events.length).toBeGreaterThan(TENANTS * 10);
    expect(violations).toEqual([]);
    expect(holder.size).toBe(0);
    // Slots really changed hands between tenants (the ledger is not trivially clean).
    const tenantsPerSlot = new Map<number, Set<string>>();
    for (const event of events)
      (tenantsPerSlot.get(event.slot) ?? tenantsPerSlot.set(event.slot, new Set()).get(event.slot)!).add(event.tenantId);
    expect([...tenantsPerSlot.values()].every((set) => set.size > 1)).toBe(true);
    expect(clients.factory.builtClients()).toBeLessThanOrEqual(3);
  });

  it('a transaction object used after its transaction ended refuses, instead of running on a slot another tenant now holds', async () => {
    const tenant = tenants[0]!;
    let escaped: unknown;
    await clients.as(tenant.id, (db) => db.$transaction(async (tx) => void (escaped = tx)));
    await Promise.all(tenants.slice(1, 4).map((other) => clients.as(other.id, (db) => findOwn(other, db as TenantClient))));
    expect(() => (escaped as TenantClient).order).toThrow(/transaction has ended/);
  });
});
