import { beforeAll, describe, expect, it } from 'vitest';

import { runInTenant, tenantDb } from '@/lib/tenancy';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { revenueReport } from './report';

// The report on a small, hand-made ledger whose figures are known in advance, and the classic
// leak replayed: a revenue query with a date range and no tenant filter.

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;
let globex: SeededTenant;

async function pay(tenant: SeededTenant, orderIndex: number, amount: number, at: string) {
  await withClient(database.current.urls.ops, (db) =>
    db.query(`INSERT INTO payments (tenant_id, order_id, amount, received_at) VALUES ($1, $2, $3, $4)`, [
      tenant.id,
      tenant.orderIds[orderIndex],
      amount,
      at,
    ]),
  );
}
async function refund(tenant: SeededTenant, orderIndex: number, amount: number, at: string) {
  await withClient(database.current.urls.ops, (db) =>
    db.query(`INSERT INTO refunds (tenant_id, order_id, amount, refunded_at) VALUES ($1, $2, $3, $4)`, [
      tenant.id,
      tenant.orderIds[orderIndex],
      amount,
      at,
    ]),
  );
}

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
  globex = await seedTenant(database.current.urls.ops, 'globex');
  await withClient(database.current.urls.ops, async (db) => {
    await db.query(`UPDATE tenants SET timezone = 'America/New_York', currency = 'USD' WHERE id = $1`, [acme.id]);
    await db.query(`UPDATE tenants SET timezone = 'Europe/Berlin', currency = 'EUR' WHERE id = $1`, [globex.id]);
  });
  // Acme (New York): 03:00 UTC on 1 March is still 28 February in New York.
  await pay(acme, 0, 10_500, '2026-02-10T15:00:00Z');
  await pay(acme, 1, 20_300, '2026-03-01T03:00:00Z');
  await pay(acme, 2, 7_000, '2026-03-15T12:00:00Z');
  await refund(acme, 0, 3_500, '2026-03-02T12:00:00Z');
  // Globex (Berlin), same instants: its amounts are ≡ 1 (mod 7), so any mix-up shows in a sum.
  await pay(globex, 0, 47_000_01, '2026-02-10T15:00:00Z');
  await pay(globex, 1, 1_001, '2026-03-01T03:00:00Z');
  await refund(globex, 1, 8, '2026-03-20T12:00:00Z');
});

const asAcme = <T>(work: () => Promise<T>) => runInTenant({ tenantId: acme.id, actorType: 'user', role: 'owner' }, work);
const asGlobex = <T>(work: () => Promise<T>) => runInTenant({ tenantId: globex.id, actorType: 'user', role: 'owner' }, work);

describe('the revenue report', () => {
  it("buckets by month in the tenant's time zone and nets refunds out", async () => {
    const report = await asAcme(() => revenueReport({ from: '2026-02-01', to: '2026-03-31', granularity: 'month' }));
    expect(report.currency).toBe('USD');
    expect(report.buckets).toEqual([
      { period: '2026-02-01', gross: 30_800, refunds: 0, net: 30_800, payments: 2, refundCount: 0 },
      { period: '2026-03-01', gross: 7_000, refunds: 3_500, net: 3_500, payments: 1, refundCount: 1 },
    ]);
    expect(report.totals).toEqual({ gross: 37_800, refunds: 3_500, net: 34_300, payments: 3, refundCount: 1 });
    for (const b of report.buckets) expect(b.gross % 7).toBe(0); // acme's signature
  });

  it("puts the same instant in the other tenant's own calendar", async () => {
    const report = await asGlobex(() => revenueReport({ from: '2026-02-01', to: '2026-03-31', granularity: 'month' }));
    expect(report.buckets.map((b) => [b.period, b.gross, b.refunds])).toEqual([
      ['2026-02-01', 47_000_01, 0],
      ['2026-03-01', 1_001, 8], // 04:00 in Berlin on 1 March
    ]);
  });

  it('fills empty days with zeros and starts ISO weeks on Monday', async () => {
    const daily = await asAcme(() => revenueReport({ from: '2026-03-14', to: '2026-03-16', granularity: 'day' }));
    expect(daily.buckets.map((b) => [b.period, b.gross])).toEqual([
      ['2026-03-14', 0],
      ['2026-03-15', 7_000],
      ['2026-03-16', 0],
    ]);
    const weekly = await asAcme(() => revenueReport({ from: '2026-03-01', to: '2026-03-10', granularity: 'week' }));
    expect(weekly.buckets.map((b) => b.period)).toEqual(['2026-02-23', '2026-03-02', '2026-03-09']);
  });

  it('refuses days that are not on the calendar, naming each field', async () => {
    for (const [from, to] of [
      ['2026-02-30', '2026-03-31'],
      ['2026-01-01', '2026-04-31'],
      ['0000-01-01', '2026-01-01'],
      ['2026-13-01', '2026-02-29'],
    ]) {
      const fieldErrors = {
        ...(from === '2026-01-01' ? {} : { from: [expect.any(String)] }),
        ...(['2026-04-31', '2026-02-29'].includes(to!) ? { to: [expect.any(String)] } : {}),
      };
      await expect(
        asAcme(() => revenueReport({ from: from!, to: to!, granularity: 'day' })),
        `${from}..${to}`,
      ).rejects.toMatchObject({ code: 'validation_failed', fieldErrors });
    }
    await expect(asAcme(() => revenueReport({ from: '2024-02-29', to: '2024-02-29', granularity: 'day' }))).resolves.toMatchObject({
      from: '2024-02-29',
    });
  });

  it('refuses a reversed or oversized range with field errors', async () => {
    await expect(asAcme(() => revenueReport({ from: '2026-03-10', to: '2026-03-01', granularity: 'day' }))).rejects.toMatchObject({
      code: 'validation_failed',
      fieldErrors: { to: [expect.any(String)] },
    });
    await expect(asAcme(() => revenueReport({ from: '2020-01-01', to: '2026-01-01', granularity: 'day' }))).rejects.toMatchObject({
      fieldErrors: { granularity: [expect.any(String)] },
    });
  });
});

