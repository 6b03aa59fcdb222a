import { beforeAll, describe, expect, it } from 'vitest';

import { runInTenant } from '@/lib/tenancy';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { lastSixMonths, type Figures } from './dashboard';

// The dashboard's "vs …" compares this month so far with the same days of last month, up to the
// same time of day in the tenant's time zone — not with all of last month, which on December 2nd
// made every figure look like a 90% fall. A hand-made ledger around two instants, each row marked
// with whether it belongs to last month's same days; the expected figures are summed from it.

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;

type Kind = 'order' | 'payment' | 'refund';
interface Row {
  kind: Kind;
  /** Index into the seeded orders: the order placed (kind 'order') or paid and refunded. */
  order: number;
  amount: number;
  at: string;
  /** In last month's same days, as of the instant of its scenario. */
  sameDays: boolean;
  /** In last month, as a whole calendar month. */
  lastMonth: boolean;
}

// Acme keeps New York time: UTC−4 until 2 November 2025 and from 8 March 2026, UTC−5 in between.
// Scenario 1: 2 December 2025, 10:00 in New York (15:00 UTC). Last month's same days: 1 November
// 00:00 (04:00 UTC, daylight time) to 2 November 10:00 (15:00 UTC, standard time).
const DECEMBER_2 = new Date('2025-12-02T15:00:00Z');
const NOVEMBER: Row[] = [
  { kind: 'order', order: 0, amount: 0, at: '2025-11-01T10:00:00Z', sameDays: true, lastMonth: true },
  { kind: 'order', order: 1, amount: 0, at: '2025-11-15T12:00:00Z', sameDays: false, lastMonth: true },
  { kind: 'payment', order: 0, amount: 1_400, at: '2025-11-01T05:00:00Z', sameDays: true, lastMonth: true },
  { kind: 'payment', order: 0, amount: 700, at: '2025-11-02T14:30:00Z', sameDays: true, lastMonth: true }, // 09:30 on the 2nd
  { kind: 'payment', order: 0, amount: 2_100, at: '2025-11-02T15:30:00Z', sameDays: false, lastMonth: true }, // 10:30: later in the day
  { kind: 'payment', order: 1, amount: 70_000, at: '2025-11-20T12:00:00Z', sameDays: false, lastMonth: true },
  { kind: 'payment', order: 1, amount: 35, at: '2025-11-01T03:00:00Z', sameDays: false, lastMonth: false }, // 31 October in New York
  { kind: 'refund', order: 0, amount: 300, at: '2025-11-02T12:00:00Z', sameDays: true, lastMonth: true },
  { kind: 'refund', order: 1, amount: 500, at: '2025-11-25T12:00:00Z', sameDays: false, lastMonth: true },
];
// This month so far (1–2 December), and what comes after the instant (not counted yet).
const DECEMBER: Row[] = [
  { kind: 'order', order: 2, amount: 0, at: '2025-12-01T12:00:00Z', sameDays: false, lastMonth: false },
  { kind: 'payment', order: 2, amount: 7_000, at: '2025-12-01T12:00:00Z', sameDays: false, lastMonth: false },
  { kind: 'payment', order: 2, amount: 99, at: '2025-12-02T16:00:00Z', sameDays: false, lastMonth: false }, // after 10:00
];

// Scenario 2: 31 March 2026, 12:00 in New York (16:00 UTC). March has run longer than February
// lasted, so the comparison is with all of February — and not a day of March.
const MARCH_31 = new Date('2026-03-31T16:00:00Z');
const FEBRUARY: Row[] = [
  { kind: 'order', order: 3, amount: 0, at: '2026-02-01T05:30:00Z', sameDays: true, lastMonth: true }, // 00:30 on 1 February
  { kind: 'payment', order: 3, amount: 1_050, at: '2026-02-14T12:00:00Z', sameDays: true, lastMonth: true },
  { kind: 'payment', order: 3, amount: 4_200, at: '2026-03-01T04:30:00Z', sameDays: true, lastMonth: true }, // 23:30 on 28 February
  { kind: 'refund', order: 3, amount: 210, at: '2026-02-27T12:00:00Z', sameDays: true, lastMonth: true },
  { kind: 'order', order: 4, amount: 0, at: '2026-03-01T05:30:00Z', sameDays: false, lastMonth: false }, // 00:30 on 1 March
  { kind: 'payment', order: 4, amount: 630, at: '2026-03-02T12:00:00Z', sameDays: false, lastMonth: false },
  { kind: 'refund', order: 4, amount: 70, at: '2026-03-03T12:00:00Z', sameDays: false, lastMonth: false },
];

