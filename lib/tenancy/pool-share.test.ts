import { TenantBusyError } from '@bulkhead/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { AppError } from '@/lib/errors';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';
import { tenantClients } from '@/test/tenancy';

import { audit } from './audit';
import { runInTenant, type BusyEvent, type TenantClient, type TenantContext } from './index';

// The shared pool as a bulkhead: a tenant never holds more than its plan's share of connections,
// its extra work waits in its own queue for a bounded time and then fails with TenantBusyError
// (never by taking another tenant's slot), work that belongs to no tenant keeps the connections
// tenant work can never take, and nothing that holds a tenant's last slot waits for another one.

const database = setupTestDatabase();
let acme: SeededTenant;
let globex: SeededTenant;
let initech: SeededTenant;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
  globex = await seedTenant(database.current.urls.ops, 'globex');
  initech = await seedTenant(database.current.urls.ops, 'initech');
});

/** A latch: `hold()` resolves when `open()` is called. */
function latch() {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { hold: () => opened, open };
}

/** Opens an interactive transaction for `tenant` that keeps its slot until the latch opens. */
function holdSlot(
  clients: ReturnType<typeof tenantClients>,
  tenantId: string,
  gate: ReturnType<typeof latch>,
  context: Partial<TenantContext> = {},
) {
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const done = clients.as(
    tenantId,
    (db) =>
      db.$transaction(
        async (tx) => {
          await tx.customer.count();
          entered();
          await gate.hold();
        },
        { timeout: 30_000 },
      ),
    context,
  );
  return { inside, done };
}

/** Connections the runtime role has open to this database right now, by state. */
async function appConnections(): Promise<{ active: number; idleInTransaction: number }> {
  // As the runtime role itself: a role sees the state of its own sessions (not of others').
  return withClient(database.current.urls.app, async (db) => {
    const { rows } = await db.query<{ active: number; idle_tx: number }>(
      `SELECT count(*) FILTER (WHERE state = 'active')::int AS active, count(*) FILTER (WHERE state = 'idle in transaction')::int AS idle_tx
         FROM pg_stat_activity WHERE datname = current_database() AND usename = current_user AND pid <> pg_backend_pid()`,
    );
    return { active: rows[0]!.active, idleInTransaction: rows[0]!.idle_tx };
  });
}

describe('per-tenant share of the pool', () => {
  let clients: ReturnType<typeof tenantClients>;
  const busy: BusyEvent[] = [];
  beforeAll(() => {
    // Pool of 10 → 8 slots; free may hold 2 of them, pro 4.
    clients = tenantClients(database.current.urls.app, {
      poolSize: 10,
      queueWaitMs: 1_500,
      policy: { shares: { free: 2, pro: 4 } },
      onBusy: (event) => busy.push(event),
    });
  });
  afterAll(() => clients.close());

  it('a tenant on free holds at most 2 connections; its third operation waits, then fails with a 503 TenantBusyError', async () => {
    const gate = latch();
    const held = [holdSlot(clients, acme.id, gate, { plan: 'free' }), holdSlot(clients, acme.id, gate, { plan: 'free' })];
    await Promise.all(held.map((h) => h.inside));
    try {
      expect(clients.factory.stats().held).toEqual({ [acme.id]: 2 });
      expect((await appConnections()).idleInTransaction).toBe(2);

      const started = Date.now();
      let thirdSettled = false;
      const third = clients
        .as(acme.id, (db) => db.customer.count(), { plan: 'free', requestId: 'req-busy-1' })
        .finally(() => (thirdSettled = true));
      // Positive control, at the same moment: another tenant is served from the free slots while
      // the third operation is still waiting (ordering, not a wall-clock bound: CI may be loaded).
      const other = await clients.as(globex.id, (db) => db.customer.count(), { plan: 'free' });
      expect(other).toBe(globex.customerIds.length);
      expect(thirdSettled).toBe(false);

      const error = await third.catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TenantBusyError);
      // The app's binding adopts the kit's refusal: routes and forms render it like any AppError.
      expect(error).toBeInstanceOf(AppError);
      expect(error).toMatchObject({ code: 'tenant_busy', status: 503, share: 2, retryAfterSeconds: 2 });
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_450);
      // One log line names the tenant and the request.
      expect(busy).toContainEqual(expect.objectContaining({ tenantId: acme.id, requestId: 'req-busy-1', plan: 'free', share: 2 }));
    } finally {
      gate.open();
      await Promise.all(held.map((h) => h.done));
    }
    // The slots came back: the same tenant works again.
    expect(await clients.as(acme.id, (db) => db.customer.count(), { plan: 'free' })).toBe(acme.customerIds.length);
  });

  it('a waiting operation gets the slot when one frees up within the bounded wait (FIFO in its queue)', async () => {
    const gate = latch();
    const held = [holdSlot(clients, acme.id, gate), holdSlot(clients, acme.id, gate)];
    await Promise.all(held.map((h) => h.inside));
    const waiting = clients.as(acme.id, (db) => db.customer.count());
    setTimeout(gate.open, 100);
    expect(await waiting).toBe(acme.customerIds.length);
    await Promise.all(held.map((h) => h.done));
  });

  it('the share follows the plan: pro holds 4', async () => {
    const gate = latch();
    const held = Array.from({ length: 4 }, () => holdSlot(clients, acme.id, gate, { plan: 'pro' }));
    await Promise.all(held.map((h) => h.inside));
    try {
      expect(clients.factory.stats().held).toEqual({ [acme.id]: 4 });
      await expect(clients.as(acme.id, (db) => db.customer.count(), { plan: 'pro' })).rejects.toBeInstanceOf(TenantBusyError);
    } finally {
      gate.open();
      await Promise.all(held.map((h) => h.done));
    }
  });

  it('a flood of one tenant’s operations never holds more than its share, and another tenant’s operation is not queued behind it', async () => {
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, clients.factory.stats().held[acme.id] ?? 0)), 1);
    let settled = 0;
    const flood = Array.from({ length: 40 }, () =>
      clients
        .as(acme.id, (db) => db.$queryRaw`SELECT 1 AS one FROM pg_sleep(0.02)`, { plan: 'free' })
        .catch((error: unknown) => error)
        .finally(() => settled++),
    );
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(await clients.as(globex.id, (db) => db.customer.count(), { plan: 'free' })).toBe(globex.customerIds.length);
    // 40 × 20 ms two at a time takes ≥ 400 ms: Globex got its answer while most of the flood still waited.
    expect(settled).toBeLessThan(30);
    const outcomes = await Promise.all(flood);
    clearInterval(sampler);
    expect(peak).toBe(2);
    // Each one either ran or was refused with a 503 after its wait — none lost silently.
    expect(outcomes.every((o) => o instanceof TenantBusyError || (Array.isArray(o) && o[0]?.one === 1))).toBe(true);
  });
});

