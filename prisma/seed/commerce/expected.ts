import { monthKey, TenantCalendar } from './generate';
import {
  ORDER_STATUSES,
  type CommerceData,
  type CommerceTenant,
  type ExpectedFigures,
  type OrderStatus,
  type ProductFigures,
  type RevenueFigures,
} from './types';

// The figures a tenant's reports must show for generated rows — revenue by month in the tenant's
// time zone, totals, orders by status, units and gross by product — computed in TypeScript from the
// rows themselves, so a report query is checked against numbers that did not come from SQL.

/** The report figures of generated data, computed in TypeScript (see ExpectedFigures). */
export function expectedFigures(
  data: CommerceData,
  tenant: Pick<CommerceTenant, 'timezone' | 'currency'>,
  signature: number,
): ExpectedFigures {
  const calendar = new TenantCalendar(tenant.timezone);
  const zero = (): RevenueFigures => ({ gross: 0, refunds: 0, net: 0, payments: 0, refundCount: 0 });
  const byMonth: Record<string, RevenueFigures> = {};
  const bucket = (instant: number) => (byMonth[calendar.month(instant)] ??= zero());

  // Every month from the first order to the last event, so a chart gets its empty months too.
  let [first, last] = [Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
  for (const instants of [
    data.orders.map((o) => o.placedAt),
    data.payments.map((p) => p.receivedAt),
    data.refunds.map((r) => r.refundedAt),
  ]) {
    for (const instant of instants) [first, last] = [Math.min(first, instant), Math.max(last, instant)];
  }
  if (data.orders.length > 0) {
    const lastMonth = calendar.month(last);
    let { year, month } = calendar.parts(first);
    for (;;) {
      const key = monthKey(year, month);
      byMonth[key] = zero();
      if (key === lastMonth) break;
      [year, month] = month === 12 ? [year + 1, 1] : [year, month + 1];
    }
  }
  const totals = zero();
  for (const payment of data.payments) {
    for (const figures of [bucket(payment.receivedAt), totals]) {
      figures.gross += payment.amount;
      figures.payments++;
    }
  }
  for (const refund of data.refunds) {
    for (const figures of [bucket(refund.refundedAt), totals]) {
      figures.refunds += refund.amount;
      figures.refundCount++;
    }
  }
  for (const figures of [...Object.values(byMonth), totals]) figures.net = figures.gross - figures.refunds;

  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  const paidOrders = new Set<string>();
  for (const order of data.orders) {
    byStatus[order.status]++;
    if (order.status === 'paid' || order.status === 'partially_refunded' || order.status === 'refunded') paidOrders.add(order.id);
  }
  const byProduct: Record<string, ProductFigures> = {};
  const skuOf = new Map(data.products.map((p) => [p.id, p]));
  for (const product of data.products) byProduct[product.sku] = { name: product.name, quantity: 0, gross: 0 };
  for (const item of data.orderItems) {
    if (!paidOrders.has(item.orderId)) continue;
    const figures = byProduct[skuOf.get(item.productId)!.sku]!;
    figures.quantity += item.quantity;
    figures.gross += item.total;
  }

  return {
    timezone: tenant.timezone,
    currency: tenant.currency,
    signature,
    byMonth,
    totals,
    orders: { total: data.orders.length, byStatus },
    byProduct,
    customers: data.customers.length,
    products: data.products.length,
    orderItems: data.orderItems.length,
  };
}
