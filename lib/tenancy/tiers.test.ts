import { placementLabel, type Placement } from '@bulkhead/tenancy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { placeInDatabase, placeInSchema, provisionTenantDatabase } from '@/lib/db/tiers';
import { dedicatedServer, setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';
import { tenantClients, type TenantClients } from '@/test/tenancy';

// The router (docs/tiers.md): one set of slot clients serves a shared tenant, a tenant in a schema
// of its own and a tenant in a database of its own on a second server. Each test proves where a
// statement went by a row that exists in one place only, so a statement that fell back to the
// shared tables would fail it.

const database = setupTestDatabase();
const second = dedicatedServer();
let acme: SeededTenant; // shared
let initech: SeededTenant; // schema t_initech
let hooli: SeededTenant; // database on the second server
let hooliDatabase: string;
let clients: TenantClients;
let events: { placement: string; phase: string }[];

const SCHEMA = 't_initech';
const placements = () =>
  ({
    acme: { tier: 'shared' },
    initech: { tier: 'schema', schema: SCHEMA },
    hooli: { tier: 'database', target: 'second', database: hooliDatabase },
  }) satisfies Record<string, Placement>;

const ops = <T>(work: (db: import('pg').Client) => Promise<T>) => withClient(database.current.urls.ops, work);
const hooliOps = <T>(work: (db: import('pg').Client) => Promise<T>) => withClient(second.opsUrl(hooliDatabase), work);

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
  initech = await seedTenant(database.current.urls.ops, 'initech');
  hooli = await seedTenant(database.current.urls.ops, 'hooli');
  await placeInSchema(database.current.urls, initech.id, SCHEMA);
  hooliDatabase = second.newName();
  await placeInDatabase(database.current.urls, hooli.id, {
    target: second.target,
    database: hooliDatabase,
    rolePrefix: second.rolePrefix,
    template: second.template,
  });
  events = [];
  clients = tenantClients(database.current.urls.app, {
    databases: { poolConfig: (_target, name) => ({ connectionString: second.appUrl(name) }), maxConnections: 2 },
    onLease: (event) => events.push({ placement: event.placement, phase: event.phase }),
  });
});
afterAll(async () => {
  await clients?.close();
});

type Slug = 'acme' | 'initech' | 'hooli';
const tenants = () => ({ acme, initech, hooli });
type Db = ReturnType<TenantClients['db']>;
const as = <T>(slug: Slug, work: (db: Db) => Promise<T>) => clients.as(tenants()[slug].id, work, { placement: placements()[slug] });
const asControl = <T>(slug: Slug, work: (db: Db) => Promise<T>) =>
  clients.asControl(tenants()[slug].id, work, { placement: placements()[slug] });

