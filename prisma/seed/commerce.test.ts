import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { setupTestDatabase } from '@/test/db';
import { withClient } from '@/test/fixtures';

import {
  generateCommerce,
  seedCommerce,
  splitUnits,
  type CommerceData,
  type CommerceOptions,
  type CommerceTenant,
  type ExpectedFigures,
  type RevenueFigures,
} from './commerce';
import { Random } from './random';

// The generator's promises, checked against PostgreSQL through the ops role: the data is the same
// for the same seed, every amount carries its tenant's signature, canaries sit only where they are
// meant to, orders add up, and the figures computed in TypeScript match aggregates written here in
// SQL — monthly buckets with AT TIME ZONE, so the TypeScript calendar is checked against the server's.

const database = setupTestDatabase();
const NOW = new Date('2026-11-23T17:00:00Z');

interface Seeded {
  tenant: CommerceTenant;
  options: CommerceOptions;
  figures: ExpectedFigures;
  ms: number;
}

const PLANS = {
  acme: {
    timezone: 'America/New_York',
    currency: 'USD',
    options: { customers: 300, products: 40, orders: 5_000, months: 18, seed: 1, signature: 0, canary: 'CANARY-ACME' },
  },
  globex: {
    timezone: 'Europe/Berlin',
    currency: 'EUR',
    options: { customers: 240, products: 32, orders: 5_000, months: 18, seed: 2, signature: 1, canary: 'CANARY-GLOBEX' },
  },
  // Two small tenants seeded alike: same content, different ids.
  'twin-a': {
    timezone: 'Asia/Kolkata',
    currency: 'INR',
    options: { customers: 40, products: 12, orders: 400, months: 6, seed: 9, signature: 3, canary: 'CANARY-TWIN-A' },
  },
  'twin-b': {
    timezone: 'Asia/Kolkata',
    currency: 'INR',
    options: { customers: 40, products: 12, orders: 400, months: 6, seed: 9, signature: 3, canary: 'CANARY-TWIN-B' },
  },
} as const;
type Slug = keyof typeof PLANS;
const seeded = {} as Record<Slug, Seeded>;

