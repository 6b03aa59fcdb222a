import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import pg from 'pg';
import { customerBreakdown, productBreakdown, revenueReport, statusBreakdown } from '../../lib/billing/report';
import { closeAppPool } from '../../lib/db/pool';
import { migrate } from '../../lib/db/migrate';
import { dropDatabase, dropRoles, provisionDatabase } from '../../lib/db/provision';
import { runInTenant } from '../../lib/tenancy';
import { seedCommerce } from '../../prisma/seed/commerce';
import { acquireServer } from '../db/server';
import { describeMachine, describeServer, packageVersions } from './environment';

// Does one tenant's revenue report cost O(its own rows)? One tenant with 20,000 orders (the
// realistic generator), then the tables filled with other tenants' orders and payments to about
// 200,000 and then about 5,000,000 rows. The same report for the same tenant is timed at both
// sizes through the tenant client (what a page gets), and its main statement is EXPLAINed, so the
// plans it relies on are on record. `npm run bench:report` — writes docs/report-benchmark.md.

const TARGET_ORDERS = Number(process.env.REPORT_TENANT_ORDERS ?? 20_000);
const SIZES = (process.env.REPORT_SIZES ?? '200000,5000000').split(',').map(Number);
const RUNS = Number(process.env.REPORT_RUNS ?? 30);
const FILLER_TENANTS = 500;

const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

async function fillTo(ops: pg.Client, targetOrders: number, log: (l: string) => void) {
  const counted = await ops.query<{ n: string }>('SELECT count(*) AS n FROM orders');
  let missing = targetOrders - Number(counted.rows[0]!.n);
  const started = performance.now();
  const fillers = (await ops.query<{ id: string; customer: string }>(
    `SELECT t.id, c.id AS customer FROM tenants t JOIN LATERAL (SELECT id FROM customers WHERE tenant_id = t.id LIMIT 1) c ON true WHERE t.slug LIKE 'filler-%'`,
  )).rows;
  const batch = 250_000;
  while (missing > 0) {
    const size = Math.min(batch, missing);
    // Spread each batch over the filler tenants and over the same 18 months as the measured tenant.
    await ops.query(
      `WITH f AS (SELECT row_number() OVER () - 1 AS k, id, customer FROM unnest($1::uuid[], $2::uuid[]) AS x(id, customer)),
            o AS (
              INSERT INTO orders (tenant_id, number, customer_id, currency, subtotal, total, status, placed_at, paid_at)
              SELECT f.id, 100000000 + $3 + g, f.customer, 'USD', 7 * (g % 500 + 1), 7 * (g % 500 + 1), 'paid',
                     now() - make_interval(secs => (g * 7919 % (540 * 86400))), now() - make_interval(secs => (g * 7919 % (540 * 86400)))
                FROM generate_series(1, $4) g JOIN f ON f.k = g % $5
              RETURNING tenant_id, id, total, placed_at)
       INSERT INTO payments (tenant_id, order_id, amount, received_at) SELECT tenant_id, id, total, placed_at FROM o`,
      [fillers.map((f) => f.id), fillers.map((f) => f.customer), targetOrders - missing, size, fillers.length],
    );
    missing -= size;
    log(`  filled ${(targetOrders - missing).toLocaleString('en-US')} orders`);
  }
  await ops.query('VACUUM ANALYZE orders, payments, refunds, order_items');
  return (performance.now() - started) / 1000;
}

