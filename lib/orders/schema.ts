import { z } from 'zod';

import { cursorQuery, searchQuery } from '../pagination';
import { calendarDay, minorUnits, optionalText, quantityOf, uuidOf } from '../validation';
import { OrderStatus } from './status';

// An order's fields, its payments and refunds, and the filters of the orders list, as the service
// takes them: the one definition that the back office's forms (lib/commerce/schemas.ts, which
// read text) and the API (lib/api/schemas.ts, which is strict about unknown fields) are built from.

export const MAX_ORDER_LINES = 100;

/** The lines of an order, whatever each line is made of (JSON numbers, or a form's text). */
export const orderLinesOf = <Line extends z.ZodType>(line: Line) =>
  z.array(line).min(1, 'Add at least one line.').max(MAX_ORDER_LINES, `An order has at most ${MAX_ORDER_LINES} lines.`);

export const orderLineSchema = z.object({
  productId: uuidOf('product'),
  quantity: quantityOf(z.number({ message: 'Quantity must be a whole number.' })),
});

export const orderSchema = z.object({
  customerId: uuidOf('customer'),
  notes: optionalText(2000, 'Notes'),
  lines: orderLinesOf(orderLineSchema),
});

export type OrderLineInput = z.output<typeof orderLineSchema>;
export type OrderInput = z.output<typeof orderSchema>;

export const PAYMENT_METHODS = ['manual', 'card', 'bank_transfer'] as const;

export const paymentSchema = z.object({
  method: z.enum(PAYMENT_METHODS, 'method must be manual, card or bank_transfer.').default('manual'),
});

export const refundSchema = z.object({
  amount: minorUnits('amount').min(1, 'amount must be more than zero.'),
  reason: optionalText(500, 'Reason'),
});

// ── The orders list ───────────────────────────────────────────────────────────────────────────────

export const ORDER_SORTS = ['placed_desc', 'placed_asc', 'total_desc', 'total_asc'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];
export const DEFAULT_ORDER_SORT: OrderSort = 'placed_desc';

/** What listOrders() filters by. Days are calendar days in UTC, `to` included. */
export const orderFilters = z.object({
  cursor: cursorQuery,
  status: z.enum(OrderStatus, 'Unknown status.').optional().meta({ description: 'Only orders with this status.' }),
  customerId: uuidOf('customer').optional().meta({ description: 'Only orders of this customer.' }),
  from: calendarDay.optional().meta({ description: 'Placed on or after this day (UTC).' }),
  to: calendarDay.optional().meta({ description: 'Placed on or before this day (UTC).' }),
  search: searchQuery('An order number, or part of the customer’s name or email.'),
  sort: z.enum(ORDER_SORTS, 'Unknown sort.').optional().meta({ description: 'Order of the list; newest first by default.' }),
});

export type OrderFilters = z.output<typeof orderFilters>;