beforeAll(async () => {
  await withClient(database.current.urls.ops, async (db) => {
    // A user in each tenant, to show the seed leaves people's rows alone.
    for (const [slug, plan] of Object.entries(PLANS) as [Slug, (typeof PLANS)[Slug]][]) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO tenants (slug, name, timezone, currency) VALUES ($1, $2, $3, $4) RETURNING id`,
        [slug, `Tenant ${slug}`, plan.timezone, plan.currency],
      );
      const user = await db.query<{ id: string }>(`INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id`, [
        `owner@${slug}.test`,
        `Owner of ${slug}`,
      ]);
      await db.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [rows[0]!.id, user.rows[0]!.id]);
      const tenant = { id: rows[0]!.id, slug, timezone: plan.timezone, currency: plan.currency };
      const options = { ...plan.options, now: NOW };
      const started = performance.now();
      await db.query('BEGIN');
      const figures = await seedCommerce(db, tenant, options);
      await db.query('COMMIT');
      seeded[slug] = { tenant, options, figures, ms: performance.now() - started };
    }
  });
}, 60_000);

const ops = <T>(fn: (db: pg.Client) => Promise<T>) => withClient(database.current.urls.ops, fn);

describe('a seed always produces the same data', () => {
  it('generating twice with the same seed gives the same rows, ids included; another seed gives others', () => {
    const { tenant, options } = seeded.globex;
    const again = generateCommerce(tenant, options);
    expect(generateCommerce(tenant, options)).toEqual(again);
    expect(generateCommerce(tenant, { ...options, seed: options.seed + 1 }).orders.map((o) => o.total)).not.toEqual(
      again.orders.map((o) => o.total),
    );
  });

  it('the database holds exactly the generated rows', async () => {
    const { tenant, options } = seeded.globex;
    expect(await readBack(tenant.id)).toEqual(sortedLikeReadBack(generateCommerce(tenant, options)));
  });

  it('two tenants seeded alike hold the same content under different ids', async () => {
    const [a, b] = [await readBack(seeded['twin-a'].tenant.id), await readBack(seeded['twin-b'].tenant.id)];
    expect(a.orders).toHaveLength(400);
    // Ids differ by design (they also depend on the tenant); the canary and the email domain are the tenant's own.
    const neutral = (data: CommerceData, slug: string, canary: string) =>
      JSON.stringify(data, (key, value: unknown) =>
        key === 'id' || key.endsWith('Id')
          ? undefined
          : typeof value === 'string'
            ? value.replaceAll(canary, 'CANARY').replaceAll(`@${slug}.test`, '@SLUG.test')
            : value,
      );
    expect(neutral(a, 'twin-a', 'CANARY-TWIN-A')).toEqual(neutral(b, 'twin-b', 'CANARY-TWIN-B'));
    const idsOf = (data: CommerceData) => new Set([...data.customers, ...data.orders, ...data.orderItems].map((row) => row.id));
    const shared = [...idsOf(a)].filter((id) => idsOf(b).has(id));
    expect(shared).toEqual([]);
  });

  it('refuses to seed a tenant that already has commerce data', async () => {
    await ops(async (db) => {
      await expect(seedCommerce(db, seeded.acme.tenant, seeded.acme.options)).rejects.toThrow(/already has commerce data/);
    });
  });
});

describe('amount signature', () => {
  it.each(Object.keys(PLANS) as Slug[])(
    'every amount of %s is ≡ its signature (mod 7); line totals ≡ signature × quantity',
    async (slug) => {
      const { tenant, options } = seeded[slug];
      const { rows } = await ops((db) =>
        db.query(
          `SELECT (SELECT count(*) FROM products    WHERE tenant_id = $1 AND unit_price % 7 <> $2)::int AS product_prices,
                (SELECT count(*) FROM order_items WHERE tenant_id = $1 AND unit_price % 7 <> $2)::int AS item_prices,
                (SELECT count(*) FROM order_items WHERE tenant_id = $1 AND total % 7 <> ($2 * quantity) % 7)::int AS item_totals,
                (SELECT count(*) FROM order_items WHERE tenant_id = $1 AND $2 <> 0 AND total % 7 = 0)::int AS item_totals_like_zero,
                (SELECT count(*) FROM orders      WHERE tenant_id = $1 AND (subtotal % 7 <> $2 OR total % 7 <> $2))::int AS order_totals,
                (SELECT count(*) FROM payments    WHERE tenant_id = $1 AND amount % 7 <> $2)::int AS payments,
                (SELECT count(*) FROM refunds     WHERE tenant_id = $1 AND amount % 7 <> $2)::int AS refunds`,
          [tenant.id, options.signature],
        ),
      );
      expect(rows[0]).toEqual({
        product_prices: 0,
        item_prices: 0,
        item_totals: 0,
        item_totals_like_zero: 0,
        order_totals: 0,
        payments: 0,
        refunds: 0,
      });
    },
  );

  it('quantities add up to 1, 8 or 15 units per order, never 7 or 14 on a line', () => {
    const random = new Random('quantities');
    for (let n = 0; n < 5_000; n++) {
      const quantities = splitUnits(random, 1 + (n % 5));
      expect([1, 8, 15]).toContain(quantities.reduce((a, b) => a + b, 0));
      expect(quantities.every((q) => q >= 1 && q % 7 !== 0)).toBe(true);
    }
  });
});

describe('canaries', () => {
  it('appear in every customer note and SKU of their own tenant, and in no other column or table', async () => {
    for (const slug of Object.keys(PLANS) as Slug[]) {
      const { tenant, options } = seeded[slug];
      const { rows } = await ops((db) =>
        db.query(
          `SELECT (SELECT count(*) FROM customers WHERE tenant_id = $1 AND position($2 in notes) = 0)::int AS notes_without,
                  (SELECT count(*) FROM customers WHERE tenant_id = $1 AND email NOT LIKE '%@' || $3 || '.test')::int AS foreign_emails,
                  (SELECT count(*) FROM customers WHERE tenant_id = $1 AND position($2 in concat_ws(' ', name, email, phone, company)) > 0)::int AS in_other_customer_columns,
                  (SELECT count(*) FROM products  WHERE tenant_id = $1 AND NOT starts_with(sku, $2 || '-'))::int AS skus_without,
                  (SELECT count(*) FROM products  WHERE tenant_id = $1 AND position($2 in concat_ws(' ', name, description)) > 0)::int AS in_other_product_columns,
                  (SELECT count(*) FROM orders o      WHERE tenant_id = $1 AND position('CANARY' in o::text) > 0)::int AS orders,
                  (SELECT count(*) FROM order_items i WHERE tenant_id = $1 AND position('CANARY' in i::text) > 0)::int AS order_items,
                  (SELECT count(*) FROM payments p    WHERE tenant_id = $1 AND position('CANARY' in p::text) > 0)::int AS payments,
                  (SELECT count(*) FROM refunds r     WHERE tenant_id = $1 AND position('CANARY' in r::text) > 0)::int AS refunds,
                  (SELECT count(*) FROM customers c   WHERE tenant_id <> $1 AND position($2 in c::text) > 0)::int AS in_other_tenants_customers,
                  (SELECT count(*) FROM products p    WHERE tenant_id <> $1 AND position($2 in p::text) > 0)::int AS in_other_tenants_products`,
          [tenant.id, options.canary, tenant.slug],
        ),
      );
      expect({ slug, ...rows[0] }).toEqual({
        slug,
        notes_without: 0,
        foreign_emails: 0,
        in_other_customer_columns: 0,
        skus_without: 0,
        in_other_product_columns: 0,
        orders: 0,
        order_items: 0,
        payments: 0,
        refunds: 0,
        in_other_tenants_customers: 0,
        in_other_tenants_products: 0,
      });
    }
  });

  it('never appear in tenants, users or memberships', async () => {
    const { rows } = await ops((db) =>
      db.query(
        `SELECT (SELECT count(*) FROM tenants t     WHERE position('CANARY' in upper(t::text)) > 0)::int AS tenants,
                (SELECT count(*) FROM users u       WHERE position('CANARY' in upper(u::text)) > 0)::int AS users,
                (SELECT count(*) FROM memberships m WHERE position('CANARY' in upper(m::text)) > 0)::int AS memberships`,
      ),
    );
    expect(rows[0]).toEqual({ tenants: 0, users: 0, memberships: 0 });
  });
});

describe('orders add up', () => {
  it.each(['acme', 'globex'] as const)(
    '%s: totals = Σ line totals, payments and refunds follow the status, nothing after now',
    async (slug) => {
      const { tenant } = seeded[slug];
      const { rows } = await ops((db) =>
        db.query(
          `WITH lines AS (SELECT order_id, count(*) AS n, sum(quantity) AS units, sum(total) AS total,
                               count(*) FILTER (WHERE total <> quantity * unit_price) AS wrong_lines
                          FROM order_items WHERE tenant_id = $1 GROUP BY order_id),
              paid AS (SELECT order_id, count(*) AS n, sum(amount) AS amount, min(received_at) AS received_at FROM payments WHERE tenant_id = $1 GROUP BY order_id),
              refunded AS (SELECT order_id, count(*) AS n, sum(amount) AS amount, min(refunded_at) AS first_at FROM refunds WHERE tenant_id = $1 GROUP BY order_id)
         SELECT count(*) FILTER (WHERE l.order_id IS NULL OR l.n > 5 OR l.wrong_lines > 0)::int AS bad_lines,
                count(*) FILTER (WHERE o.subtotal <> o.total OR o.total <> l.total)::int AS totals_not_sum_of_lines,
                count(*) FILTER (WHERE l.units % 7 <> 1)::int AS units_off_signature,
                count(*) FILTER (WHERE o.status IN ('paid', 'partially_refunded', 'refunded')
                                   AND (p.n IS DISTINCT FROM 1 OR p.amount <> o.total OR p.received_at <= o.placed_at OR o.paid_at <> p.received_at))::int AS bad_payments,
                count(*) FILTER (WHERE o.status IN ('pending', 'cancelled', 'draft') AND (p.n IS NOT NULL OR r.n IS NOT NULL OR o.paid_at IS NOT NULL))::int AS unpaid_with_money,
                count(*) FILTER (WHERE (o.status = 'cancelled') <> (o.cancelled_at IS NOT NULL) OR o.cancelled_at <= o.placed_at)::int AS bad_cancellations,
                count(*) FILTER (WHERE o.status = 'refunded' AND (r.n IS DISTINCT FROM 1 OR r.amount <> o.total))::int AS bad_full_refunds,
                count(*) FILTER (WHERE o.status = 'partially_refunded' AND NOT (r.amount > 0 AND r.amount < o.total))::int AS bad_partial_refunds,
                count(*) FILTER (WHERE o.status = 'paid' AND r.n IS NOT NULL)::int AS paid_with_refunds,
                count(*) FILTER (WHERE r.first_at <= p.received_at)::int AS refunds_before_payment,
                count(*) FILTER (WHERE greatest(o.placed_at, p.received_at, o.cancelled_at, o.updated_at) > $2)::int AS in_the_future
           FROM orders o
           LEFT JOIN lines l ON l.order_id = o.id
           LEFT JOIN paid p ON p.order_id = o.id
           LEFT JOIN refunded r ON r.order_id = o.id
          WHERE o.tenant_id = $1`,
          [tenant.id, NOW],
        ),
      );
      expect(rows[0]).toEqual({
        bad_lines: 0,
        totals_not_sum_of_lines: 0,
        units_off_signature: 0,
        bad_payments: 0,
        unpaid_with_money: 0,
        bad_cancellations: 0,
        bad_full_refunds: 0,
        bad_partial_refunds: 0,
        paid_with_refunds: 0,
        refunds_before_payment: 0,
        in_the_future: 0,
      });
    },
  );

  it('statuses look like a real shop: mostly paid, some pending, a few cancelled, some refunds', () => {
    const { byStatus, total } = seeded.acme.figures.orders;
    expect(byStatus.paid / total).toBeGreaterThan(0.75);
    for (const status of ['pending', 'cancelled', 'refunded', 'partially_refunded'] as const) {
      expect(byStatus[status] / total, status).toBeGreaterThan(0.01);
      expect(byStatus[status] / total, status).toBeLessThan(0.1);
    }
  });
});

describe('expected figures match independent SQL', () => {
  // Written here, not imported: a report query that shares code with the generator would share its bugs.
  const MONTHLY = (zone: 'tenant' | 'utc') => `
    WITH zone AS (SELECT ${zone === 'tenant' ? 'timezone' : `'UTC'::text`} AS name FROM tenants WHERE id = $1),
         money AS (
           SELECT to_char(p.received_at AT TIME ZONE zone.name, 'YYYY-MM') AS month, p.amount AS gross, 0 AS refunds, 1 AS payments, 0 AS refund_count
             FROM payments p, zone WHERE p.tenant_id = $1
           UNION ALL
           SELECT to_char(r.refunded_at AT TIME ZONE zone.name, 'YYYY-MM'), 0, r.amount, 0, 1
             FROM refunds r, zone WHERE r.tenant_id = $1)
    SELECT month, sum(gross)::int8 AS gross, sum(refunds)::int8 AS refunds, (sum(gross) - sum(refunds))::int8 AS net,
           sum(payments)::int AS payments, sum(refund_count)::int AS refund_count
      FROM money GROUP BY month ORDER BY month`;

  async function monthly(tenantId: string, zone: 'tenant' | 'utc'): Promise<Record<string, RevenueFigures>> {
    const { rows } = await ops((db) =>
      db.query<{ month: string; gross: string; refunds: string; net: string; payments: number; refund_count: number }>(MONTHLY(zone), [
        tenantId,
      ]),
    );
    return Object.fromEntries(
      rows.map((r) => [
        r.month,
        { gross: Number(r.gross), refunds: Number(r.refunds), net: Number(r.net), payments: r.payments, refundCount: r.refund_count },
      ]),
    );
  }
  const active = (byMonth: Record<string, RevenueFigures>) =>
    Object.fromEntries(Object.entries(byMonth).filter(([, m]) => m.payments > 0 || m.refundCount > 0));

  it.each(['acme', 'globex', 'twin-a'] as const)('%s: monthly gross, refunds and net in the tenant’s time zone', async (slug) => {
    const { tenant, figures } = seeded[slug];
    expect(active(figures.byMonth)).toEqual(await monthly(tenant.id, 'tenant'));
  });

  it('bucketing by UTC instead would give other months (the check above has teeth)', async () => {
    const { tenant, figures } = seeded.acme;
    expect(active(figures.byMonth)).not.toEqual(await monthly(tenant.id, 'utc'));
  });

  it('covers every month of the history, oldest first, net = gross − refunds', () => {
    const { figures } = seeded.acme;
    const months = Object.keys(figures.byMonth);
    expect(months).toHaveLength(18);
    expect(months[0]).toBe('2025-06');
    expect(months.at(-1)).toBe('2026-11');
    expect([...months].sort()).toEqual(months);
    for (const m of Object.values(figures.byMonth)) expect(m.net).toBe(m.gross - m.refunds);
  });

  it.each(['acme', 'globex'] as const)('%s: totals, order counts by status and gross per product', async (slug) => {
    const { tenant, figures } = seeded[slug];
    const sql = await ops(async (db) => {
      const totals = await db.query<{ gross: string; refunds: string; payments: number; refund_count: number }>(
        `SELECT (SELECT coalesce(sum(amount), 0) FROM payments WHERE tenant_id = $1)::int8 AS gross,
                (SELECT coalesce(sum(amount), 0) FROM refunds WHERE tenant_id = $1)::int8 AS refunds,
                (SELECT count(*) FROM payments WHERE tenant_id = $1)::int AS payments,
                (SELECT count(*) FROM refunds WHERE tenant_id = $1)::int AS refund_count`,
        [tenant.id],
      );
      const statuses = await db.query<{ status: string; n: number }>(
        `SELECT status, count(*)::int AS n FROM orders WHERE tenant_id = $1 GROUP BY status`,
        [tenant.id],
      );
      const products = await db.query<{ sku: string; name: string; quantity: number; gross: string }>(
        `SELECT p.sku, p.name, coalesce(sum(i.quantity) FILTER (WHERE o.status IN ('paid', 'partially_refunded', 'refunded')), 0)::int AS quantity,
                coalesce(sum(i.total) FILTER (WHERE o.status IN ('paid', 'partially_refunded', 'refunded')), 0)::int8 AS gross
           FROM products p
           LEFT JOIN order_items i ON i.tenant_id = p.tenant_id AND i.product_id = p.id
           LEFT JOIN orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
          WHERE p.tenant_id = $1 GROUP BY p.sku, p.name`,
        [tenant.id],
      );
      return { totals: totals.rows[0]!, statuses: statuses.rows, products: products.rows };
    });
    const gross = Number(sql.totals.gross);
    const refunds = Number(sql.totals.refunds);
    expect(figures.totals).toEqual({
      gross,
      refunds,
      net: gross - refunds,
      payments: sql.totals.payments,
      refundCount: sql.totals.refund_count,
    });
    expect(Object.fromEntries(Object.entries(figures.orders.byStatus).filter(([, n]) => n > 0))).toEqual(
      Object.fromEntries(sql.statuses.map((s) => [s.status, s.n])),
    );
    expect(figures.byProduct).toEqual(
      Object.fromEntries(sql.products.map((p) => [p.sku, { name: p.name, quantity: p.quantity, gross: Number(p.gross) }])),
    );
    // Every paid order was paid once, in full: product gross adds up to the payments.
    expect(Object.values(figures.byProduct).reduce((sum, p) => sum + p.gross, 0)).toBe(figures.totals.gross);
  });
});

describe('volume', () => {
  it('seeds 5,000 orders (generation, writing, figures) in a few seconds', () => {
    expect(seeded.globex.figures.orders.total).toBe(5_000);
    expect(seeded.globex.ms).toBeLessThan(5_000);
  });

  it('orders peak in December and dip in summer, and grow over the window', () => {
    const perMonth = seeded.acme.figures.byMonth;
    const payments = (month: string) => perMonth[month]!.payments;
    expect(payments('2025-12')).toBeGreaterThan(payments('2025-11'));
    expect(payments('2025-12')).toBeGreaterThan(payments('2026-01'));
    expect(payments('2026-08')).toBeLessThan(payments('2026-05'));
    expect(payments('2026-10')).toBeGreaterThan(payments('2025-10'));
  });
});

/**
 * The tenant's rows in the generator's shape, ordered by content (not by id, which differs between
 * tenants seeded alike); sortedLikeReadBack orders generated data the same way.
 */
async function readBack(tenantId: string): Promise<CommerceData> {
  return ops(async (db) => {
    const q = async <T extends pg.QueryResultRow>(text: string) => (await db.query<T>(text, [tenantId])).rows;
    const ms = (column: string, as: string) => `(extract(epoch FROM ${column}) * 1000)::float8 AS "${as}"`;
    return {
      customers: await q(
        `SELECT id, name, email, phone, company, notes, ${ms('created_at', 'createdAt')} FROM customers WHERE tenant_id = $1 ORDER BY created_at, email COLLATE "C"`,
      ),
      products: await q(
        `SELECT id, sku, name, description, unit_price AS "unitPrice", ${ms('created_at', 'createdAt')} FROM products WHERE tenant_id = $1 ORDER BY created_at, sku COLLATE "C"`,
      ),
      orders: await q(
        `SELECT id, number, customer_id AS "customerId", status, currency, subtotal, total, notes,
                ${ms('placed_at', 'placedAt')}, ${ms('paid_at', 'paidAt')}, ${ms('cancelled_at', 'cancelledAt')}, ${ms('updated_at', 'updatedAt')}
           FROM orders WHERE tenant_id = $1 ORDER BY number`,
      ),
      orderItems: await q(
        `SELECT i.id, i.order_id AS "orderId", i.product_id AS "productId", i.description, i.quantity, i.unit_price AS "unitPrice", i.total
           FROM order_items i JOIN orders o ON o.tenant_id = i.tenant_id AND o.id = i.order_id
          WHERE i.tenant_id = $1 ORDER BY o.number, i.description COLLATE "C"`,
      ),
      payments: await q(
        `SELECT p.id, p.order_id AS "orderId", p.amount, p.method, ${ms('p.received_at', 'receivedAt')}
           FROM payments p JOIN orders o ON o.tenant_id = p.tenant_id AND o.id = p.order_id WHERE p.tenant_id = $1 ORDER BY o.number`,
      ),
      refunds: await q(
        `SELECT r.id, r.order_id AS "orderId", r.amount, r.reason, ${ms('r.refunded_at', 'refundedAt')}
           FROM refunds r JOIN orders o ON o.tenant_id = r.tenant_id AND o.id = r.order_id WHERE r.tenant_id = $1 ORDER BY o.number, r.refunded_at`,
      ),
    } as CommerceData;
  });
}

function sortedLikeReadBack(data: CommerceData): CommerceData {
  const text = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  const number = new Map(data.orders.map((o) => [o.id, o.number]));
  const byOrder = (a: { orderId: string }, b: { orderId: string }) => number.get(a.orderId)! - number.get(b.orderId)!;
  return {
    customers: [...data.customers].sort((a, b) => a.createdAt - b.createdAt || text(a.email, b.email)),
    products: [...data.products].sort((a, b) => a.createdAt - b.createdAt || text(a.sku, b.sku)),
    orders: [...data.orders].sort((a, b) => a.number - b.number),
    orderItems: [...data.orderItems].sort((a, b) => byOrder(a, b) || text(a.description, b.description)),
    payments: [...data.payments].sort(byOrder),
    refunds: [...data.refunds].sort((a, b) => byOrder(a, b) || a.refundedAt - b.refundedAt),
  };
}
