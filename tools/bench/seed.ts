import pg from 'pg';

import type { Plan } from '../../lib/tenancy/context';

// The benchmark's dataset: many tenants of very different sizes, written set-based through the
// ops role (BYPASSRLS). Row-by-row inserts of a million orders would take longer than the whole
// benchmark, and COPY into a table under row-level security is refused for some roles, so every
// table is filled by one INSERT … SELECT … FROM generate_series per chunk of tenants.
//
// Sizes follow a Zipf-like curve on top of a floor: the largest tenant holds tens of thousands of
// orders, the long tail a few dozen each (10,000 tenants, a million orders) — the shape of a real
// SaaS, where a noisy few sit beside many quiet ones and isolation must not get slower for either.

export interface TenantPlan {
  slug: string;
  orders: number;
  customers: number;
}

export interface DatasetPlan {
  tenants: TenantPlan[];
  /** Share of all orders spread evenly as every tenant's floor; the rest follows 1/rank. */
  floorShare: number;
  zipfExponent: number;
}

const FLOOR_SHARE = 0.3;
/** Plans by size rank: the 10 largest tenants on enterprise, the rest of the first 1,000 on pro, the tail on free. */
export const PLAN_RANKS = { enterprise: 10, pro: 1_000 } as const;
const ZIPF_EXPONENT = 1;
const ORDERS_PER_CUSTOMER = 10;
const MIN_CUSTOMERS = 10;
/** Orders per INSERT statement: big enough to be set-based, small enough to run two at a time. */
const ORDERS_PER_CHUNK = 100_000;
/** One chunk per core: the other process (Node) is idle while we seed. */
const PARALLEL_CHUNKS = 2;

export const slugOf = (rank: number) => `bench-${String(rank).padStart(5, '0')}`;

/** Tenant sizes, largest first, summing to exactly `orderCount`. */
export function planDataset(tenantCount: number, orderCount: number): DatasetPlan {
  const floor = Math.floor((orderCount * FLOOR_SHARE) / tenantCount);
  const weights = Array.from({ length: tenantCount }, (_, i) => 1 / (i + 1) ** ZIPF_EXPONENT);
  const weightSum = weights.reduce((sum, w) => sum + w, 0);
  const skewed = orderCount - floor * tenantCount;
  const sizes = weights.map((w) => floor + Math.floor((skewed * w) / weightSum));
  // Rounding leaves a few orders over; the smallest tenants take them so the largest stays exact.
  const leftover = orderCount - sizes.reduce((sum, n) => sum + n, 0);
  for (let i = 0; i < leftover; i++) sizes[tenantCount - 1 - (i % tenantCount)] = sizes[tenantCount - 1 - (i % tenantCount)]! + 1;
  return {
    floorShare: FLOOR_SHARE,
    zipfExponent: ZIPF_EXPONENT,
    tenants: sizes.map((orders, i) => ({
      slug: slugOf(i + 1),
      orders,
      customers: Math.max(MIN_CUSTOMERS, Math.round(orders / ORDERS_PER_CUSTOMER)),
    })),
  };
}

export interface SeedTimings {
  tenantsAndCustomersMs: number;
  ordersMs: number;
  vacuumAnalyzeMs: number;
  totalMs: number;
}

/**
 * Writes the plan through `opsUrl` (BYPASSRLS), then VACUUM ANALYZEs as the table owner so the
 * planner has statistics and the first timed reads do not pay for setting hint bits.
 */
export async function seedDataset(
  plan: DatasetPlan,
  urls: { ops: string; owner: string },
  log: (line: string) => void,
): Promise<SeedTimings> {
  const started = performance.now();
  const pool = new pg.Pool({ connectionString: urls.ops, max: PARALLEL_CHUNKS });
  try {
    await insertTenantsAndCustomers(pool, plan.tenants);
    const tenantsAndCustomersMs = performance.now() - started;
    log(`  tenants and customers: ${(tenantsAndCustomersMs / 1000).toFixed(1)} s`);

    const ordersStarted = performance.now();
    const chunks = chunkByOrders(plan.tenants, ORDERS_PER_CHUNK);
    let done = 0;
    await runWithConcurrency(chunks, PARALLEL_CHUNKS, async (chunk, index) => {
      await insertOrders(pool, chunk, index);
      done += chunk.reduce((sum, tenant) => sum + tenant.orders, 0);
      log(`  orders: ${done.toLocaleString('en-US')} written (${((performance.now() - ordersStarted) / 1000).toFixed(1)} s)`);
    });
    const ordersMs = performance.now() - ordersStarted;

    const vacuumStarted = performance.now();
    const owner = new pg.Client({ connectionString: urls.owner });
    await owner.connect();
    try {
      // Every table the benchmark reads, the fairness tenants' (seeded before) included.
      await owner.query('VACUUM (ANALYZE) tenants, customers, products, orders, order_items, payments, refunds');
    } finally {
      await owner.end();
    }
    const vacuumAnalyzeMs = performance.now() - vacuumStarted;
    log(`  VACUUM (ANALYZE): ${(vacuumAnalyzeMs / 1000).toFixed(1)} s`);
    return { tenantsAndCustomersMs, ordersMs, vacuumAnalyzeMs, totalMs: performance.now() - started };
  } finally {
    await pool.end();
  }
}

