import { setImmediate as nextTurn } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import pg from 'pg';

import { generateCommerce, writeCommerce, type CommerceTable, type CommerceTargets, type TenantCommerce } from '../prisma/seed/commerce';
import { openLocalDatabase, type LocalDatabase } from './db/local';

// `npm run seed -- --tenants 1000 --orders 1000000 [--skew zipf|uniform] [--seed 42] [--months 18] [--reset]`
//
// A benchmark dataset in the development database: tenants bench-0001 … with sizes on a Zipf curve
// (a few large tenants beside a long tail of small ones, as in a real SaaS), each with the same kind
// of history as the demo tenants (prisma/seed/commerce.ts): its own time zone and currency, canary
// CANARY-BENCH-<n>, amount signature n mod 7.
//
// Where: the database of `npm run dev` (the embedded PostgreSQL in .data/pg, started if needed, or
// the server in BOOTSTRAP_DATABASE_URL), migrated and demo-seeded as `npm run dev` does; or the
// database named by MIGRATION_DATABASE_URL (owner) and OPS_DATABASE_URL (BYPASSRLS) when both are
// set. Start over with --reset (deletes the bench tenants only) or by deleting .data/pg.
//
// How: rows are generated in TypeScript and sent as column arrays (unnest) into UNLOGGED staging
// tables, one set per batch of whole tenants; two other connections move staged batches into the
// real tables, one INSERT … SELECT per table, while the next batch is staged. PostgreSQL refuses
// COPY FROM into a table whose row-level security applies to the role ("COPY FROM not supported
// with row-level security"), so bulk loads go through tables without it: with pg-copy-streams
// installed, COPY could replace the unnest INSERT into staging and nothing else would change.
// Index and foreign-key upkeep in the real tables is the slow part; staging keeps parsing the next
// batch off the connections doing it.
//
// The move runs as the ops role with tenant_id in every row, not as the runtime role under
// set_config('app.tenant_id'): the runtime role would need to read the staging tables, which hold
// every tenant's rows without a policy — exactly what the runtime role must never be able to do —
// and a batch of hundreds of small tenants would become hundreds of transactions.

const STAGING_SCHEMA = 'bench_staging';
/** Whole tenants are batched up to this many orders (a larger tenant is a batch of its own). */
const BATCH_ORDERS = 25_000;
/** Connections moving staged batches into the real tables: index and foreign-key upkeep is the slow part. */
const MOVERS = 2;
const TABLES: CommerceTable[] = ['customers', 'products', 'orders', 'order_items', 'payments', 'refunds'];
const BENCH_SLUG_PATTERN = '^bench-[0-9]{4,}$';

// Time zones and currencies the bench tenants take in turn, so reports are exercised off UTC.
const LOCALES = [
  { timezone: 'America/New_York', currency: 'USD' },
  { timezone: 'Europe/Berlin', currency: 'EUR' },
  { timezone: 'Europe/London', currency: 'GBP' },
  { timezone: 'America/Los_Angeles', currency: 'USD' },
  { timezone: 'Asia/Kolkata', currency: 'INR' },
  { timezone: 'Australia/Sydney', currency: 'AUD' },
  { timezone: 'UTC', currency: 'USD' },
  { timezone: 'America/Sao_Paulo', currency: 'BRL' },
] as const;

const log = (line: string) => console.log(`[seed] ${line}`);

interface Args {
  tenants: number;
  orders: number;
  skew: 'zipf' | 'uniform';
  seed: number;
  months: number;
  reset: boolean;
}

interface BenchTenant {
  rank: number;
  slug: string;
  timezone: string;
  currency: string;
  orders: number;
  customers: number;
  products: number;
}

