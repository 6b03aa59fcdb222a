import { randomBytes } from 'node:crypto';

import type { Placement } from '@bulkhead/tenancy';
import { dropDatabase, dropRoles, migrate, provisionDatabase, urlFor } from '@bulkhead/tenancy/admin';
import { acquireServer, type AcquiredServer } from '@bulkhead/tenancy/server';
import pg from 'pg';

import { moveTenantOnline, parseDestination, placementOfTenant, type MoveContext } from '../../lib/db/moves';
import { withClient } from '../../lib/db/tiers';
import { createTenantClientFactory, runInTenant, tenantDbFrom } from '../../lib/tenancy';
import { ledgerDifferences, startWriter } from '../../test/move-writer';
import { describeMachine } from './environment';
import { integer, ms, table } from './report';
import { seedDataset } from './seed';

// Online moves under load (issue 15): five moves of a tenant with 20,000 orders between the three
// tiers while a writer inserts, updates and deletes its rows and a neighbour tenant works beside
// it. Not part of CI; figures in docs/moves-benchmark.md.
//
//   npm run bench:moves
//
// The control plane on one server (BOOTSTRAP_DATABASE_URL, or an embedded PostgreSQL), dedicated
// databases on a second (BOOTSTRAP_DEDICATED_DATABASE_URL, or another embedded one). The tenant is
// seeded with the benchmark's own dataset code (orders with their items and payments), then moved
// shared → schema → database → shared → database → schema with the operator's own function
// (lib/db/moves.ts), exactly as `npm run tenant:move` runs it. Nothing is prepared per move: each
// move provisions its copy, copies, catches up, freezes, verifies and switches, and the freeze is
// timed from closing the fence to the committed switch. After the last move the writer's ledger is
// compared with the tenant's rows. The exit code is 1 when a freeze passes 2 s, the ledger
// disagrees, or the neighbour saw an error.
//
// MOVES_ORDERS (default 20000) and MOVES_PATH (comma-separated destinations) change the run.

const ORDERS = Number(process.env.MOVES_ORDERS ?? 20_000);
const PATH = (process.env.MOVES_PATH ?? 'schema,database:second,shared,database:second,schema').split(',');
const FREEZE_BOUND_MS = 2000;
const GRACE_MS = 2000;

