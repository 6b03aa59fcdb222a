import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { isDeepStrictEqual } from 'node:util';

import { dropDatabase, dropRoles, migrate, provisionDatabase, type ProvisionedDatabase } from '@bulkhead/tenancy/admin';
import { acquireServer } from '@bulkhead/tenancy/server';
import pg from 'pg';

import {
  customerBreakdown,
  productBreakdown,
  reportStatements,
  revenueBuckets,
  revenueReport,
  statusBreakdown,
  type ReportRange,
  type RevenueReport,
} from '../../lib/billing/report';
import { closeAppPool } from '../../lib/db/pool';
import { runInTenant } from '../../lib/tenancy';
import { seedCommerce, type ExpectedFigures } from '../../prisma/seed/commerce';
import { cpuBetween, snapshotCpu } from './cpu';
import { describeServer, packageVersions } from './environment';
import { quantile, renderReportAtScale, reportAtScaleSummary, upsertSection } from './report';

// Does one tenant's revenue report cost O(its own rows)? The same tenant — 20,000 orders from the
// realistic generator — in two databases of one PostgreSQL, whose tables other tenants' orders and
// payments fill to about 200,000 and to about 5,000,000 rows. The report is timed through the
// tenant client (what a page gets) in rounds that alternate between the two databases, so a
// neighbour's burst or a slower minute of a shared machine falls on both sizes alike; each of its
// four statements is also timed alone and EXPLAINed as the runtime role in the tenant's context
// (row-level security changes plans). `npm run bench:report` writes docs/report-benchmark.md —
// only at the default sizes and runs; REPORT_OUTPUT=<file> writes a smaller run somewhere else.

const DEFAULTS = { orders: 20_000, sizes: '200000,5000000', runs: 60 } as const;
const TARGET_ORDERS = Number(process.env.REPORT_TENANT_ORDERS ?? DEFAULTS.orders);
const SIZES = (process.env.REPORT_SIZES ?? DEFAULTS.sizes).split(',').map(Number);
const RUNS = Number(process.env.REPORT_RUNS ?? DEFAULTS.runs);
const ROUNDS = 6;
const IS_DEFAULT_RUN = TARGET_ORDERS === DEFAULTS.orders && SIZES.join(',') === DEFAULTS.sizes && RUNS === DEFAULTS.runs;
const OUTPUT = process.env.REPORT_OUTPUT || (IS_DEFAULT_RUN ? 'docs/report-benchmark.md' : undefined);
const FILLER_TENANTS = 500;
const TIME_ZONE = 'America/New_York';
const TARGET = { ratio: 1.2, p50Ms: 300 } as const;
/** As in the noisy-neighbour bench: other processes above this many cores make a size's figures disturbed. */
const DISTURBED_CORES = 0.3;

const STATEMENTS: Record<keyof typeof reportStatements, (range: ReportRange, tz: string) => Promise<unknown>> = {
  buckets: revenueBuckets,
  status: statusBreakdown,
  products: productBreakdown,
  customers: customerBreakdown,
};
export type Statement = keyof typeof STATEMENTS;
const STATEMENT_NAMES = Object.keys(STATEMENTS) as Statement[];

const median = (values: number[]) =>
  quantile(
    [...values].sort((a, b) => a - b),
    0.5,
  );

// ─── One process per database ─────────────────────────────────────────────────────────────────────
// The app's pool and tenant clients are process-wide singletons bound to DATABASE_URL, so each
// database gets a worker process that runs the report through them, exactly as a page would.

interface Measured {
  tenantId: string;
  range: ReportRange;
  expected: ExpectedFigures;
}

type Request = { kind: 'reports'; runs: number } | { kind: 'statements' };
type Reply =
  | { kind: 'reports'; timings: number[]; nodeMs: number; rankings: Rankings }
  | { kind: 'statements'; ms: Record<Statement, number> }
  | { kind: 'error'; message: string };
type Rankings = Pick<RevenueReport, 'byStatus' | 'byProduct' | 'topCustomers'>;

/**
 * Every report must give the generator's totals and top products, and the same rankings as the
 * first one: other tenants' rows may change how long the answer takes, never the answer.
 */