async function main() {
  const log = (line: string) => console.log(`[bench:report] ${line}`);
  const server = await acquireServer();
  const prefix = `bulkhead_r${randomBytes(3).toString('hex')}`;
  const db = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database: prefix, rolePrefix: prefix });
  await migrate({ connectionString: db.urls.migration });
  process.env.DATABASE_URL = db.urls.app;
  const ops = new pg.Client({ connectionString: db.urls.ops });
  await ops.connect();
  const results: { rows: number; p50: number; p99: number; fillSeconds: number; plan: string }[] = [];
  try {
    const { rows: [tenant] } = await ops.query<{ id: string }>(`INSERT INTO tenants (slug, name, timezone, currency) VALUES ('measured', 'Measured', 'America/New_York', 'USD') RETURNING id`);
    log(`seeding the measured tenant with ${TARGET_ORDERS.toLocaleString('en-US')} orders`);
    const expected = await seedCommerce(ops, { id: tenant!.id, slug: 'measured', timezone: 'America/New_York', currency: 'USD' }, { customers: 500, products: 40, orders: TARGET_ORDERS, months: 18, seed: 1, signature: 0, canary: 'CANARY-MEASURED' });
    await ops.query(
      `WITH t AS (INSERT INTO tenants (slug, name) SELECT 'filler-' || g, 'Filler ' || g FROM generate_series(1, $1) g RETURNING id)
       INSERT INTO customers (tenant_id, name, email) SELECT id, 'Filler', 'filler@filler.test' FROM t`,
      [FILLER_TENANTS],
    );
    const months = Object.keys(expected.byMonth).sort();
    const range = { from: `${months[0]}-01`, to: new Date().toISOString().slice(0, 10), granularity: 'month' as const };

    for (const size of SIZES) {
      const fillSeconds = await fillTo(ops, size, log);
      const n = (await ops.query<{ n: string }>('SELECT count(*) AS n FROM payments')).rows[0]!.n;
      const timings: number[] = [];
      for (let i = 0; i < RUNS + 3; i++) {
        const started = performance.now();
        const report = await runInTenant({ tenantId: tenant!.id, actorType: 'system' }, () => revenueReport(range));
        if (i >= 3) timings.push(performance.now() - started); // three warm-up runs
        if (report.totals.net !== expected.totals.net) throw new Error(`wrong report at ${size}: ${report.totals.net} ≠ ${expected.totals.net}`);
      }
      timings.sort((a, b) => a - b);
      // Which statement grows: each breakdown alone, median of 5.
      const parts: [string, (r: typeof range, tz: string) => Promise<unknown>][] = [['status', statusBreakdown], ['products', productBreakdown], ['customers', customerBreakdown]];
      for (const [name, part] of parts) {
        const times: number[] = [];
        for (let i = 0; i < 5; i++) {
          const started = performance.now();
          await runInTenant({ tenantId: tenant!.id, actorType: 'system' }, () => part(range, 'America/New_York'));
          times.push(performance.now() - started);
        }
        times.sort((a, b) => a - b);
        log(`  ${name} breakdown: ${times[2]!.toFixed(1)} ms`);
      }
      const app = new pg.Client({ connectionString: db.urls.app });
      await app.connect();
      await app.query('BEGIN');
      await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenant!.id]);
      const plan = (await app.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON)
         SELECT date_trunc('month', p.received_at AT TIME ZONE 'America/New_York') AS bucket, sum(p.amount), count(*)
           FROM payments p
          WHERE p.tenant_id = bulkhead.current_tenant_id()
            AND p.received_at >= ($1::date::timestamp AT TIME ZONE 'America/New_York') AND p.received_at < ($2::date::timestamp AT TIME ZONE 'America/New_York')
          GROUP BY 1`,
        [range.from, range.to],
      )).rows.map((r) => r['QUERY PLAN']).join('\n');
      await app.query('COMMIT');
      await app.end();
      results.push({ rows: Number(n), p50: quantile(timings, 0.5), p99: quantile(timings, 0.99), fillSeconds, plan });
      log(`payments ${Number(n).toLocaleString('en-US')}: report p50 ${quantile(timings, 0.5).toFixed(1)} ms, p99 ${quantile(timings, 0.99).toFixed(1)} ms`);
    }

    const [small, large] = [results[0]!, results.at(-1)!];
    const machine = describeMachine();
    const versions = await packageVersions();
    const pgInfo = await describeServer(db.urls.ops);
    const md = `# Does a tenant's report grow with other tenants' data?

Generated by \`npm run bench:report\` on ${new Date().toISOString().slice(0, 10)} — ${machine.cores} cores, ${machine.node}, PostgreSQL ${pgInfo.version}, Prisma ${versions.prisma}.

One tenant with ${TARGET_ORDERS.toLocaleString('en-US')} orders (${expected.totals.payments.toLocaleString('en-US')} payments, the realistic seed generator) shares the tables with ${FILLER_TENANTS} other tenants whose orders and payments fill them. The measured call is \`revenueReport()\` through the tenant client — every statement of the report page (tenant, buckets, status, products, customers) — by month over ${months.length} months, ${RUNS} timed runs after 3 warm-ups; every result is checked against the generator's expected net revenue.

| Rows in payments | Report p50 | Report p99 | Fill time |
| ---: | ---: | ---: | ---: |
${results.map((r) => `| ${r.rows.toLocaleString('en-US')} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.fillSeconds.toFixed(0)} s |`).join('\n')}

**Ratio at ${large.rows.toLocaleString('en-US')} vs ${small.rows.toLocaleString('en-US')} rows: ${(large.p50 / small.p50).toFixed(2)}×** (target ≤ 1.2). p50 at the larger size: ${large.p50.toFixed(0)} ms (target < 300 ms).

## The plan it relies on (main statement, at ${large.rows.toLocaleString('en-US')} rows, as the runtime role)

\`\`\`
${large.plan}
\`\`\`
`;
    await writeFile('docs/report-benchmark.md', md);
    console.log(md);
  } finally {
    await ops.end();
    await closeAppPool();
    await dropDatabase(server.bootstrapUrl, prefix).catch(() => undefined);
    await dropRoles(server.bootstrapUrl, prefix).catch(() => undefined);
    await server.release();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