function parseArguments(): Args {
  const { values } = parseArgs({
    options: {
      tenants: { type: 'string', default: '100' },
      orders: { type: 'string', default: '100000' },
      skew: { type: 'string', default: 'zipf' },
      seed: { type: 'string', default: '42' },
      months: { type: 'string', default: '18' },
      reset: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const whole = (name: 'tenants' | 'orders' | 'seed' | 'months', min: number) => {
    const value = Number(values[name]);
    if (!Number.isSafeInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min}, got "${values[name]}"`);
    return value;
  };
  if (values.skew !== 'zipf' && values.skew !== 'uniform') throw new Error(`--skew must be zipf or uniform, got "${values.skew}"`);
  return {
    tenants: whole('tenants', 1),
    orders: whole('orders', 0),
    skew: values.skew,
    seed: whole('seed', 0),
    months: whole('months', 1),
    reset: values.reset,
  };
}

/** Orders per tenant, largest first, adding up to exactly `orders`; every tenant gets one when there are enough. */
function planTenants(args: Pick<Args, 'tenants' | 'orders' | 'skew'>): BenchTenant[] {
  const weights = Array.from({ length: args.tenants }, (_, i) => (args.skew === 'zipf' ? 1 / (i + 1) : 1));
  const floor = args.orders >= args.tenants ? 1 : 0;
  const spread = args.orders - floor * args.tenants;
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const exact = weights.map((w) => (spread * w) / weightSum);
  const sizes = exact.map((x) => floor + Math.floor(x));
  // Largest remainders take the orders rounding left over, so the total is exact.
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let left = args.orders - sizes.reduce((sum, n) => sum + n, 0), k = 0; left > 0; left--, k++)
    sizes[byRemainder[k % args.tenants]![1]]!++;
  const width = Math.max(4, String(args.tenants).length);
  return sizes.map((orders, i) => ({
    rank: i + 1,
    slug: `bench-${String(i + 1).padStart(width, '0')}`,
    ...LOCALES[i % LOCALES.length]!,
    orders,
    customers: Math.max(5, Math.round(orders / 12)),
    products: Math.min(200, 8 + Math.round(4 * Math.log2(1 + orders))),
  }));
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

async function openDatabase(): Promise<{ urls: { ops: string; migration: string }; local?: LocalDatabase }> {
  const [ops, migration] = [process.env.OPS_DATABASE_URL, process.env.MIGRATION_DATABASE_URL];
  if (ops && migration) return { urls: { ops, migration } };
  if (ops || migration)
    throw new Error('Set both OPS_DATABASE_URL and MIGRATION_DATABASE_URL, or neither to use the local development database.');
  const local = await openLocalDatabase(log);
  return { urls: local.urls, local };
}

/** Refuses to add to an existing bench dataset (its slugs are taken); --reset deletes it first. */
async function clearOrRefuse(ops: pg.Client, reset: boolean): Promise<void> {
  const { rows } = await ops.query<{ id: string; slug: string }>(`SELECT id, slug FROM tenants WHERE slug ~ $1 ORDER BY slug`, [
    BENCH_SLUG_PATTERN,
  ]);
  if (rows.length === 0) return;
  if (!reset) {
    throw new Error(
      `This database already holds ${rows.length} bench tenants (${rows[0]!.slug} … ${rows.at(-1)!.slug}). ` +
        'Run again with --reset to delete them first (or delete .data/ to reset the whole development database).',
    );
  }
  const started = performance.now();
  const ids = rows.map((r) => r.id);
  await ops.query('BEGIN');
  // Children first: a cascade from tenants would check every order's lines one row at a time.
  for (const table of [...TABLES].reverse()) await ops.query(`DELETE FROM ${table} WHERE tenant_id = ANY($1::uuid[])`, [ids]);
  await ops.query(`DELETE FROM tenants WHERE id = ANY($1::uuid[])`, [ids]);
  await ops.query('COMMIT');
  log(`--reset: deleted ${rows.length} bench tenants and their data in ${seconds(started)}`);
}

async function createTenants(ops: pg.Client, plan: BenchTenant[]): Promise<Map<string, string>> {
  const { rows } = await ops.query<{ id: string; slug: string }>(
    `INSERT INTO tenants (slug, name, timezone, currency, plan)
     SELECT slug, 'Bench tenant ' || rank, timezone, currency, (CASE WHEN rank <= 10 THEN 'enterprise' ELSE 'pro' END)::"Plan"
       FROM unnest($1::text[], $2::int[], $3::text[], $4::text[]) AS t(slug, rank, timezone, currency)
     RETURNING id, slug`,
    [plan.map((t) => t.slug), plan.map((t) => t.rank), plan.map((t) => t.timezone), plan.map((t) => t.currency)],
  );
  return new Map(rows.map((r) => [r.slug, r.id]));
}

/** Staging tables shaped like the real ones (same columns in the same order), without indexes or constraints but NOT NULL. */
async function createStaging(ops: pg.Client, batch: number): Promise<CommerceTargets> {
  const targets = {} as CommerceTargets;
  for (const table of TABLES) {
    targets[table] = `${STAGING_SCHEMA}.${table}_${batch}`;
    await ops.query(`CREATE UNLOGGED TABLE ${targets[table]} (LIKE public.${table} INCLUDING DEFAULTS)`);
  }
  return targets;
}

/** One transaction per batch: a tenant's commerce data lands whole or not at all. */
async function moveStaged(ops: pg.Client, targets: CommerceTargets): Promise<void> {
  try {
    await ops.query('BEGIN');
    for (const table of TABLES) await ops.query(`INSERT INTO public.${table} SELECT * FROM ${targets[table]}`);
    await ops.query('COMMIT');
  } catch (error) {
    await ops.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
  for (const table of TABLES) await ops.query(`DROP TABLE ${targets[table]}`);
}

function* batchesOf(plan: BenchTenant[]): Generator<BenchTenant[]> {
  let batch: BenchTenant[] = [];
  let orders = 0;
  for (const tenant of plan) {
    if (batch.length > 0 && orders + tenant.orders > BATCH_ORDERS) {
      yield batch;
      [batch, orders] = [[], 0];
    }
    batch.push(tenant);
    orders += tenant.orders;
  }
  if (batch.length > 0) yield batch;
}

const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en-US');
const rowsOf = (t: TenantCommerce) => Object.values(t.data).reduce((sum: number, rows: unknown[]) => sum + rows.length, 0);

/**
 * Moves staged batches into the real tables on a few connections of their own. Batches hold whole
 * tenants, so they are independent and may move in parallel; a move never rejects (the first
 * failure is kept and rethrown by the loader), so nothing goes unhandled while staging continues.
 */
class Movers {
  private readonly idle: pg.Client[];
  private readonly running = new Set<Promise<void>>();
  private failure: { error: unknown } | undefined;

  constructor(clients: pg.Client[]) {
    this.idle = [...clients];
  }

  /** Waits for a free connection (backpressure on staging), then starts moving the batch. */
  async start(targets: CommerceTargets, done: (ms: number) => void): Promise<void> {
    while (this.idle.length === 0) await Promise.race(this.running);
    this.throwIfFailed();
    const client = this.idle.pop()!;
    const started = performance.now();
    const move: Promise<void> = moveStaged(client, targets)
      .then(() => done(performance.now() - started))
      .catch((error: unknown) => {
        this.failure ??= { error };
      })
      .finally(() => {
        this.idle.push(client);
        this.running.delete(move);
      });
    this.running.add(move);
  }

  async finish(): Promise<void> {
    await Promise.all(this.running);
    this.throwIfFailed();
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }
}

async function main() {
  const args = parseArguments();
  const plan = planTenants(args);
  const { urls, local } = await openDatabase();
  const ops = await connect(urls.ops);
  const owner = await connect(urls.migration);
  const moverClients = await Promise.all(Array.from({ length: MOVERS }, () => connect(urls.ops)));
  try {
    await clearOrRefuse(ops, args.reset);
    log(
      `${count(args.tenants)} tenants, ${count(args.orders)} orders (${args.skew}: largest ${count(plan[0]!.orders)}, ` +
        `smallest ${count(plan.at(-1)!.orders)}), ${args.months} months, seed ${args.seed}`,
    );
    // The owner creates the schema and lends it to the ops role; the runtime role gets nothing on it.
    await owner.query(`DROP SCHEMA IF EXISTS ${STAGING_SCHEMA} CASCADE`);
    await owner.query(`CREATE SCHEMA ${STAGING_SCHEMA}`);
    await owner.query(
      `DO $$ BEGIN EXECUTE format('GRANT USAGE, CREATE ON SCHEMA ${STAGING_SCHEMA} TO %I', current_setting('bulkhead.ops_role')); END $$`,
    );

    const started = performance.now();
    const tenantIds = await createTenants(ops, plan);
    const now = new Date();
    const movers = new Movers(moverClients);
    const busy = { generating: 0, staging: 0, moving: 0 }; // ms per stage; they overlap
    let [batchNumber, ordersMoved, rowsMoved] = [0, 0, 0];

    for (const batch of batchesOf(plan)) {
      const parts: TenantCommerce[] = [];
      for (const tenant of batch) {
        const generating = performance.now();
        const tenantId = tenantIds.get(tenant.slug)!;
        const data = generateCommerce(
          { id: tenantId, slug: tenant.slug, timezone: tenant.timezone, currency: tenant.currency },
          {
            customers: tenant.customers,
            products: tenant.products,
            orders: tenant.orders,
            months: args.months,
            seed: args.seed * 1_000_003 + tenant.rank,
            signature: tenant.rank % 7,
            canary: `CANARY-BENCH-${tenant.slug.slice('bench-'.length)}`,
            now,
          },
        );
        parts.push({ tenantId, data });
        busy.generating += performance.now() - generating;
        await nextTurn(); // let the connections send and receive between tenants
      }
      const staging = performance.now();
      const targets = await createStaging(ops, ++batchNumber);
      await writeCommerce(ops, parts, targets);
      busy.staging += performance.now() - staging;

      const [batchOrders, batchRows] = [batch.reduce((sum, t) => sum + t.orders, 0), parts.reduce((sum, t) => sum + rowsOf(t), 0)];
      await movers.start(targets, (ms) => {
        busy.moving += ms;
        ordersMoved += batchOrders;
        rowsMoved += batchRows;
        const rate = rowsMoved / ((performance.now() - started) / 1000);
        log(
          `${count(ordersMoved)} / ${count(args.orders)} orders (${Math.floor((100 * ordersMoved) / Math.max(args.orders, 1))}%), ` +
            `${count(rowsMoved)} rows in ${seconds(started)}: ${count(Math.round(rate))} rows/s`,
        );
      });
    }
    await movers.finish();
    const loadedIn = seconds(started);
    log(
      `busy (overlapping): generating ${(busy.generating / 1000).toFixed(1)} s, staging ${(busy.staging / 1000).toFixed(1)} s, moving ${(busy.moving / 1000).toFixed(1)} s`,
    );

    await owner.query(`DROP SCHEMA ${STAGING_SCHEMA} CASCADE`);
    const vacuumStarted = performance.now();
    // As the table owner: statistics for the planner and a fresh visibility map, so the first
    // benchmark queries neither plan blind nor pay for setting hint bits.
    await owner.query(`VACUUM (ANALYZE) tenants, ${TABLES.join(', ')}`);
    log(`loaded ${count(rowsMoved)} rows (${count(args.orders)} orders) in ${loadedIn}; VACUUM (ANALYZE) ${seconds(vacuumStarted)}`);
    log(`done in ${seconds(started)}: ${count(Math.round(rowsMoved / ((performance.now() - started) / 1000)))} rows/s overall`);
  } finally {
    await owner.query(`DROP SCHEMA IF EXISTS ${STAGING_SCHEMA} CASCADE`).catch(() => undefined);
    await Promise.all([ops, owner, ...moverClients].map((client) => client.end()));
    await local?.cluster?.stop();
  }
}

main().catch((error: unknown) => {
  console.error(`[seed] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
