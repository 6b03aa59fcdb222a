import { captureTriggerNames, installCapture, MOVE_STEPS, MoveError, PLACEMENTS_LOCK, removeCapture } from '@bulkhead/tenancy/admin';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { moveTenantOnline, parseDestination, placementOfTenant, ResidencyRefusal, type MoveContext } from '@/lib/db/moves';
import { PLACED_TABLE_ORDER } from '@/lib/db/tiers';
import { dedicatedServer, setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';
import { isTenantMoving, ledgerDifferences, startWriter } from '@/test/move-writer';
import { tenantClients, type TenantClients } from '@/test/tenancy';

// Online moves (docs/moves.md). A writer keeps inserting, updating and deleting the moving tenant's
// customers through the tenant client — resolving the placement before every write, as a request
// does — while the tenant goes shared → schema → database → shared, and another tenant keeps
// working beside it. Afterwards the writer's own ledger must match the tenant's rows exactly: no
// write lost, none duplicated, none resurrected. Then a forced failure at each step must leave the
// tenant where it was, as it was.

const database = setupTestDatabase();
const second = dedicatedServer();
let mover: SeededTenant;
let other: SeededTenant;
let clients: TenantClients;
let context: MoveContext;

const ops = <T>(work: (db: pg.Client) => Promise<T>) => withClient(database.current.urls.ops, work);

const placementOf = (tenantId: string) => placementOfTenant(database.current.urls.ops, tenantId);

/** A fingerprint of every placed table's rows of a tenant, wherever it lives. */
async function fingerprint(tenantId: string): Promise<Record<string, string>> {
  const placement = await placementOf(tenantId);
  const url = placement.tier === 'database' ? second.opsUrl(placement.database) : database.current.urls.ops;
  const schema = placement.tier === 'schema' ? placement.schema : 'public';
  return withClient(url, async (db) => {
    const out: Record<string, string> = {};
    for (const table of PLACED_TABLE_ORDER) {
      const { rows } = await db.query<{ sum: string }>(
        `SELECT count(*) || ':' || md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) AS sum FROM "${schema}"."${table}" t WHERE tenant_id = $1`,
        [tenantId],
      );
      out[table] = rows[0]!.sum;
    }
    return out;
  });
}

/** The other tenant: reads and writes all along; it must never see an error. */
function startNeighbour(tenant: SeededTenant) {
  const stats = { operations: 0, errors: [] as string[] };
  let running = true;
  const loop = (async () => {
    let n = 0;
    while (running) {
      n++;
      try {
        await clients.as(tenant.id, async (db) => {
          await db.customer.create({ data: { name: `neighbour ${n}`, email: `n${n}@${tenant.slug}.test` } });
          await db.order.findMany({ take: 5 });
        });
        stats.operations++;
      } catch (error) {
        stats.errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  })();
  return {
    stats,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** The tenant's rows the writer may have touched: customers other than the seeded ones, and orders' notes. */
async function rowsOf(tenant: SeededTenant) {
  const placement = await placementOf(tenant.id);
  const url = placement.tier === 'database' ? second.opsUrl(placement.database) : database.current.urls.ops;
  const schema = placement.tier === 'schema' ? placement.schema : 'public';
  return withClient(url, async (db) => {
    const customers = await db.query<{ id: string; name: string }>(
      `SELECT id::text AS id, name FROM "${schema}".customers WHERE tenant_id = $1 AND NOT (id = ANY($2::uuid[]))`,
      [tenant.id, tenant.customerIds],
    );
    const orders = await db.query<{ id: string; notes: string | null }>(
      `SELECT id::text AS id, notes FROM "${schema}".orders WHERE tenant_id = $1`,
      [tenant.id],
    );
    return {
      customers: new Map(customers.rows.map((row) => [row.id, row.name])),
      orders: new Map(orders.rows.map((row) => [row.id, row.notes])),
    };
  });
}

beforeAll(async () => {
  mover = await seedTenant(database.current.urls.ops, 'mover', 40);
  other = await seedTenant(database.current.urls.ops, 'other', 5);
  const { database: controlDatabase } = { database: new URL(database.current.urls.ops).pathname.slice(1) };
  context = {
    urls: database.current.urls,
    // `farther` is the second server again, registered in another region (below).
    target: (name) => {
      if (name !== 'second' && name !== 'farther') throw new Error(`unknown target ${name}`);
      return { ...second.target, name };
    },
    controlDatabase,
    rolePrefix: second.rolePrefix,
    password: 'bulkhead-local',
    databaseTemplate: second.template,
  };
  clients = tenantClients(database.current.urls.app, {
    poolSize: 6,
    databases: { poolConfig: (_target, name) => ({ connectionString: second.appUrl(name) }), maxConnections: 4 },
  });
});
afterAll(async () => {
  await clients?.close();
});

describe('an online move', () => {
  it('takes a tenant shared → schema → database → shared while it writes, losing and duplicating nothing', async () => {
    const writer = startWriter({
      tenantId: mover.id,
      slug: mover.slug,
      orderIds: mover.orderIds,
      placementOf: () => placementOf(mover.id),
      run: (placement, work) => clients.as(mover.id, work, { placement }),
    });
    const neighbour = startNeighbour(other);
    const moves: { to: string; freezeMs: number; changes: number; rows: number }[] = [];
    try {
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const to of ['schema', 'database:second', 'shared']) {
        const result = await moveTenantOnline(context, mover.slug, parseDestination(to), { batchSize: 25, settleBelow: 5 });
        moves.push({ to: result.to, freezeMs: result.freezeMs, changes: result.changes, rows: result.rows });
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    } finally {
      await writer.stop();
      await neighbour.stop();
    }

    expect(moves.map((move) => move.to.split('/')[0])).toEqual(['schema:t_mover', 'database:second', 'shared']);
    // The writer kept writing through all three moves, and was refused only while a freeze was on.
    expect(writer.stats.errors).toEqual([]);
    expect(writer.stats.writes).toBeGreaterThan(30);
    expect(moves.reduce((sum, move) => sum + move.changes, 0)).toBeGreaterThan(0);
    expect(neighbour.stats.errors).toEqual([]);
    expect(neighbour.stats.operations).toBeGreaterThan(10);

    // The writer's ledger is the truth: every live customer and order as last written, no deleted one back.
    expect(writer.expected().deleted.length).toBeGreaterThan(0);
    expect(await ledgerDifferences(writer.expected(), await rowsOf(mover))).toEqual([]);

    // Back in the shared tables, and nothing left anywhere else.
    expect(await placementOf(mover.id)).toEqual({ tier: 'shared' });
    await ops(async (db) => {
      const schemas = await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 't_mover'`);
      expect(schemas.rowCount).toBe(0);
      const fences = await db.query(`SELECT 1 FROM move_fences UNION ALL SELECT 1 FROM move_changes`);
      expect(fences.rowCount).toBe(0);
      const triggers = await db.query(`SELECT tgname FROM pg_trigger WHERE tgname LIKE 'bulkhead\\_move\\_%'`);
      expect(triggers.rows).toEqual([]);
      const recorded = await db.query<{ state: string; to_label: string }>(
        `SELECT state, to_label FROM tenant_moves WHERE tenant_id = $1 ORDER BY started_at`,
        [mover.id],
      );
      expect(recorded.rows.map((row) => row.state)).toEqual(['done', 'done', 'done']);
      // Each move is an event in the tenant's own log, which came along through the later moves.
      const events = await db.query<{ metadata: { from: string; to: string } }>(
        `SELECT metadata FROM audit_events WHERE tenant_id = $1 AND action = 'tenant.moved' ORDER BY created_at`,
        [mover.id],
      );
      expect(events.rows.map((row) => `${row.metadata.from} → ${row.metadata.to.split('/')[0]}`)).toEqual([
        'shared → schema:t_mover',
        'schema:t_mover → database:second',
        `${moves[1]!.to} → shared`,
      ]);
    });
    const databases = await withClient(second.target.bootstrapUrl, (db) =>
      db.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [moves[1]!.to.split('/')[1]]),
    );
    expect(databases.rowCount).toBe(0);
  });

  it('refuses the tenant’s writes while the fence is closed, with SQLSTATE BH503, and no other tenant’s', async () => {
    const owner = database.current.urls.migration;
    await withClient(owner, (db) => installCapture(db, 'public', PLACED_TABLE_ORDER, mover.id));
    try {
      await ops((db) => db.query(`INSERT INTO move_fences (tenant_id, move_id, frozen) VALUES ($1, gen_random_uuid(), true)`, [mover.id]));
      const refused = await clients
        .as(mover.id, (db) => db.customer.create({ data: { name: 'during the freeze', email: 'f@mover.test' } }))
        .then(
          () => 'written',
          (error: unknown) => (isTenantMoving(error) ? 'refused' : String(error)),
        );
      expect(refused).toBe('refused');
      await clients.as(other.id, (db) => db.customer.create({ data: { name: 'unaffected', email: 'u@other.test' } }));
      // Reads go on.
      expect(await clients.as(mover.id, (db) => db.customer.count())).toBeGreaterThan(0);
    } finally {
      await ops((db) => db.query(`DELETE FROM move_fences WHERE tenant_id = $1`, [mover.id]));
      await withClient(owner, (db) => removeCapture(db, 'public', PLACED_TABLE_ORDER, mover.id));
    }
    const names = captureTriggerNames(mover.id);
    expect(names.write.length).toBeLessThanOrEqual(63);
  });
});

describe('a move that fails', () => {
  const steps = ['provision', ...MOVE_STEPS] as const;

  it.each(steps)('at "%s" rolls back: the tenant stays shared, as it was, and no copy is left', async (step) => {
    const before = await fingerprint(mover.id);
    const failed = await moveTenantOnline(context, mover.slug, { tier: 'schema' }, { failAt: step }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failed).toBeInstanceOf(MoveError);
    expect((failed as Error).message).toContain(`forced failure at "${step}"`);
    expect(await placementOf(mover.id)).toEqual({ tier: 'shared' });
    expect(await fingerprint(mover.id)).toEqual(before);
    await ops(async (db) => {
      expect((await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 't_mover'`)).rowCount).toBe(0);
      expect((await db.query(`SELECT 1 FROM move_fences UNION ALL SELECT 1 FROM move_changes`)).rowCount).toBe(0);
      expect((await db.query(`SELECT 1 FROM pg_trigger WHERE tgname LIKE 'bulkhead\\_move\\_%'`)).rowCount).toBe(0);
      const last = await db.query<{ state: string }>(
        `SELECT state FROM tenant_moves WHERE tenant_id = $1 ORDER BY started_at DESC LIMIT 1`,
        [mover.id],
      );
      expect(last.rows[0]?.state).toBe('rolled_back');
    });
    // And the tenant writes on.
    await clients.as(mover.id, (db) => db.customer.create({ data: { name: `after ${step}`, email: `a-${step}@mover.test` } }));
  });

  it('does not start while a migration run holds the placements, nor while another move of the tenant runs', async () => {
    const refused = await withClient(database.current.urls.migration, async (runner) => {
      await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [PLACEMENTS_LOCK]);
      return moveTenantOnline(context, mover.slug, { tier: 'schema' }).catch((error: unknown) => error);
    });
    expect(String(refused)).toMatch(/db:migrate is running/);
    const [first, second] = await Promise.allSettled([
      moveTenantOnline(context, mover.slug, { tier: 'schema' }, { failAt: 'verify' }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(() => moveTenantOnline(context, mover.slug, { tier: 'schema' })),
    ]);
    expect(first.status === 'rejected' && String(first.reason)).toMatch(/forced failure at "verify"/);
    expect(second.status === 'rejected' && String(second.reason)).toMatch(/A move of mover is running already/);
    expect(await placementOf(mover.id)).toEqual({ tier: 'shared' });
  });

  it('into a database, drops the new database; into the shared tables, removes only the copied rows', async () => {
    const name = second.newName();
    const intoDatabase = await moveTenantOnline(
      context,
      mover.slug,
      { tier: 'database', target: 'second', database: name },
      { failAt: 'verify' },
    ).catch((error: unknown) => error);
    expect(intoDatabase).toBeInstanceOf(MoveError);
    const exists = await withClient(second.target.bootstrapUrl, (db) => db.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [name]));
    expect(exists.rowCount).toBe(0);

    // A tenant apart whose control-plane audit events are in the shared table already.
    await moveTenantOnline(context, mover.slug, { tier: 'schema' });
    await ops((db) =>
      db.query(`INSERT INTO public.audit_events (tenant_id, actor_type, action) VALUES ($1, 'system', 'member.joined')`, [mover.id]),
    );
    const before = await fingerprint(mover.id);
    const intoShared = await moveTenantOnline(context, mover.slug, { tier: 'shared' }, { failAt: 'switch' }).catch(
      (error: unknown) => error,
    );
    expect(intoShared).toBeInstanceOf(MoveError);
    expect(await fingerprint(mover.id)).toEqual(before);
    await ops(async (db) => {
      const shared = await db.query<{ table: string; n: string }>(
        `SELECT 'customers' AS table, count(*)::text AS n FROM public.customers WHERE tenant_id = $1
         UNION ALL SELECT 'audit_events', count(*)::text FROM public.audit_events WHERE tenant_id = $1`,
        [mover.id],
      );
      expect(Object.fromEntries(shared.rows.map((row) => [row.table, Number(row.n)]))).toEqual({ customers: 0, audit_events: 1 });
    });
    // Back to shared for real: both homes' events end up together.
    await moveTenantOnline(context, mover.slug, { tier: 'shared' });
    expect(await placementOf(mover.id)).toEqual({ tier: 'shared' });
  });
});

describe('a move and the residency rule (docs/residency.md)', () => {
  it('refuses another region without the operator’s flag; with it, the tenant’s region follows, audited', async () => {
    const roamer = await seedTenant(database.current.urls.ops, 'roamer', 2);
    const regions = await ops(async (db) => {
      await db.query(`INSERT INTO database_targets (name, region) VALUES ('farther', 'us-east')`);
      const { rows } = await db.query<{ region: string }>(`SELECT region FROM tenants WHERE id = $1`, [roamer.id]);
      return { home: rows[0]!.region };
    });
    expect(regions.home).not.toBe('us-east');
    const farther = { tier: 'database' as const, target: 'farther', database: second.newName() };

    const refused = await moveTenantOnline(context, roamer.slug, farther).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(ResidencyRefusal);
    expect(String(refused)).toMatch(new RegExp(`must stay in ${regions.home}.*us-east.*--allow-cross-region`));
    expect(await placementOf(roamer.id)).toEqual({ tier: 'shared' });
    const exists = await withClient(second.target.bootstrapUrl, (db) =>
      db.query(`SELECT 1 FROM pg_database WHERE datname = $1`, [farther.database]),
    );
    expect(exists.rowCount).toBe(0);

    await moveTenantOnline(context, roamer.slug, farther, { allowCrossRegion: true, actor: 'operator ada' });
    expect(await placementOf(roamer.id)).toEqual({ tier: 'database', target: 'farther', database: farther.database });
    const after = await ops(async (db) => {
      const tenant = await db.query<{ region: string }>(`SELECT region FROM tenants WHERE id = $1`, [roamer.id]);
      const move = await db.query<{ cross_region: boolean }>(
        `SELECT cross_region FROM tenant_moves WHERE tenant_id = $1 AND state = 'done'`,
        [roamer.id],
      );
      return { region: tenant.rows[0]!.region, crossRegion: move.rows.map((row) => row.cross_region) };
    });
    expect(after).toEqual({ region: 'us-east', crossRegion: [true] });
    const event = await withClient(second.opsUrl(farther.database), (db) =>
      db.query<{ actor_label: string; metadata: { crossRegion: unknown } }>(
        `SELECT actor_label, metadata FROM audit_events WHERE tenant_id = $1 AND action = 'tenant.moved'`,
        [roamer.id],
      ),
    );
    expect(event.rows).toEqual([
      {
        actor_label: 'operator ada',
        metadata: expect.objectContaining({ crossRegion: { from: regions.home, to: 'us-east', approvedBy: 'operator ada' } }),
      },
    ]);

    // Home again is a move across regions too.
    const back = await moveTenantOnline(context, roamer.slug, { tier: 'shared' }).catch((error: unknown) => error);
    expect(back).toBeInstanceOf(ResidencyRefusal);
    await moveTenantOnline(context, roamer.slug, { tier: 'shared' }, { allowCrossRegion: true });
    expect(await placementOf(roamer.id)).toEqual({ tier: 'shared' });
  });
});
