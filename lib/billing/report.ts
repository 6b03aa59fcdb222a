import { isCalendarDay } from '../calendar';
import { Prisma } from '../db/generated/client';
import { AppError } from '../errors';
import type { OrderStatus } from '../orders/status';
import { reportingTimeZone, tenantSettings } from '../settings';
import { tenantDb } from '../tenancy';
import type { Granularity } from './range';

// The billing report — the kind of query behind the classic leak (a revenue report filtered by
// date but not by tenant). It is raw SQL (time-zone
// bucketing needs date_trunc … AT TIME ZONE), so the application layer cannot add a tenant filter
// to it: what keeps it inside the tenant is row-level security on payments, refunds, orders and
// order_items, with the tenant set by the tenant client for this very statement. The explicit
// `tenant_id = (SELECT bulkhead.current_tenant_id())` predicates are not a second layer (they read
// the same setting); they are there so the planner uses the (tenant_id, …) indexes and the cost
// stays O(this tenant's rows) however large the tables grow. The sub-select makes it one
// evaluation per statement, as in the policies: the function itself is not inlined (it pins its
// search_path), so called bare it costs a few microseconds on every probe of a nested loop.

export type { Granularity } from './range';

export interface RevenueBucket {
  /** First day of the bucket in the tenant's time zone, YYYY-MM-DD (ISO weeks start on Monday). */
  period: string;
  gross: number;
  refunds: number;
  net: number;
  payments: number;
  refundCount: number;
}

export interface RevenueReport {
  currency: string;
  timezone: string;
  from: string;
  to: string;
  granularity: Granularity;
  buckets: RevenueBucket[];
  totals: Omit<RevenueBucket, 'period'>;
  byStatus: { status: OrderStatus; orders: number; total: number }[];
  byProduct: { productId: string; name: string; sku: string; quantity: number; gross: number }[];
  topCustomers: { customerId: string; name: string; email: string; net: number; orders: number }[];
}

export interface ReportRange {
  /** Inclusive first day, YYYY-MM-DD, in the tenant's time zone. */
  from: string;
  /** Inclusive last day, YYYY-MM-DD, in the tenant's time zone. */
  to: string;
  granularity: Granularity;
}

const MAX_BUCKETS = 1_000;