function checkReport(report: RevenueReport, { expected }: Measured, first: { rankings?: Rankings }) {
  const expectedTop = Object.entries(expected.byProduct)
    .sort((a, b) => b[1].gross - a[1].gross)
    .slice(0, 10)
    .map(([sku, p]) => [sku, p.quantity, p.gross]);
  if (!isDeepStrictEqual(report.totals, expected.totals)) throw new Error(`wrong totals: ${JSON.stringify(report.totals)}`);
  if (
    !isDeepStrictEqual(
      report.byProduct.map((p) => [p.sku, p.quantity, p.gross]),
      expectedTop,
    )
  )
    throw new Error('wrong top products');
  const rankings = { byStatus: report.byStatus, byProduct: report.byProduct, topCustomers: report.topCustomers };
  first.rankings ??= rankings;
  if (!isDeepStrictEqual(rankings, first.rankings)) throw new Error('the rankings changed between two runs');
}

function worker(measured: Measured) {
  const asTenant = <T>(work: () => Promise<T>) => runInTenant({ tenantId: measured.tenantId, actorType: 'system' }, work);
  const first: { rankings?: Rankings } = {};
  const handle = async (request: Request): Promise<Reply> => {
    if (request.kind === 'reports') {
      const timings: number[] = [];
      const cpu = process.cpuUsage();
      for (let i = 0; i < request.runs; i++) {
        const started = performance.now();
        const report = await asTenant(() => revenueReport(measured.range));
        timings.push(performance.now() - started);
        checkReport(report, measured, first);
      }
      const used = process.cpuUsage(cpu);
      return { kind: 'reports', timings, nodeMs: (used.user + used.system) / 1000, rankings: first.rankings! };
    }
    const ms = {} as Record<Statement, number>;
    for (const name of STATEMENT_NAMES) {
      const times: number[] = [];
      for (let i = 0; i < 7; i++) {
        const started = performance.now();
        await asTenant(() => STATEMENTS[name](measured.range, TIME_ZONE));
        times.push(performance.now() - started);
      }
      ms[name] = median(times);
    }
    return { kind: 'statements', ms };
  };
  process.on('message', (request: Request) => {
    handle(request).then(
      (reply) => process.send!(reply),
      (error: unknown) => process.send!({ kind: 'error', message: String(error) } satisfies Reply),
    );
  });
  process.on('disconnect', () => void closeAppPool().finally(() => process.exit(0)));
}

class WorkerProcess {
  private readonly child: ChildProcess;

  constructor(appUrl: string, measured: Measured) {
    this.child = fork(import.meta.filename, ['--worker', JSON.stringify(measured)], { env: { ...process.env, DATABASE_URL: appUrl } });
  }

  ask<K extends Request['kind']>(request: Extract<Request, { kind: K }>): Promise<Extract<Reply, { kind: K }>> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`report worker exited (${code})`));
      this.child.once('exit', onExit);
      this.child.once('message', (reply: Reply) => {
        this.child.off('exit', onExit);
        if (reply.kind === 'error') reject(new Error(reply.message));
        else resolve(reply as Extract<Reply, { kind: K }>);
      });
      this.child.send(request);
    });
  }

  close(): void {
    if (this.child.connected) this.child.disconnect();
  }
}

// ─── Building the databases ────────────────────────────────────────────────────────────────────────

interface Sized {
  db: ProvisionedDatabase;
  measured: Measured;
  rows: number;
  fillSeconds: number;
}

async function buildDatabase(bootstrapUrl: string, name: string, size: number, log: (l: string) => void): Promise<Sized> {
  const db = await provisionDatabase({ bootstrapUrl, database: name, rolePrefix: name });
  await migrate({ connectionString: db.urls.migration });
  const ops = new pg.Client({ connectionString: db.urls.ops });
  await ops.connect();
  try {
    const {
      rows: [tenant],
    } = await ops.query<{ id: string }>(
      `INSERT INTO tenants (slug, name, timezone, currency) VALUES ('measured', 'Measured', $1, 'USD') RETURNING id`,
      [TIME_ZONE],
    );
    log(`${name}: seeding the measured tenant with ${TARGET_ORDERS.toLocaleString('en-US')} orders`);
    const expected = await seedCommerce(
      ops,
      { id: tenant!.id, slug: 'measured', timezone: TIME_ZONE, currency: 'USD' },
      { customers: 500, products: 40, orders: TARGET_ORDERS, months: 18, seed: 1, signature: 0, canary: 'CANARY-MEASURED' },
    );
    await ops.query(
      `WITH t AS (INSERT INTO tenants (slug, name) SELECT 'filler-' || g, 'Filler ' || g FROM generate_series(1, $1) g RETURNING id)
       INSERT INTO customers (tenant_id, name, email) SELECT id, 'Filler', 'filler@filler.test' FROM t`,
      [FILLER_TENANTS],
    );
    const fillSeconds = await fillTo(ops, db.urls.migration, size, (line) => log(`${name}: ${line}`));
    const rows = Number((await ops.query<{ n: string }>('SELECT count(*) AS n FROM payments')).rows[0]!.n);
    const months = Object.keys(expected.byMonth).sort();
    const range: ReportRange = { from: `${months[0]}-01`, to: new Date().toISOString().slice(0, 10), granularity: 'month' };
    return { db, measured: { tenantId: tenant!.id, range, expected }, rows, fillSeconds };
  } finally {
    await ops.end();
  }
}