/** What the dashboard must report for `rows` that pass `keep`: counted orders and their totals, payments, refunds. */
function expected(rows: Row[], keep: (row: Row) => boolean): Figures {
  const kept = rows.filter(keep);
  const sum = (kind: Kind) => kept.filter((r) => r.kind === kind).reduce((total, r) => total + r.amount, 0);
  const orders = kept.filter((r) => r.kind === 'order');
  return {
    orders: orders.length,
    ordersTotal: orders.reduce((total, r) => total + orderTotals[r.order]!, 0),
    gross: sum('payment'),
    refunds: sum('refund'),
  };
}

let orderTotals: number[] = [];

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme', 6);
  await withClient(database.current.urls.ops, async (db) => {
    await db.query(`UPDATE tenants SET timezone = 'America/New_York' WHERE id = $1`, [acme.id]);
    // The seeded orders were placed "now": out of every window here until placed below.
    await db.query(`UPDATE orders SET placed_at = '2020-01-01T00:00:00Z' WHERE tenant_id = $1`, [acme.id]);
    for (const row of [...NOVEMBER, ...DECEMBER, ...FEBRUARY]) {
      const order = acme.orderIds[row.order];
      if (row.kind === 'order') await db.query(`UPDATE orders SET placed_at = $2 WHERE id = $1`, [order, row.at]);
      if (row.kind === 'payment')
        await db.query(`INSERT INTO payments (tenant_id, order_id, amount, received_at) VALUES ($1, $2, $3, $4)`, [
          acme.id,
          order,
          row.amount,
          row.at,
        ]);
      if (row.kind === 'refund')
        await db.query(`INSERT INTO refunds (tenant_id, order_id, amount, refunded_at) VALUES ($1, $2, $3, $4)`, [
          acme.id,
          order,
          row.amount,
          row.at,
        ]);
    }
    const { rows } = await db.query<{ total: string }>(
      `SELECT total::text FROM orders WHERE tenant_id = $1 ORDER BY array_position($2::uuid[], id)`,
      [acme.id, acme.orderIds],
    );
    orderTotals = rows.map((r) => Number(r.total));
  });
});

const asAcme = <T>(work: () => Promise<T>) => runInTenant({ tenantId: acme.id, actorType: 'user', role: 'owner' }, work);
/** A month's figures without its name. */
const figures = ({ orders, ordersTotal, gross, refunds }: Figures): Figures => ({ orders, ordersTotal, gross, refunds });

describe('the dashboard on December 2nd', () => {
  it('compares December so far with November 1st to 2nd up to the same time of day, not all of November', async () => {
    const dashboard = await asAcme(() => lastSixMonths(DECEMBER_2));
    const sameDays = expected(NOVEMBER, (r) => r.sameDays);
    expect(dashboard.sameDaysLastMonth).toEqual(sameDays);
    // The old comparison, all of November, is another figure entirely.
    const allOfNovember = expected(NOVEMBER, (r) => r.lastMonth);
    expect(allOfNovember.gross).toBeGreaterThan(sameDays.gross);
    expect(dashboard.sameDaysLastMonth).not.toEqual(allOfNovember);
  });

  it('keeps the six calendar months for the sparklines, the last one up to the instant', async () => {
    const dashboard = await asAcme(() => lastSixMonths(DECEMBER_2));
    expect(dashboard.months.map((m) => m.month)).toEqual(['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12']);
    const [, , , october, november, december] = dashboard.months.map(figures);
    expect(november).toEqual(expected(NOVEMBER, (r) => r.lastMonth));
    expect(october).toEqual(expected(NOVEMBER, (r) => !r.lastMonth));
    expect(december).toEqual(expected(DECEMBER, (r) => Date.parse(r.at) < DECEMBER_2.getTime()));
  });
});

describe('the dashboard on March 31st', () => {
  it('compares March so far with the whole of February, and no day of March', async () => {
    const dashboard = await asAcme(() => lastSixMonths(MARCH_31));
    expect(dashboard.sameDaysLastMonth).toEqual(expected(FEBRUARY, (r) => r.sameDays));
    expect(dashboard.sameDaysLastMonth).toEqual(expected(FEBRUARY, (r) => r.lastMonth));
    const [february, march] = dashboard.months.slice(-2).map(figures);
    expect(february).toEqual(dashboard.sameDaysLastMonth);
    expect(march).toEqual(expected(FEBRUARY, (r) => !r.lastMonth));
  });
});
