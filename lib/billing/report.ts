import { AppError } from '../errors';
import { tenantDb } from '../tenancy';

// The billing report — the query the seeds' incident was about. It is raw SQL (time-zone
// bucketing needs date_trunc … AT TIME ZONE), so the application layer cannot add a tenant filter
// to it: what keeps it inside the tenant is row-level security on payments, refunds, orders and
// order_items, with the tenant set by the tenant client for this very statement. The explicit
// `tenant_id = bulkhead.current_tenant_id()` predicates are not a second layer (they read the same
// setting); they are there so the planner uses the (tenant_id, received_at) indexes and the cost
// stays O(this tenant's rows) however large the tables grow.

export type Granularity = 'day' | 'week' | 'month';

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
  byStatus: { status: string; orders: number; total: number }[];
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

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_BUCKETS = 1_000;

export function validateRange(range: ReportRange): void {
  if (!DAY.test(range.from) || !DAY.test(range.to) || Number.isNaN(Date.parse(range.from)) || Number.isNaN(Date.parse(range.to))) {
    throw new AppError('validation_failed', 'Invalid dates.', { from: ['Use dates like 2026-01-31.'] });
  }
  if (range.from > range.to) throw new AppError('validation_failed', 'Range reversed.', { to: ['The end date must not be before the start date.'] });
  const days = (Date.parse(range.to) - Date.parse(range.from)) / 86_400_000 + 1;
  const buckets = range.granularity === 'day' ? days : range.granularity === 'week' ? days / 7 : days / 28;
  if (buckets > MAX_BUCKETS) throw new AppError('validation_failed', 'Range too long.', { granularity: [`That is more than ${MAX_BUCKETS} ${range.granularity}s; choose a coarser grouping or a shorter range.`] });
}

interface BucketRow {
  period: string;
  gross: bigint;
  refunds: bigint;
  payments: bigint;
  refund_count: bigint;
}

export async function revenueReport(range: ReportRange): Promise<RevenueReport> {
  validateRange(range);
  const db = tenantDb();
  const tenant = await db.tenant.findFirstOrThrow({ select: { currency: true, timezone: true } });
  const { granularity: g } = range;
  const tz = tenant.timezone;
  // The range in the tenant's zone, as instants: [from 00:00 local, to + 1 day 00:00 local).
  const rows = await db.$queryRaw<BucketRow[]>`
    WITH bounds AS (
      SELECT (${range.from}::date::timestamp AT TIME ZONE ${tz}) AS lo,
             ((${range.to}::date + 1)::timestamp AT TIME ZONE ${tz}) AS hi
    ), periods AS (
      SELECT generate_series(date_trunc(${g}, (SELECT lo FROM bounds) AT TIME ZONE ${tz}),
                             date_trunc(${g}, ((SELECT hi FROM bounds) - interval '1 microsecond') AT TIME ZONE ${tz}),
                             ('1 ' || ${g})::interval) AS bucket
    ), paid AS (
      SELECT date_trunc(${g}, p.received_at AT TIME ZONE ${tz}) AS bucket, sum(p.amount) AS gross, count(*) AS payments
        FROM payments p, bounds
       WHERE p.tenant_id = bulkhead.current_tenant_id() AND p.received_at >= bounds.lo AND p.received_at < bounds.hi
       GROUP BY 1
    ), refunded AS (
      SELECT date_trunc(${g}, r.refunded_at AT TIME ZONE ${tz}) AS bucket, sum(r.amount) AS refunds, count(*) AS refund_count
        FROM refunds r, bounds
       WHERE r.tenant_id = bulkhead.current_tenant_id() AND r.refunded_at >= bounds.lo AND r.refunded_at < bounds.hi
       GROUP BY 1
    )
    SELECT to_char(periods.bucket, 'YYYY-MM-DD') AS period,
           coalesce(paid.gross, 0)::bigint AS gross, coalesce(refunded.refunds, 0)::bigint AS refunds,
           coalesce(paid.payments, 0)::bigint AS payments, coalesce(refunded.refund_count, 0)::bigint AS refund_count
      FROM periods
      LEFT JOIN paid ON paid.bucket = periods.bucket
      LEFT JOIN refunded ON refunded.bucket = periods.bucket
     ORDER BY periods.bucket`;

  const buckets = rows.map((r) => {
    const gross = Number(r.gross);
    const refunds = Number(r.refunds);
    return { period: r.period, gross, refunds, net: gross - refunds, payments: Number(r.payments), refundCount: Number(r.refund_count) };
  });
  const totals = buckets.reduce(
    (sum, b) => ({ gross: sum.gross + b.gross, refunds: sum.refunds + b.refunds, net: sum.net + b.net, payments: sum.payments + b.payments, refundCount: sum.refundCount + b.refundCount }),
    { gross: 0, refunds: 0, net: 0, payments: 0, refundCount: 0 },
  );
  const [byStatus, byProduct, topCustomers] = await Promise.all([statusBreakdown(range, tz), productBreakdown(range, tz), customerBreakdown(range, tz)]);
  return { currency: tenant.currency, timezone: tz, from: range.from, to: range.to, granularity: g, buckets, totals, byStatus, byProduct, topCustomers };
}

