import { reportingTimeZone, tenantSettings } from '../settings';
import { tenantDb } from '../tenancy';

// The dashboard's figures: the last six months in the tenant's time zone (the sparklines), and the
// same days of last month, which this month so far is compared with. One statement, bucketed like
// the revenue report.
//
// Month to date is compared with last month up to the same day and time of day — on December 2nd
// at 10:00, November 1st 00:00 to November 2nd 10:00, not all of November (which made every early
// day of a month look like a collapse). When this month has already run longer than the last one
// did (March 31st against February), the comparison is with the whole of last month.

export interface Figures {
  orders: number;
  ordersTotal: number;
  gross: number;
  refunds: number;
}

export interface MonthFigures extends Figures {
  month: string;
}

export interface DashboardFigures {
  currency: string;
  /** Six calendar months, oldest first; the last one is this month up to now. */
  months: MonthFigures[];
  /** Last month from its first day up to the same day and time of day as now (all of it at most). */
  sameDaysLastMonth: Figures;
}

const SAME_DAYS = 'same days last month';

/** The figures as they stand at `at` (the database's clock when not given; tests name an instant). */
export async function lastSixMonths(at?: Date): Promise<DashboardFigures> {
  const db = tenantDb();
  const tenant = await tenantSettings();
  const tz = await reportingTimeZone(tenant.timezone); // checked: an unknown zone fails the statement
  const rows = await db.$queryRaw<{ period: string; orders: bigint; orders_total: bigint; gross: bigint; refunds: bigint }[]>`
    WITH clock AS (
      SELECT coalesce(${at ?? null}::timestamptz, now()) AS at
    ), cal AS (
      -- This month's first moment in the tenant's calendar, and how far into the month the clock is.
      SELECT at, date_trunc('month', at AT TIME ZONE ${tz}) AS month, (at AT TIME ZONE ${tz}) - date_trunc('month', at AT TIME ZONE ${tz}) AS elapsed
        FROM clock
    ), bounds AS (
      SELECT at AS until, (month - interval '5 months') AT TIME ZONE ${tz} AS since,
             (month - interval '1 month') AT TIME ZONE ${tz} AS last_from,
             least(month - interval '1 month' + elapsed, month) AT TIME ZONE ${tz} AS last_until
        FROM cal
    ), months AS (
      SELECT generate_series(cal.month - interval '5 months', cal.month, interval '1 month') AS month FROM cal
    ), o AS (
      SELECT o.placed_at AS at, o.total FROM orders o, bounds b
       WHERE o.tenant_id = bulkhead.current_tenant_id() AND o.status <> 'cancelled' AND o.placed_at >= b.since AND o.placed_at < b.until
    ), p AS (
      SELECT p.received_at AS at, p.amount FROM payments p, bounds b
       WHERE p.tenant_id = bulkhead.current_tenant_id() AND p.received_at >= b.since AND p.received_at < b.until
    ), r AS (
      SELECT r.refunded_at AS at, r.amount FROM refunds r, bounds b
       WHERE r.tenant_id = bulkhead.current_tenant_id() AND r.refunded_at >= b.since AND r.refunded_at < b.until
    ), placed AS (
      SELECT date_trunc('month', at AT TIME ZONE ${tz}) AS month, count(*) AS orders, sum(total) AS total FROM o GROUP BY 1
    ), paid AS (
      SELECT date_trunc('month', at AT TIME ZONE ${tz}) AS month, sum(amount) AS gross FROM p GROUP BY 1
    ), refunded AS (
      SELECT date_trunc('month', at AT TIME ZONE ${tz}) AS month, sum(amount) AS refunds FROM r GROUP BY 1
    )
    SELECT to_char(months.month, 'YYYY-MM') AS period, coalesce(placed.orders, 0) AS orders, coalesce(placed.total, 0) AS orders_total,
           coalesce(paid.gross, 0) AS gross, coalesce(refunded.refunds, 0) AS refunds
      FROM months LEFT JOIN placed USING (month) LEFT JOIN paid USING (month) LEFT JOIN refunded USING (month)
    UNION ALL
    SELECT ${SAME_DAYS}::text,
           (SELECT count(*) FROM o, bounds b WHERE o.at >= b.last_from AND o.at < b.last_until),
           (SELECT coalesce(sum(o.total), 0) FROM o, bounds b WHERE o.at >= b.last_from AND o.at < b.last_until),
           (SELECT coalesce(sum(p.amount), 0) FROM p, bounds b WHERE p.at >= b.last_from AND p.at < b.last_until),
           (SELECT coalesce(sum(r.amount), 0) FROM r, bounds b WHERE r.at >= b.last_from AND r.at < b.last_until)
     ORDER BY 1`;
  const figures = (r: (typeof rows)[number]): Figures => ({
    orders: Number(r.orders),
    ordersTotal: Number(r.orders_total),
    gross: Number(r.gross),
    refunds: Number(r.refunds),
  });
  const sameDays = rows.find((r) => r.period === SAME_DAYS);
  if (!sameDays) throw new Error('dashboard: no row for the same days of last month');
  return {
    currency: tenant.currency,
    months: rows.filter((r) => r !== sameDays).map((r) => ({ month: r.period, ...figures(r) })),
    sameDaysLastMonth: figures(sameDays),
  };
}