async function fillTo(ops: pg.Client, ownerUrl: string, targetOrders: number, log: (l: string) => void) {
  const counted = await ops.query<{ n: string }>('SELECT count(*) AS n FROM orders');
  let missing = targetOrders - Number(counted.rows[0]!.n);
  const started = performance.now();
  const fillers = (
    await ops.query<{ id: string; customer: string }>(
      `SELECT t.id, c.id AS customer FROM tenants t JOIN LATERAL (SELECT id FROM customers WHERE ` +
        `tenant_id = t.id LIMIT 1) c ON true WHERE t.slug LIKE 'filler-%'`,
    )
  ).rows;
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
    log(`filled ${(targetOrders - missing).toLocaleString('en-US')} orders`);
  }
  // As the tables' owner: the ops role may not VACUUM or ANALYZE them, and PostgreSQL only warns
  // and skips — the plans would then rest on whatever autovacuum last sampled, mid-fill or not at all.
  const owner = new pg.Client({ connectionString: ownerUrl });
  await owner.connect();
  try {
    await owner.query('VACUUM ANALYZE tenants, customers, products, orders, order_items, payments, refunds');
  } finally {
    await owner.end();
  }
  return (performance.now() - started) / 1000;
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) of the very statement the report runs, as the runtime role with the
 * tenant set for the transaction — what the tenant client does — so the policies are in the plan.
 */
