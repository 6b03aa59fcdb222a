import { OrderStatus } from '../db/generated/enums';

// An order's lifecycle: the states are the database's enum (prisma/schema.prisma), read from the
// generated client, and what each state allows is decided here. The service, the API's schemas
// and the pages all ask this module, so a new state is one migration away from everywhere, and
// the type checker points at each table (a badge's tone) that lacks it. No server-only imports:
// client components may use it.

export { OrderStatus };

/** Every order status, in the enum's order (the lifecycle's). */
export const ORDER_STATUSES: readonly OrderStatus[] = Object.values(OrderStatus);

/** Not paid yet: an order that is a draft or pending can still be edited, paid or cancelled. */
export function isEditable(status: OrderStatus): boolean {
  return status === 'draft' || status === 'pending';
}

/** Paid, with money that may still be given back (whether any is left is the payments' sum). */
export function isRefundable(status: OrderStatus): boolean {
  return status === 'paid' || status === 'partially_refunded';
}

/** A status as people read it: partially_refunded → "partially refunded". */
export function orderStatusLabel(status: OrderStatus): string {
  return status.replaceAll('_', ' ');
}
