import { tenantDb } from '../tenancy';

// The dashboard's figures: the last six months in the tenant's time zone, with this month compared
// with the one before. One statement, bucketed like the revenue report.

export interface MonthFigures {
  month: string;
  orders: number;
  ordersTotal: number;
  gross: number;
  refunds: number;
}

export async function lastSixMonths(): Promise<{ currency: string; months: MonthFigures[] }> {
  const db = tenantDb();
  const tenant = await db.tenant.findFirstOrThrow({ select: { currency: true, timezone: true } });
  const tz = tenant.timezone;
  const rows = await db.$queryRaw<{ month: string; orders: bigint; orders_total: bigint; gross: bigint; refunds: bigint }[]>`
    WITH months AS (
      SELECT generate_series(date_trunc('month', now() AT TIME ZONE ${tz}) - interval '5 months', date_trunc('month', now() AT TIME ZONE ${tz}), interval '1 month') AS month
    ), lo AS (SELECT (min(month) AT TIME ZONE ${tz}) AS at FROM months),
    placed AS (
      SELECT date_trunc('month', o.placed_at AT TIME ZONE ${tz}) AS month, count(*) AS orders, sum(o.total) AS total
        FROM orders o WHERE o.tenant_id = bulkhead.current_tenant_id() AND o.placed_at >= (SELECT at FROM lo) AND o.status <> 'cancelled' GROUP BY 1
    ), paid AS (
      SELECT date_trunc('month', p.received_at AT TIME ZONE ${tz}) AS month, sum(p.amount) AS gross
        FROM payments p WHERE p.tenant_id = bulkhead.current_tenant_id() AND p.received_at >= (SELECT at FROM lo) GROUP BY 1
    ), refunded AS (
      SELECT date_trunc('month', r.refunded_at AT TIME ZONE ${tz}) AS month, sum(r.amount) AS refunds
        FROM refunds r WHERE r.tenant_id = bulkhead.current_tenant_id() AND r.refunded_at >= (SELECT at FROM lo) GROUP BY 1
    )
    SELECT to_char(months.month, 'YYYY-MM') AS month, coalesce(placed.orders, 0) AS orders, coalesce(placed.total, 0) AS orders_total,
           coalesce(paid.gross, 0) AS gross, coalesce(refunded.refunds, 0) AS refunds
      FROM months LEFT JOIN placed USING (month) LEFT JOIN paid USING (month) LEFT JOIN refunded USING (month)
     ORDER BY months.month`;
  return {
    currency: tenant.currency,
    months: rows.map((r) => ({ month: r.month, orders: Number(r.orders), ordersTotal: Number(r.orders_total), gross: Number(r.gross), refunds: Number(r.refunds) })),
  };
}