describe('the rankings', () => {
  async function item(tenant: SeededTenant, orderIndex: number, productIndex: number, quantity: number, unitPrice: number) {
    await withClient(database.current.urls.ops, (db) =>
      db.query(
        `INSERT INTO order_items (tenant_id, order_id, product_id, description, quantity, unit_price, total) VALUES ($1, $2, $3, 'line', $4, $5, $6)`,
        [tenant.id, tenant.orderIds[orderIndex], tenant.productIds[productIndex], quantity, unitPrice, quantity * unitPrice],
      ),
    );
  }

  it('rank customers by what they paid in the range minus what was refunded in it, ties by id', async () => {
    // March in New York: order 2 paid 7,000; order 0 refunded 3,500 (its payment fell in February).
    const march = await asAcme(() => revenueReport({ from: '2026-03-01', to: '2026-03-31', granularity: 'month' }));
    expect(march.topCustomers.map((c) => [c.customerId, c.net, c.orders])).toEqual([
      [acme.customerIds[2], 7_000, 1],
      [acme.customerIds[0], -3_500, 1],
    ]);
    // February and March: customers 0 (10,500 − 3,500) and 2 (7,000) tie behind customer 1.
    const both = await asAcme(() => revenueReport({ from: '2026-02-01', to: '2026-03-31', granularity: 'month' }));
    const [firstTied, secondTied] = [acme.customerIds[0]!, acme.customerIds[2]!].sort();
    expect(both.topCustomers.map((c) => [c.customerId, c.net, c.orders])).toEqual([
      [acme.customerIds[1], 20_300, 1],
      [firstTied, 7_000, 1],
      [secondTied, 7_000, 1],
    ]);
    expect(both.topCustomers[0]).toMatchObject({ name: 'Customer 1 of acme', email: 'c1@acme.test' });
  });

  it('keep the ten best customers and products, each with its own name', async () => {
    // Twelve orders, order i paying 1,000·(i+1) for i+1 units of product i at 100 — in May, so
    // the incident replay below (February and March, every tenant) does not see them.
    const initech = await seedTenant(database.current.urls.ops, 'initech', 12);
    for (let i = 0; i < 12; i++) {
      await pay(initech, i, 1_000 * (i + 1), '2026-05-10T12:00:00Z');
      await item(initech, i, i, i + 1, 100);
    }
    const report = await runInTenant({ tenantId: initech.id, actorType: 'user', role: 'owner' }, () =>
      revenueReport({ from: '2026-05-01', to: '2026-05-31', granularity: 'month' }),
    );
    const best = [11, 10, 9, 8, 7, 6, 5, 4, 3, 2];
    expect(report.topCustomers).toEqual(
      best.map((i) => ({
        customerId: initech.customerIds[i],
        name: `Customer ${i} of initech`,
        email: `c${i}@initech.test`,
        net: 1_000 * (i + 1),
        orders: 1,
      })),
    );
    expect(report.byProduct).toEqual(
      best.map((i) => ({
        productId: initech.productIds[i],
        name: `Product ${i}`,
        sku: `${initech.canary}-SKU-${i}`,
        quantity: i + 1,
        gross: 100 * (i + 1),
      })),
    );
  });

  it('rank products by the lines of orders paid in the range, before refunds', async () => {
    // Acme's order 0 (paid in February) holds two lines; order 1 (paid on 28 February, New York) one.
    await item(acme, 0, 0, 2, 1_000);
    await item(acme, 0, 1, 1, 1_001);
    await item(acme, 1, 1, 3, 1_001);
    const february = await asAcme(() => revenueReport({ from: '2026-02-01', to: '2026-02-28', granularity: 'month' }));
    expect(february.byProduct.map((p) => [p.productId, p.quantity, p.gross])).toEqual([
      [acme.productIds[1], 4, 4_004],
      [acme.productIds[0], 2, 2_000],
    ]);
    // The refund in March does not take lines back: the ranking is gross sales.
    const march = await asAcme(() => revenueReport({ from: '2026-03-01', to: '2026-03-31', granularity: 'month' }));
    expect(march.byProduct).toEqual([]);
  });
});

describe('the $47,000 incident, replayed', () => {
  // The report that leaked: filtered by date, not by tenant.
  const incidentSql = `SELECT coalesce(sum(amount), 0)::bigint AS revenue FROM payments WHERE received_at >= '2026-02-01' AND received_at < '2026-04-01'`;

  it('through the tenant client, the query without a tenant filter returns only the tenant’s revenue', async () => {
    const [row] = await asAcme(
      () =>
        tenantDb().$queryRaw<
          { revenue: bigint }[]
        >`SELECT coalesce(sum(amount), 0)::bigint AS revenue FROM payments WHERE received_at >= '2026-02-01' AND received_at < '2026-04-01'`,
    );
    expect(Number(row!.revenue)).toBe(37_800);
  });

  it('the same SQL as a role that bypasses row-level security includes the other tenant’s money', async () => {
    const revenue = await withClient(database.current.urls.ops, async (db) =>
      Number((await db.query<{ revenue: string }>(incidentSql)).rows[0]!.revenue),
    );
    expect(revenue).toBe(37_800 + 47_000_01 + 1_001);
    expect(revenue % 7).not.toBe(0); // Globex's signature shows in the mixed sum
  });
});