export function validateRange(range: ReportRange): void {
  const fieldErrors: Record<string, string[]> = {};
  for (const field of ['from', 'to'] as const) {
    if (!isCalendarDay(range[field])) fieldErrors[field] = ['Not a date of the calendar: use a day like 2026-01-31.'];
  }
  if (Object.keys(fieldErrors).length > 0) throw new AppError('validation_failed', 'Invalid dates.', fieldErrors);
  if (range.from > range.to)
    throw new AppError('validation_failed', 'Range reversed.', { to: ['The end date must not be before the start date.'] });
  const days = (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000 + 1;
  const buckets = range.granularity === 'day' ? days : range.granularity === 'week' ? days / 7 : days / 28;
  if (buckets > MAX_BUCKETS)
    throw new AppError('validation_failed', 'Range too long.', {
      granularity: [`That is more than ${MAX_BUCKETS} ${range.granularity}s; choose a coarser grouping or a shorter range.`],
    });
}

export async function revenueReport(range: ReportRange): Promise<RevenueReport> {
  validateRange(range);
  const tenant = await tenantSettings();
  // Checked before use: a zone PostgreSQL cannot read would fail every statement below.
  const tz = await reportingTimeZone(tenant.timezone);
  // Four independent statements, each on its own pooled connection (inside an interactive
  // transaction they take turns on its one): the page waits for the slowest, not for their sum.
  const [buckets, byStatus, byProduct, topCustomers] = await Promise.all([
    revenueBuckets(range, tz),
    statusBreakdown(range, tz),
    productBreakdown(range, tz),
    customerBreakdown(range, tz),
  ]);
  const totals = buckets.reduce(
    (sum, b) => ({
      gross: sum.gross + b.gross,
      refunds: sum.refunds + b.refunds,
      net: sum.net + b.net,
      payments: sum.payments + b.payments,
      refundCount: sum.refundCount + b.refundCount,
    }),
    { gross: 0, refunds: 0, net: 0, payments: 0, refundCount: 0 },
  );
  return {
    currency: tenant.currency,
    timezone: tz,
    from: range.from,
    to: range.to,
    granularity: range.granularity,
    buckets,
    totals,
    byStatus,
    byProduct,
    topCustomers,
  };
}

/** Payments and refunds per day, week or month of the tenant's calendar, empty periods as zeros. */
export async function revenueBuckets(range: ReportRange, tz: string): Promise<RevenueBucket[]> {
  const rows = await tenantDb().$queryRaw<{ period: string; gross: bigint; refunds: bigint; payments: bigint; refund_count: bigint }[]>(
    reportStatements.buckets(range, tz),
  );
  return rows.map((r) => {
    const gross = Number(r.gross);
    const refunds = Number(r.refunds);
    return { period: r.period, gross, refunds, net: gross - refunds, payments: Number(r.payments), refundCount: Number(r.refund_count) };
  });
}

/** Orders placed in the range, by status. */
export async function statusBreakdown(range: ReportRange, tz: string): Promise<RevenueReport['byStatus']> {
  const rows = await tenantDb().$queryRaw<{ status: OrderStatus; orders: bigint; total: bigint }[]>(reportStatements.status(range, tz));
  return rows.map((r) => ({ status: r.status, orders: Number(r.orders), total: Number(r.total) }));
}

/** Line items of orders whose payment was received in the range, by product (gross, before refunds). */
export async function productBreakdown(range: ReportRange, tz: string): Promise<RevenueReport['byProduct']> {
  const rows = await tenantDb().$queryRaw<{ product_id: string; name: string; sku: string; quantity: bigint; gross: bigint }[]>(
    reportStatements.products(range, tz),
  );
  return rows.map((r) => ({ productId: r.product_id, name: r.name, sku: r.sku, quantity: Number(r.quantity), gross: Number(r.gross) }));
}

/** Customers by net revenue in the range (payments received minus refunds made). */
export async function customerBreakdown(range: ReportRange, tz: string): Promise<RevenueReport['topCustomers']> {
  const rows = await tenantDb().$queryRaw<{ customer_id: string; name: string; email: string; net: bigint; orders: bigint }[]>(
    reportStatements.customers(range, tz),
  );
  return rows.map((r) => ({ customerId: r.customer_id, name: r.name, email: r.email, net: Number(r.net), orders: Number(r.orders) }));
}

// The statements themselves, apart from running them, so that the benchmark EXPLAINs exactly what
// the page runs. The range is [from 00:00, to + 1 day 00:00) in the tenant's zone, as instants.
const lo = (range: ReportRange, tz: string) => Prisma.sql`(${range.from}::date::timestamp AT TIME ZONE ${tz})`;
const hi = (range: ReportRange, tz: string) => Prisma.sql`((${range.to}::date + 1)::timestamp AT TIME ZONE ${tz})`;

// The two rankings aggregate to the ranked key (product, customer) first and look up names for the
// ten winners only. Joined before aggregating, products or customers can end up on the outside of
// a nested loop over every line or payment of the tenant — the planner does not know how many
// there are, since the tenant is a parameter and its estimate is that of an average tenant — which
// costs (tenant rows × tenant products or customers): 1.7 s at 5M payment rows, see
// docs/report-benchmark.md.
export const reportStatements = {
  buckets: (range: ReportRange, tz: string) => {
    const g = range.granularity;
    return Prisma.sql`
    WITH periods AS (
      SELECT generate_series(date_trunc(${g}, ${lo(range, tz)} AT TIME ZONE ${tz}),
                             date_trunc(${g}, (${hi(range, tz)} - interval '1 microsecond') AT TIME ZONE ${tz}),
                             ('1 ' || ${g})::interval) AS bucket
    ), paid AS (
      SELECT date_trunc(${g}, p.received_at AT TIME ZONE ${tz}) AS bucket, sum(p.amount) AS gross, count(*) AS payments
        FROM payments p
       WHERE p.tenant_id = (SELECT bulkhead.current_tenant_id()) AND p.received_at >= ${lo(range, tz)} AND p.received_at < ${hi(range, tz)}
       GROUP BY 1
    ), refunded AS (
      SELECT date_trunc(${g}, r.refunded_at AT TIME ZONE ${tz}) AS bucket, sum(r.amount) AS refunds, count(*) AS refund_count
        FROM refunds r
       WHERE r.tenant_id = (SELECT bulkhead.current_tenant_id()) AND r.refunded_at >= ${lo(range, tz)} AND r.refunded_at < ${hi(range, tz)}
       GROUP BY 1
    )
    SELECT to_char(periods.bucket, 'YYYY-MM-DD') AS period,
           coalesce(paid.gross, 0)::bigint AS gross, coalesce(refunded.refunds, 0)::bigint AS refunds,
           coalesce(paid.payments, 0)::bigint AS payments, coalesce(refunded.refund_count, 0)::bigint AS refund_count
      FROM periods
      LEFT JOIN paid ON paid.bucket = periods.bucket
      LEFT JOIN refunded ON refunded.bucket = periods.bucket
     ORDER BY periods.bucket`;
  },

  status: (range: ReportRange, tz: string) => Prisma.sql`
    SELECT o.status::text AS status, count(*) AS orders, coalesce(sum(o.total), 0) AS total
      FROM orders o
     WHERE o.tenant_id = (SELECT bulkhead.current_tenant_id()) AND o.placed_at >= ${lo(range, tz)} AND o.placed_at < ${hi(range, tz)}
     GROUP BY 1 ORDER BY 2 DESC, 1`,

  products: (range: ReportRange, tz: string) => Prisma.sql`
    WITH ranked AS (
      SELECT i.product_id, sum(i.quantity) AS quantity, sum(i.total) AS gross
        FROM payments p
        JOIN order_items i ON i.tenant_id = (SELECT bulkhead.current_tenant_id()) AND i.order_id = p.order_id
       WHERE p.tenant_id = (SELECT bulkhead.current_tenant_id()) AND p.received_at >= ${lo(range, tz)} AND p.received_at < ${hi(range, tz)}
       GROUP BY i.product_id
       ORDER BY gross DESC, i.product_id LIMIT 10
    )
    SELECT ranked.product_id, pr.name, pr.sku, ranked.quantity, ranked.gross
      FROM ranked
      JOIN products pr ON pr.tenant_id = (SELECT bulkhead.current_tenant_id()) AND pr.id = ranked.product_id
     ORDER BY ranked.gross DESC, ranked.product_id`,

  customers: (range: ReportRange, tz: string) => Prisma.sql`
    WITH money AS (
      SELECT p.order_id, p.amount FROM payments p
       WHERE p.tenant_id = (SELECT bulkhead.current_tenant_id()) AND p.received_at >= ${lo(range, tz)} AND p.received_at < ${hi(range, tz)}
      UNION ALL
      SELECT r.order_id, -r.amount FROM refunds r
       WHERE r.tenant_id = (SELECT bulkhead.current_tenant_id()) AND r.refunded_at >= ${lo(range, tz)} AND r.refunded_at < ${hi(range, tz)}
    ), ranked AS (
      SELECT o.customer_id, sum(m.amount) AS net, count(DISTINCT m.order_id) AS orders
        FROM money m
        JOIN orders o ON o.tenant_id = (SELECT bulkhead.current_tenant_id()) AND o.id = m.order_id
       GROUP BY o.customer_id
       ORDER BY net DESC, o.customer_id LIMIT 10
    )
    SELECT ranked.customer_id, c.name, c.email, ranked.net, ranked.orders
      FROM ranked
      JOIN customers c ON c.tenant_id = (SELECT bulkhead.current_tenant_id()) AND c.id = ranked.customer_id
     ORDER BY ranked.net DESC, ranked.customer_id`,
};
