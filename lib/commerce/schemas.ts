import { z } from 'zod';

import { customerSchema } from '../customers/schema';
import { orderLineSchema, orderLinesOf, orderSchema, refundSchema } from '../orders/schema';
import { productSchema } from '../products/schema';
import { id, money, positiveMoney, quantity, version } from '../validation';

// The back office's forms, shared by the server actions and their tests. Each is its domain's
// schema (lib/customers/schema.ts, lib/products/schema.ts, lib/orders/schema.ts: the fields, their
// limits, the SKU rule) with what only a form needs: prices and amounts typed as decimals, ids a
// person picked from a list, quantities posted as text, lines gathered from flat field names.

export const customerInput = customerSchema;

export const productInput = productSchema.extend({ unitPrice: money('Price') });

/** Forms post lines as lines.0.productId, lines.0.quantity, …; gather them into an array. */
export function gatherLines(values: unknown) {
  const flat = values as Record<string, string>;
  const lines: Record<string, string>[] = [];
  for (const [key, value] of Object.entries(flat)) {
    const match = /^lines\.(\d{1,3})\.(productId|quantity)$/.exec(key);
    if (match) (lines[Number(match[1])] ??= {})[match[2]!] = value;
  }
  return { ...flat, lines: lines.filter((line) => line && (line.productId || line.quantity)) };
}

const orderForm = orderSchema.extend({
  customerId: id('customer'),
  lines: orderLinesOf(orderLineSchema.extend({ productId: id('product'), quantity })),
});

export const orderInput = z.preprocess(gatherLines, orderForm);
export const orderUpdateInput = z.preprocess(gatherLines, orderForm.extend({ id: id('order'), version }));
export const refundInput = refundSchema.extend({ id: id('order'), amount: positiveMoney('Refund') });
