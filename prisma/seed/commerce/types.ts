// The shapes of the commerce seed: what a caller asks for, the rows the generator produces and the
// report figures those rows must give.

export const ORDER_STATUSES = ['draft', 'pending', 'paid', 'partially_refunded', 'refunded', 'cancelled'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface CommerceTenant {
  id: string;
  slug: string;
  timezone: string;
  currency: string;
}

export interface CommerceOptions {
  customers: number;
  products: number;
  orders: number;
  /** Calendar months of history in the tenant's zone: the current month and the months - 1 before it. */
  months: number;
  seed: number;
  /** 0–6: every amount of this tenant is ≡ signature (mod 7), see the top of this file. */
  signature: number;
  canary: string;
  /** The end of the history; defaults to the current time. Same seed + same now = same data. */
  now?: Date;
}

/** Money in the tenant's minor units; counts are rows. */
export interface RevenueFigures {
  /** Σ payments.amount */
  gross: number;
  /** Σ refunds.amount */
  refunds: number;
  /** gross − refunds */
  net: number;
  /** number of payments */
  payments: number;
  /** number of refund rows */
  refundCount: number;
}

export interface ProductFigures {
  name: string;
  /** Units sold on orders that were paid (status paid, partially_refunded or refunded). */
  quantity: number;
  /**
   * Σ order_items.total of those lines: gross sales before refunds (refunds belong to orders, not
   * lines). Every paid order has exactly one payment, so this is also what a report counting the
   * lines of orders paid in a range shows for a range covering the whole history.
   */
  gross: number;
}

export interface ExpectedFigures {
  timezone: string;
  currency: string;
  signature: number;
  /**
   * Revenue per calendar month in the tenant's time zone ("YYYY-MM"): payments by received_at,
   * refunds by refunded_at. Every month from the first order's to the last event's (with enough
   * orders: the whole history, `months` keys), oldest first, empty months as zeros.
   */
  byMonth: Record<string, RevenueFigures>;
  totals: RevenueFigures;
  orders: { total: number; byStatus: Record<OrderStatus, number> };
  /** Keyed by SKU. */
  byProduct: Record<string, ProductFigures>;
  customers: number;
  products: number;
  orderItems: number;
}

// Rows as generated; times are Unix milliseconds (whole seconds).
export interface CustomerRow {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  notes: string;
  createdAt: number;
}
export interface ProductRow {
  id: string;
  sku: string;
  name: string;
  description: string;
  unitPrice: number;
  createdAt: number;
}
export interface OrderRow {
  id: string;
  number: number;
  customerId: string;
  status: OrderStatus;
  currency: string;
  subtotal: number;
  total: number;
  notes: string | null;
  placedAt: number;
  paidAt: number | null;
  cancelledAt: number | null;
  updatedAt: number;
}
export interface OrderItemRow {
  id: string;
  orderId: string;
  productId: string;
  description: string;
  quantity: number;
  unitPrice: number;
  total: number;
}
export interface PaymentRow {
  id: string;
  orderId: string;
  amount: number;
  method: string;
  receivedAt: number;
}
export interface RefundRow {
  id: string;
  orderId: string;
  amount: number;
  reason: string;
  refundedAt: number;
}
export interface CommerceData {
  customers: CustomerRow[];
  products: ProductRow[];
  orders: OrderRow[];
  orderItems: OrderItemRow[];
  payments: PaymentRow[];
  refunds: RefundRow[];
}