/** Orders placed in the range, by status. */
export async function statusBreakdown(range: ReportRange, tz: string) {
  const rows = await tenantDb().$queryRaw<{ status: string; orders: bigint; total: bigint }[]>`
    SELECT o.status::text AS status, count(*) AS orders, coalesce(sum(o.total), 0) AS total
      FROM orders o
     WHERE o.tenant_id = bulkhead.current_tenant_id()
       AND o.placed_at >= (${range.from}::date::timestamp AT TIME ZONE ${tz})
       AND o.placed_at < ((${range.to}::date + 1)::timestamp AT TIME ZONE ${tz})
     GROUP BY 1 ORDER BY 2 DESC`;
  return rows.map((r) => ({ status: r.status, orders: Number(r.orders), total: Number(r.total) }));
}

/** Line items of orders whose payment was received in the range, by product (gross, before refunds). */
export async function productBreakdown(range: ReportRange, tz: string) {
  const rows = await tenantDb().$queryRaw<{ product_id: string; name: string; sku: string; quantity: bigint; gross: bigint }[]>`
    SELECT i.product_id, pr.name, pr.sku, sum(i.quantity) AS quantity, sum(i.total) AS gross
      FROM payments p
      JOIN order_items i ON i.tenant_id = p.tenant_id AND i.order_id = p.order_id
      JOIN products pr ON pr.tenant_id = i.tenant_id AND pr.id = i.product_id
     WHERE p.tenant_id = bulkhead.current_tenant_id()
       AND p.received_at >= (${range.from}::date::timestamp AT TIME ZONE ${tz})
       AND p.received_at < ((${range.to}::date + 1)::timestamp AT TIME ZONE ${tz})
     GROUP BY 1, 2, 3 ORDER BY 5 DESC LIMIT 10`;
  return rows.map((r) => ({ productId: r.product_id, name: r.name, sku: r.sku, quantity: Number(r.quantity), gross: Number(r.gross) }));
}

/** Customers by net revenue in the range (payments received minus refunds made). */
export async function customerBreakdown(range: ReportRange, tz: string) {
  const rows = await tenantDb().$queryRaw<{ customer_id: string; name: string; email: string; net: bigint; orders: bigint }[]>`
    WITH money AS (
      SELECT p.order_id, p.amount AS amount FROM payments p
       WHERE p.tenant_id = bulkhead.current_tenant_id()
         AND p.received_at >= (${range.from}::date::timestamp AT TIME ZONE ${tz}) AND p.received_at < ((${range.to}::date + 1)::timestamp AT TIME ZONE ${tz})
      UNION ALL
      SELECT r.order_id, -r.amount FROM refunds r
       WHERE r.tenant_id = bulkhead.current_tenant_id()
         AND r.refunded_at >= (${range.from}::date::timestamp AT TIME ZONE ${tz}) AND r.refunded_at < ((${range.to}::date + 1)::timestamp AT TIME ZONE ${tz})
    )
    SELECT c.id AS customer_id, c.name, c.email, sum(m.amount) AS net, count(DISTINCT m.order_id) AS orders
      FROM money m
      JOIN orders o ON o.tenant_id = bulkhead.current_tenant_id() AND o.id = m.order_id
      JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
     GROUP BY 1, 2, 3 ORDER BY 4 DESC LIMIT 10`;
  return rows.map((r) => ({ customerId: r.customer_id, name: r.name, email: r.email, net: Number(r.net), orders: Number(r.orders) }));
}