async function main(): Promise<void> {
  const prefix = `bench_mv_${randomBytes(3).toString('hex')}`;
  const servers: AcquiredServer[] = [];
  const made: { url: string; names: string[] }[] = [];
  const cleanup = async () => {
    for (const { url, names } of made.reverse()) {
      const { rows } = await withClient(url, (db) =>
        db.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${prefix}%`]),
      ).catch(() => ({ rows: names.map((datname) => ({ datname })) }));
      for (const { datname } of rows) await dropDatabase(url, datname).catch(() => {});
      await dropRoles(url, prefix).catch(() => {});
    }
    for (const server of servers) await server.release();
  };
  let failed = false;
  try {
    const control = await acquireServer();
    servers.push(control);
    const second = await acquireServer('BOOTSTRAP_DEDICATED_DATABASE_URL');
    servers.push(second);
    made.push({ url: control.bootstrapUrl, names: [prefix] });
    if (second.bootstrapUrl !== control.bootstrapUrl) made.push({ url: second.bootstrapUrl, names: [] });
    console.log(describeMachine());
    const { urls } = await provisionDatabase({ bootstrapUrl: control.bootstrapUrl, database: prefix, rolePrefix: prefix });
    await migrate({ connectionString: urls.migration });
    // The roles on the second server (a tenant database there gets them).
    if (second.bootstrapUrl !== control.bootstrapUrl)
      await provisionDatabase({ bootstrapUrl: second.bootstrapUrl, database: `${prefix}_roles`, rolePrefix: prefix });

    console.log(`Seeding a tenant with ${integer(ORDERS)} orders, and a neighbour …`);
    await seedDataset(
      {
        tenants: [
          { slug: 'mover', orders: ORDERS, customers: Math.round(ORDERS / 10) },
          { slug: 'neighbour', orders: 2000, customers: 200 },
        ],
        floorShare: 0,
        zipfExponent: 1,
      },
      { ops: urls.ops, owner: urls.migration },
      (line) => console.log(line),
    );
    const { mover, neighbour, orderIds, rowCount } = await withClient(urls.ops, async (db) => {
      const tenants = await db.query<{ id: string; slug: string }>(`SELECT id, slug FROM tenants WHERE slug IN ('mover', 'neighbour')`);
      const byslug = Object.fromEntries(tenants.rows.map((row) => [row.slug, row.id]));
      // What a shop of that size also has: a catalogue, two or three lines an order, a payment for
      // every paid order, and an audit event for every order.
      await db.query(
        `INSERT INTO products (tenant_id, sku, name, unit_price) SELECT $1, 'SKU-' || n, 'Product ' || n, 100 + n FROM generate_series(1, 200) n`,
        [byslug.mover],
      );
      await db.query(
        `INSERT INTO order_items (tenant_id, order_id, product_id, description, quantity, unit_price, total)
         SELECT o.tenant_id, o.id, p.id, p.name, 1 + (o.number + line) % 3, p.unit_price, (1 + (o.number + line) % 3) * p.unit_price
           FROM orders o CROSS JOIN generate_series(1, 3) line
           JOIN LATERAL (SELECT id, name, unit_price FROM products WHERE tenant_id = o.tenant_id ORDER BY sku OFFSET (o.number * line) % 200 LIMIT 1) p ON true
          WHERE o.tenant_id = $1 AND (line < 3 OR o.number % 2 = 0)`,
        [byslug.mover],
      );
      await db.query(
        `INSERT INTO payments (tenant_id, order_id, amount, method, received_at)
         SELECT tenant_id, id, greatest(total, 1), 'card', placed_at FROM orders WHERE tenant_id = $1 AND status = 'paid'`,
        [byslug.mover],
      );
      await db.query(
        `INSERT INTO audit_events (tenant_id, actor_type, actor_label, action, target_type, target_id, created_at)
         SELECT tenant_id, 'user', 'bench', 'order.created', 'order', id::text, placed_at FROM orders WHERE tenant_id = $1`,
        [byslug.mover],
      );
      const orders = await db.query<{ id: string }>(`SELECT id::text AS id FROM orders WHERE tenant_id = $1 ORDER BY id LIMIT 2000`, [
        byslug.mover,
      ]);
      const counted = await db.query<{ n: string }>(
        `SELECT ((SELECT count(*) FROM customers WHERE tenant_id = $1) + (SELECT count(*) FROM products WHERE tenant_id = $1) +
                 (SELECT count(*) FROM orders WHERE tenant_id = $1) + (SELECT count(*) FROM order_items WHERE tenant_id = $1) +
                 (SELECT count(*) FROM payments WHERE tenant_id = $1) + (SELECT count(*) FROM refunds WHERE tenant_id = $1) +
                 (SELECT count(*) FROM audit_events WHERE tenant_id = $1))::text AS n`,
        [byslug.mover],
      );
      return {
        mover: byslug.mover!,
        neighbour: byslug.neighbour!,
        orderIds: orders.rows.map((row) => row.id),
        rowCount: Number(counted.rows[0]!.n),
      };
    });
    console.log(`The moving tenant has ${integer(rowCount)} rows in its placed tables.`);

    const context: MoveContext = {
      urls,
      target: (name) => {
        if (name !== 'second') throw new Error(`Unknown target ${name}.`);
        return { name, bootstrapUrl: second.bootstrapUrl };
      },
      controlDatabase: prefix,
      rolePrefix: prefix,
      password: 'bulkhead-local',
    };
    const placementOf = () => placementOfTenant(urls.ops, mover);
    const appPool = new pg.Pool({ connectionString: urls.app, max: 10 });
    const factory = createTenantClientFactory({
      pool: appPool,
      databases: {
        maxConnections: 8,
        poolConfig: (_target, database) => ({ connectionString: urlFor(second.bootstrapUrl, database, `${prefix}_app`, 'bulkhead-local') }),
      },
    });
    const as = <T>(tenantId: string, placement: Placement, work: (db: ReturnType<typeof tenantDbFrom>) => Promise<T>) =>
      runInTenant({ tenantId, actorType: 'user', actorId: undefined, requestId: 'bench', placement }, () => work(tenantDbFrom(factory)));

    const writer = startWriter({
      tenantId: mover,
      slug: 'mover',
      orderIds,
      placementOf,
      run: (placement, work) => as(mover, placement, work),
    });
    const neighbourStats = { operations: 0, errors: [] as string[] };
    let running = true;
    const neighbourLoop = (async () => {
      for (let n = 0; running; n++) {
        try {
          await as(neighbour, { tier: 'shared' }, async (db) => {
            await db.customer.create({ data: { name: `neighbour ${n}`, email: `n${n}@neighbour.test` } });
            await db.order.findMany({ take: 20, orderBy: { placedAt: 'desc' } });
          });
          neighbourStats.operations++;
        } catch (error) {
          neighbourStats.errors.push(error instanceof Error ? error.message : String(error));
        }
      }
    })();

    const results: string[][] = [];
    let worstFreeze = 0;
    try {
      await new Promise((resolve) => setTimeout(resolve, 1000));
      for (const [index, to] of PATH.entries()) {
        console.log(`\nMove ${index + 1}/${PATH.length}: → ${to}`);
        const result = await moveTenantOnline(context, 'mover', parseDestination(to), {
          graceMs: GRACE_MS,
          progress: (step, message) => console.log(`  ${step.padEnd(9)} ${message}`),
        });
        worstFreeze = Math.max(worstFreeze, result.freezeMs);
        results.push([
          `${index + 1}`,
          `${result.from.split('/')[0]} → ${result.to.split('/')[0]}`,
          integer(result.rows),
          ms(result.provisionMs),
          ms(result.copyMs),
          `${integer(result.changes)} / ${result.rounds}`,
          ms(result.verifyMs),
          ms(result.freeze.waitMs),
          ms(result.freeze.drainMs),
          ms(result.freeze.recheckMs),
          ms(result.freeze.switchMs),
          ms(result.freezeMs),
          ms(result.cleanupMs),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    } finally {
      running = false;
      await writer.stop();
      await neighbourLoop;
    }

    const final = await placementOf();
    const url = final.tier === 'database' ? urlFor(second.bootstrapUrl, final.database, `${prefix}_ops`, 'bulkhead-local') : urls.ops;
    const schema = final.tier === 'schema' ? final.schema : 'public';
    const actual = await withClient(url, async (db) => {
      const customers = await db.query<{ id: string; name: string }>(
        `SELECT id::text AS id, name FROM "${schema}".customers WHERE tenant_id = $1 AND name LIKE 'writer %'`,
        [mover],
      );
      const orders = await db.query<{ id: string; notes: string | null }>(
        `SELECT id::text AS id, notes FROM "${schema}".orders WHERE tenant_id = $1`,
        [mover],
      );
      return { customers: new Map(customers.rows.map((r) => [r.id, r.name])), orders: new Map(orders.rows.map((r) => [r.id, r.notes])) };
    });
    const differences = await ledgerDifferences(writer.expected(), actual);
    await appPool.end();
    factory.close();

    console.log(
      `\n${PATH.length} moves of a tenant with ${integer(ORDERS)} orders (${integer(rowCount)} rows), a writer and a neighbour running (times in ms)\n`,
    );
    console.log(
      table(
        [
          '#',
          'move',
          'rows verified',
          'provision',
          'copy',
          'replayed / rounds',
          'verify (not frozen)',
          'freeze: wait',
          'drain',
          'recheck',
          'switch',
          'freeze',
          'grace + cleanup',
        ],
        ['r', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        results,
      ),
    );
    console.log(
      `\nWriter: ${integer(writer.stats.writes)} writes, ${integer(writer.stats.refusals)} refused by a freeze (longest refusal to next success ${ms(writer.stats.longestRefusalMs)} ms), ${writer.stats.errors.length} other errors.`,
    );
    console.log(
      `Ledger: ${differences.length === 0 ? 'every row as the writer last wrote it' : `${differences.length} differences: ${differences.slice(0, 5).join('; ')}`}.`,
    );
    console.log(`Neighbour: ${integer(neighbourStats.operations)} operations, ${neighbourStats.errors.length} errors.`);
    console.log(`Worst freeze: ${ms(worstFreeze)} ms (bound ${FREEZE_BOUND_MS} ms).`);
    failed = worstFreeze > FREEZE_BOUND_MS || differences.length > 0 || neighbourStats.errors.length > 0 || writer.stats.errors.length > 0;
    if (writer.stats.errors.length) console.log(`Writer errors: ${writer.stats.errors.slice(0, 5).join('; ')}`);
    if (neighbourStats.errors.length) console.log(`Neighbour errors: ${neighbourStats.errors.slice(0, 5).join('; ')}`);
  } finally {
    await cleanup();
  }
  if (failed) {
    console.log('FAILED: a bound did not hold.');
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