describe('placing tenants', () => {
  it('moves a schema tenant’s rows out of the shared tables, and a database tenant’s to its own database', async () => {
    const counts = await ops(async (db) => {
      const shared = await db.query<{ tenant_id: string; n: string }>(
        `SELECT tenant_id, count(*)::text AS n FROM public.customers GROUP BY 1`,
      );
      const schema = await db.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${SCHEMA}.customers`);
      return { shared: Object.fromEntries(shared.rows.map((r) => [r.tenant_id, Number(r.n)])), schema: Number(schema.rows[0]!.n) };
    });
    expect(counts.shared).toEqual({ [acme.id]: 3 });
    expect(counts.schema).toBe(3);
    const dedicated = await hooliOps((db) =>
      db.query<{ n: string }>(`SELECT count(*)::text AS n FROM customers WHERE tenant_id = $1`, [hooli.id]),
    );
    expect(Number(dedicated.rows[0]!.n)).toBe(3);
  });

  it('gives the tenant schema the same policies, forced row-level security and keys as the shared tables, but no key into the control plane', async () => {
    const shape = (schema: string) =>
      ops(async (db) => {
        const { rows } = await db.query<{ table: string; forced: boolean; policies: string[]; keys: string[] }>(
          `SELECT c.relname AS table, c.relforcerowsecurity AS forced,
                  ARRAY(SELECT polname FROM pg_policy WHERE polrelid = c.oid ORDER BY 1) AS policies,
                  ARRAY(SELECT conname || ':' || contype::text FROM pg_constraint WHERE conrelid = c.oid ORDER BY 1) AS keys
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relkind = 'r' AND c.relname <> '_prisma_migrations' AND c.relname IN (SELECT relname FROM pg_class WHERE relnamespace = $1::regnamespace)
            ORDER BY 1`,
          [schema],
        );
        return rows;
      });
    const schemaTables = await shape(SCHEMA);
    const shared = (await shape('public')).filter((row) => schemaTables.some((t) => t.table === row.table));
    expect(schemaTables.map((t) => t.table)).toEqual([
      'audit_events',
      'customers',
      'idempotency_keys',
      'order_items',
      'orders',
      'payments',
      'products',
      'refunds',
    ]);
    // The same, less the keys into public.tenants (docs/tiers.md: a tenant schema goes with its
    // tenant by DROP SCHEMA; 1,000 schemas' keys on tenants made every tenant delete fail).
    const withoutControlPlaneKeys = shared.map((row) => ({
      ...row,
      keys: row.keys.filter((key) => key !== `${row.table}_tenant_id_fkey:f`),
    }));
    expect(schemaTables).toEqual(withoutControlPlaneKeys);
    expect(schemaTables.every((t) => t.forced && t.policies.length > 0)).toBe(true);
    const intoControlPlane = await ops((db) =>
      db.query(
        `SELECT conname FROM pg_constraint WHERE contype = 'f' AND connamespace = $1::regnamespace AND confrelid NOT IN (SELECT oid FROM pg_class WHERE relnamespace = $1::regnamespace)`,
        [SCHEMA],
      ),
    );
    expect(intoControlPlane.rows).toEqual([]);
  });
});

describe('the router', () => {
  it('model queries of a schema tenant reach its schema, and only it', async () => {
    // A row in the shared tables under initech's id: reachable only if a query fell back to public.
    await ops((db) =>
      db.query(
        `INSERT INTO public.customers (tenant_id, name, email, notes) VALUES ($1, 'Fallback', 'fallback@initech.test', 'IN-PUBLIC')`,
        [initech.id],
      ),
    );
    const rows = await as('initech', (db) => db.customer.findMany());
    expect(rows).toHaveLength(3);
    expect(rows.every((row) => row.notes === initech.canary)).toBe(true);
    const created = await as('initech', (db) =>
      db.customer.create({ data: { name: 'New', email: 'new@initech.test', notes: 'NEW-IN-SCHEMA' } }),
    );
    const where = await ops(async (db) => ({
      schema: (await db.query(`SELECT 1 FROM ${SCHEMA}.customers WHERE id = $1`, [created.id])).rowCount,
      shared: (await db.query(`SELECT 1 FROM public.customers WHERE id = $1`, [created.id])).rowCount,
    }));
    expect(where).toEqual({ schema: 1, shared: 0 });
    // Relations and nested writes follow: an order with its customer, joined in the schema.
    const order = await as('initech', (db) => db.order.findFirst({ include: { customer: true, items: true } }));
    expect(order?.customer.notes).toBe(initech.canary);
  });

  it('raw SQL with unqualified names reaches a schema tenant’s schema, and cannot fall through to the shared tables', async () => {
    const rows = await as('initech', (db) => db.$queryRaw<{ notes: string }[]>`SELECT notes FROM customers ORDER BY created_at`);
    expect(rows.map((r) => r.notes)).not.toContain('IN-PUBLIC');
    expect(rows.filter((r) => r.notes === initech.canary)).toHaveLength(3);
    // public is not on the path: a control-plane table unqualified does not resolve.
    await expect(as('initech', (db) => db.$queryRaw`SELECT count(*) FROM memberships`)).rejects.toThrow(
      /relation "memberships" does not exist/,
    );
    const path = await as('initech', (db) => db.$queryRaw<{ path: string }[]>`SELECT current_setting('search_path') AS path`);
    expect(path[0]!.path).toBe('"t_initech", pg_temp');
  });

  it('row-level security stays on inside a tenant schema: another tenant’s row there is invisible', async () => {
    await ops((db) =>
      db.query(`INSERT INTO ${SCHEMA}.customers (tenant_id, name, email, notes) VALUES ($1, 'Planted', 'planted@acme.test', $2)`, [
        acme.id,
        acme.canary,
      ]),
    );
    const model = await as('initech', (db) => db.customer.findMany({ where: { notes: acme.canary } }));
    const raw = await as(
      'initech',
      (db) => db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM customers WHERE notes = ${acme.canary}`,
    );
    expect(model).toEqual([]);
    expect(Number(raw[0]!.n)).toBe(0);
    await ops((db) => db.query(`DELETE FROM ${SCHEMA}.customers WHERE tenant_id = $1`, [acme.id]));
  });

  it('a database tenant’s queries run in its own database, model and raw alike', async () => {
    await hooliOps((db) =>
      db.query(`INSERT INTO customers (tenant_id, name, email, notes) VALUES ($1, 'Only here', 'only@hooli.test', 'ONLY-IN-DEDICATED')`, [
        hooli.id,
      ]),
    );
    const model = await as('hooli', (db) => db.customer.findMany({ where: { notes: 'ONLY-IN-DEDICATED' } }));
    const raw = await as('hooli', (db) => db.$queryRaw<{ db: string }[]>`SELECT current_database() AS db`);
    expect(model).toHaveLength(1);
    expect(raw[0]!.db).toBe(hooliDatabase);
    expect(events.some((e) => e.placement === placementLabel(placements().hooli))).toBe(true);
  });

  it('the shared tenant is untouched by the others: its rows, its tables', async () => {
    const rows = await as('acme', (db) => db.customer.findMany());
    expect(rows.map((r) => r.notes)).toEqual([acme.canary, acme.canary, acme.canary]);
  });

  it('control-plane rows stay central for every tier: members through controlPlaneDb(), never tenantDb()', async () => {
    for (const slug of ['acme', 'initech', 'hooli'] as const) {
      const members = await asControl(slug, (db) => db.membership.findMany({ include: { user: { select: { email: true } } } }));
      expect(members.map((m) => m.user.email)).toEqual([`owner@${slug}.test`]);
      await expect(as(slug, (db) => db.membership.findMany())).rejects.toThrow(/control-plane data/);
    }
  });

  it('one transaction cannot span a database tenant’s two databases: a control-plane read runs beside it, a write is refused', async () => {
    const inTransaction = (work: () => Promise<unknown>) =>
      clients.as(
        hooli.id,
        (db) =>
          db.$transaction(async (tx) => {
            await tx.customer.count();
            return work();
          }),
        { placement: placements().hooli },
      );
    expect(await inTransaction(() => clients.controlDb().membership.count())).toBe(1);
    await expect(inTransaction(() => clients.controlDb().membership.updateMany({ data: { role: 'admin' } }))).rejects.toThrow(
      /inside a transaction of the other route/,
    );
    await expect(inTransaction(() => clients.controlDb().$queryRaw`SELECT 1`)).rejects.toThrow(/inside a transaction of the other route/);
    const role = await withClient(database.current.urls.ops, (db) =>
      db.query<{ role: string }>('SELECT role::text AS role FROM memberships WHERE tenant_id = $1', [hooli.id]),
    );
    expect(role.rows[0]!.role).toBe('owner');
  });

  it('keeps the open connections to dedicated databases under the global cap', async () => {
    const extra = [second.newName(), second.newName()];
    for (const name of extra) {
      await provisionTenantDatabase({ target: second.target, database: name, rolePrefix: second.rolePrefix, template: second.template });
      await withClient(second.opsUrl(name), (db) =>
        db.query(`INSERT INTO tenants (id, slug, name) VALUES ($1, $2, 'x')`, [hooli.id, `x${name.slice(-4)}`]),
      );
    }
    const all = [hooliDatabase, ...extra];
    // Eight slots (a pool of ten) and an enterprise share of eight: only the cap holds them to two.
    const wide = tenantClients(database.current.urls.app, {
      poolSize: 10,
      databases: { poolConfig: (_target, name) => ({ connectionString: second.appUrl(name) }), maxConnections: 2 },
    });
    let peak = 0;
    let busiest = 0;
    const watch = setInterval(() => {
      peak = Math.max(peak, wide.factory.databaseStats().dedicatedConnections);
      {
        const stats = wide.factory.stats();
        busiest = Math.max(busiest, stats.slots - stats.free);
      }
    }, 2);
    try {
      const seen = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          wide.as(hooli.id, (db) => db.$queryRaw<{ db: string }[]>`SELECT current_database() AS db, pg_sleep(0.05)::text AS slept`, {
            placement: { tier: 'database', target: 'second', database: all[i % all.length]! },
            plan: 'enterprise',
          }),
        ),
      );
      expect(new Set(seen.map((rows) => rows[0]!.db))).toEqual(new Set(all));
      expect(wide.factory.databaseStats().dedicatedPools).toBe(3);
    } finally {
      clearInterval(watch);
      await wide.close();
    }
    expect(busiest).toBeGreaterThan(2);
    expect(peak).toBeGreaterThan(0);
    expect(peak).toBeLessThanOrEqual(2);
  });
});