describe('the reserved share for work that belongs to no tenant', () => {
  it('with every tenant slot held, pre-tenant lookups on the same pool still answer at once', async () => {
    // Pool of 4 → 2 tenant slots, 2 connections tenant work can never take.
    const clients = tenantClients(database.current.urls.app, { poolSize: 4, queueWaitMs: 1_500, policy: { shares: { enterprise: 8 } } });
    const gate = latch();
    const held = [holdSlot(clients, acme.id, gate, { plan: 'enterprise' }), holdSlot(clients, globex.id, gate, { plan: 'enterprise' })];
    try {
      await Promise.all(held.map((h) => h.inside));
      expect(clients.factory.stats()).toMatchObject({ slots: 2, free: 0 });
      // A third tenant cannot take a reserved connection: it waits, then gets a 503.
      const third = clients.as(initech.id, (db) => db.customer.count(), { plan: 'enterprise' }).catch((error: unknown) => error);
      // What the membership and API-key lookups do: definer functions on the shared pool, no tenant.
      // They answer while every slot is held and the third tenant still waits.
      let thirdSettled = false;
      void third.finally(() => (thirdSettled = true));
      const lookups = await Promise.all([
        clients.pool.query(`SELECT * FROM bulkhead.api_key_for_hash($1)`, ['0'.repeat(64)]),
        clients.pool.query(`SELECT 1 AS ok`),
      ]);
      expect(lookups[1]!.rows[0].ok).toBe(1);
      expect(thirdSettled).toBe(false);
      expect(await third).toBeInstanceOf(TenantBusyError);
      expect(clients.pool.totalCount).toBeLessThanOrEqual(4);
    } finally {
      gate.open();
      await Promise.all(held.map((h) => h.done));
      await clients.close();
    }
  });
});

describe('no self-deadlock: work that holds a tenant’s last slot never waits for another', () => {
  it('with a share of one, everything inside a transaction joins it, and pre-tenant lookups use the reserved share', async () => {
    const clients = tenantClients(database.current.urls.app, { poolSize: 3, queueWaitMs: 1_000, policy: { shares: { free: 1 } } });
    try {
      const context = { tenantId: acme.id, actorType: 'user' as const, requestId: 'deadlock', plan: 'free' as const };
      const result = await runInTenant(context, async () => {
        const outside = clients.db() as TenantClient; // a handle taken before the transaction
        return outside.$transaction(async (tx) => {
          const count = await outside.customer.count(); // the outer handle joins the open transaction
          const nested = await (clients.db() as TenantClient).$transaction(async (inner) => inner.order.count()); // joins
          const [a, b] = await outside.$transaction([outside.customer.count(), outside.order.count()]); // batch inside: joins
          const viaRunInTenant = await runInTenant(context, () => (clients.db() as TenantClient).customer.count()); // nested context: joins
          const created = await tx.customer.create({ data: { name: 'Deadlock', email: 'deadlock@acme.test' } });
          await runInTenant(context, () => audit({ action: 'customer.created', targetType: 'customer', targetId: created.id }));
          const lookup = await clients.pool.query(`SELECT 1 AS ok`); // pre-tenant work: the reserved share
          return { count, nested, a, b, viaRunInTenant, lookup: lookup.rows[0].ok };
        });
      });
      expect(result).toEqual({
        count: acme.customerIds.length,
        nested: acme.orderIds.length,
        a: acme.customerIds.length,
        b: acme.orderIds.length,
        viaRunInTenant: acme.customerIds.length,
        lookup: 1,
      });
      // And outside a transaction, many concurrent operations of a one-slot tenant run one by one.
      const counts = await clients.as(acme.id, (db) => Promise.all(Array.from({ length: 20 }, () => (db as TenantClient).order.count())), {
        plan: 'free',
      });
      expect(new Set(counts)).toEqual(new Set([acme.orderIds.length]));
    } finally {
      await clients.close();
    }
  });
});