async function insertTenantsAndCustomers(pool: pg.Pool, tenants: TenantPlan[]): Promise<void> {
  const slugs = tenants.map((t) => t.slug);
  await pool.query(
    `INSERT INTO tenants (slug, name, plan)
     SELECT p.slug, 'Bench tenant ' || p.rank, (CASE WHEN p.rank <= $2 THEN 'enterprise' WHEN ` +
      `p.rank <= $3 THEN 'pro' ELSE 'free' END)::"Plan"
       FROM unnest($1::text[]) WITH ORDINALITY AS p(slug, rank)`,
    [slugs, PLAN_RANKS.enterprise, PLAN_RANKS.pro],
  );
  await pool.query(
    `INSERT INTO customers (tenant_id, name, email)
     SELECT t.id, 'Customer ' || c, 'customer' || c || '@' || t.slug || '.example'
       FROM unnest($1::text[], $2::int[]) AS p(slug, customer_count)
       JOIN tenants t ON t.slug = p.slug
      CROSS JOIN generate_series(1, p.customer_count) AS c`,
    [slugs, tenants.map((t) => t.customers)],
  );
}

// Status mix of a shop that mostly gets paid (12 of 20 draws), and placed_at spread over two years,
// so "the 20 most recent paid orders" must use the (tenant_id, status, placed_at) index.
const INSERT_ORDERS = `
-- MATERIALIZED: otherwise the planner may join the per-tenant customer list after generate_series
-- and rebuild a big tenant's array once per order.
WITH plan AS MATERIALIZED (
  SELECT t.id AS tenant_id, p.order_count, c.ids AS customer_ids
    FROM unnest($1::text[], $2::int[]) AS p(slug, order_count)
    JOIN tenants t ON t.slug = p.slug
   CROSS JOIN LATERAL (SELECT array_agg(id) AS ids FROM customers WHERE tenant_id = t.id) AS c
)
INSERT INTO orders (tenant_id, number, customer_id, status, currency, subtotal, total, placed_at, paid_at)
SELECT tenant_id, n, customer_id, status, 'USD', amount, amount, placed_at,
       CASE WHEN status IN ('paid', 'partially_refunded', 'refunded') THEN placed_at + interval '2 hours' END
  FROM (
    -- A sub-select, not a CTE: a CTE with random() is materialized (a big tenant's customer array
    -- copied into every row), while a sub-select's random() still runs exactly once per row.
    SELECT plan.tenant_id, n,
           plan.customer_ids[1 + floor(random() * cardinality(plan.customer_ids))::int] AS customer_id,
           (array_fill('paid'::"OrderStatus", ARRAY[12]) || array_fill('pending'::"OrderStatus", ARRAY[3])
             || array_fill('cancelled'::"OrderStatus", ARRAY[2]) || ARRAY['draft', 'partially_refunded', 'refunded']::"OrderStatus"[]
           )[1 + floor(random() * 20)::int] AS status,
           (500 + random() * 49500)::int AS amount,
           date_trunc('milliseconds', now() - random() * interval '730 days') AS placed_at
      FROM plan CROSS JOIN generate_series(1, plan.order_count) AS n
  ) AS drawn`;

async function insertOrders(pool: pg.Pool, tenants: TenantPlan[], chunkIndex: number): Promise<void> {
  const client = await pool.connect();
  try {
    // A fixed seed per chunk: the same plan gives the same statuses, amounts and dates every run.
    await client.query('SELECT setseed($1)', [((chunkIndex * 7919) % 1000) / 1000]);
    await client.query(INSERT_ORDERS, [tenants.map((t) => t.slug), tenants.map((t) => t.orders)]);
  } finally {
    client.release();
  }
}

function chunkByOrders(tenants: TenantPlan[], ordersPerChunk: number): TenantPlan[][] {
  const chunks: TenantPlan[][] = [];
  let current: TenantPlan[] = [];
  let size = 0;
  for (const tenant of tenants) {
    if (size > 0 && size + tenant.orders > ordersPerChunk) {
      chunks.push(current);
      current = [];
      size = 0;
    }
    current.push(tenant);
    size += tenant.orders;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

async function runWithConcurrency<T>(items: T[], concurrency: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index]!, index);
    }
  });
  await Promise.all(lanes);
}

export interface SampledTenant {
  id: string;
  slug: string;
  /** The tenant's plan as stored (what lib/auth passes to the tenant client): its pool share. */
  plan: Plan;
  orders: number;
  paidOrders: number;
  /** A random sample of this tenant's order ids, to look up during the run. */
  orderIds: string[];
}

/**
 * What the timed loops draw from, read through the ops role before any timing starts: for the
 * first `tenants` tenants (largest first), their real order and paid-order counts (the expected
 * answer sizes) and a random sample of their ids.
 */
export async function loadSample(
  opsUrl: string,
  { idsPerTenant, tenants }: { idsPerTenant: number; tenants: number },
): Promise<SampledTenant[]> {
  const client = new pg.Client({ connectionString: opsUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; slug: string; plan: Plan; orders: number; paid_orders: number; order_ids: string[] }>(
      `SELECT t.id, t.slug, t.plan::text AS plan, counts.orders, counts.paid_orders, sample.order_ids
         FROM (SELECT * FROM tenants WHERE slug LIKE 'bench-%' ORDER BY slug LIMIT $2) t
        CROSS JOIN LATERAL (SELECT count(*)::int AS orders, (count(*) FILTER (WHERE o.status = 'paid'))::int AS paid_orders
                              FROM orders o WHERE o.tenant_id = t.id) AS counts
        CROSS JOIN LATERAL (SELECT array_agg(s.id) AS order_ids
                              FROM (SELECT o.id FROM orders o WHERE o.tenant_id = t.id ORDER BY random() LIMIT $1) AS s) AS sample
        ORDER BY t.slug`,
      [idsPerTenant, tenants],
    );
    return rows.map((row) => ({
      id: row.id,
      slug: row.slug,
      plan: row.plan,
      orders: row.orders,
      paidOrders: row.paid_orders,
      orderIds: row.order_ids ?? [],
    }));
  } finally {
    await client.end();
  }
}