async function explain(appUrl: string, tenantId: string, statement: { text: string; values: unknown[] }) {
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  try {
    await app.query('BEGIN');
    await app.query(`SELECT set_config('app.tenant_id', $1, true)`, [tenantId]);
    const { rows } = await app.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF, SUMMARY ON) ${statement.text}`,
      statement.values,
    );
    await app.query('COMMIT');
    const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
    // The first Buffers line is the top node's: everything the statement touched (planning apart).
    const top = /Buffers: shared(?: hit=(\d+))?(?: read=(\d+))?/.exec(plan);
    return { plan, hit: Number(top?.[1] ?? 0), read: Number(top?.[2] ?? 0) };
  } finally {
    await app.end();
  }
}

// ─── The run ───────────────────────────────────────────────────────────────────────────────────────

export interface SizeResult {
  rows: number;
  fillSeconds: number;
  timings: number[];
  elapsedMs: number;
  nodeMs: number;
  postgresMs: number | undefined;
  /** Cores kept busy by everything but the bench's processes and the cluster, during this size's windows. */
  otherCores: number | undefined;
  statements: Record<Statement, { ms: number; hit: number; read: number; plan: string }>;
}

async function main() {
  const log = (line: string) => console.log(`[bench:report] ${line}`);
  const server = await acquireServer();
  const prefix = `bulkhead_r${randomBytes(3).toString('hex')}`;
  const names = SIZES.map((_, i) => `${prefix}_${i}`);
  const workers: WorkerProcess[] = [];
  try {
    const sized: Sized[] = [];
    for (const [i, size] of SIZES.entries()) sized.push(await buildDatabase(server.bootstrapUrl, names[i]!, size, log));
    // Write the bulk load out before timing, so the checkpointer does not share the timed windows.
    const bootstrap = new pg.Client({ connectionString: server.bootstrapUrl });
    await bootstrap.connect();
    await bootstrap.query('CHECKPOINT').finally(() => bootstrap.end());
    const pgInfo = await describeServer(sized[0]!.db.urls.ops);

    for (const s of sized) workers.push(new WorkerProcess(s.db.urls.app, s.measured));
    for (const w of workers) await w.ask({ kind: 'reports', runs: 3 }); // warm-up: clients, plans, caches
    const results: SizeResult[] = sized.map((s) => ({
      rows: s.rows,
      fillSeconds: s.fillSeconds,
      timings: [],
      elapsedMs: 0,
      nodeMs: 0,
      postgresMs: 0,
      otherCores: 0,
      statements: {} as SizeResult['statements'],
    }));
    const otherMs = results.map(() => 0);
    const rankings: Rankings[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? [...sized.keys()] : [...sized.keys()].reverse();
      for (const i of order) {
        const runs = Math.ceil(RUNS / ROUNDS);
        const before = snapshotCpu(pgInfo.postmasterPid);
        const started = performance.now();
        const reply = await workers[i]!.ask({ kind: 'reports', runs });
        const elapsedMs = performance.now() - started;
        const cpu = cpuBetween(before, snapshotCpu(pgInfo.postmasterPid));
        const r = results[i]!;
        r.timings.push(...reply.timings);
        r.elapsedMs += elapsedMs;
        r.nodeMs += reply.nodeMs;
        r.postgresMs = r.postgresMs === undefined || cpu.postgresMs === undefined ? undefined : r.postgresMs + cpu.postgresMs;
        // The parent's own CPU is bookkeeping; the worker's is the report's Node side.
        otherMs[i]! += cpu.machine ? Math.max(0, cpu.machine.busyMs - cpu.nodeMs - reply.nodeMs - (cpu.postgresMs ?? 0)) : NaN;
        rankings[i] = reply.rankings;
      }
    }
    for (const [i, r] of results.entries()) {
      r.timings.sort((a, b) => a - b);
      r.otherCores = Number.isNaN(otherMs[i]!) ? undefined : otherMs[i]! / r.elapsedMs;
    }
    // Same generator, same seed: the rankings must match across sizes, names and figures alike.
    const withoutIds = (x: Rankings) => ({
      ...x,
      byProduct: x.byProduct.map(({ productId: _, ...p }) => p),
      topCustomers: x.topCustomers.map(({ customerId: _, ...c }) => c),
    });
    if (rankings.some((r) => !isDeepStrictEqual(withoutIds(r), withoutIds(rankings[0]!))))
      throw new Error('the rankings differ between the sizes');

    for (const [i, s] of sized.entries()) {
      const { ms } = await workers[i]!.ask({ kind: 'statements' });
      for (const name of STATEMENT_NAMES) {
        results[i]!.statements[name] = {
          ms: ms[name],
          ...(await explain(s.db.urls.app, s.measured.tenantId, reportStatements[name](s.measured.range, TIME_ZONE))),
        };
      }
      const r = results[i]!;
      log(
        `payments ${r.rows.toLocaleString('en-US')}: report p50 ` +
          `${quantile(r.timings, 0.5).toFixed(1)} ms, p99 ${quantile(r.timings, 0.99).toFixed(1)} ms; alone ` +
          `${STATEMENT_NAMES.map((n) => `${n} ${r.statements[n].ms.toFixed(1)} ms`).join(', ')}`,
      );
    }

    const md = renderReportAtScale(results, {
      expected: sized[0]!.measured.expected,
      months: Object.keys(sized[0]!.measured.expected.byMonth).length,
      pgVersion: pgInfo.version,
      sharedBuffers: pgInfo.settings.shared_buffers ?? 'unknown',
      prisma: (await packageVersions()).prisma ?? 'unknown',
      targetOrders: TARGET_ORDERS,
      fillerTenants: FILLER_TENANTS,
      rounds: ROUNDS,
      target: TARGET,
      disturbedCores: DISTURBED_CORES,
      statementNames: STATEMENT_NAMES,
    });
    if (OUTPUT) await writeFile(OUTPUT, md);
    if (OUTPUT && IS_DEFAULT_RUN) {
      await upsertSection('docs/benchmarks.md', 'report-at-scale', reportAtScaleSummary(md));
      log('wrote its summary into docs/benchmarks.md (section report-at-scale)');
    }
    console.log(md);
    if (!OUTPUT) log('not the default sizes and runs, so docs/report-benchmark.md was left alone (REPORT_OUTPUT=<file> to write this run)');
  } finally {
    for (const w of workers) w.close();
    for (const name of names) {
      await dropDatabase(server.bootstrapUrl, name).catch(() => undefined);
      await dropRoles(server.bootstrapUrl, name).catch(() => undefined);
    }
    await server.release();
  }
}

if (process.argv[2] === '--worker') {
  worker(JSON.parse(process.argv[3]!) as Measured);
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
