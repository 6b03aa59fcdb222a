import { z } from 'zod';

import { email, id, money, optionalText, positiveMoney, quantity, requiredText, version } from '../validation';

// Input schemas of the commerce forms and API, shared by the server actions and their tests.

export const customerInput = z.object({
  name: requiredText(120, 'Name'),
  email,
  phone: optionalText(40, 'Phone'),
  company: optionalText(120, 'Company'),
  notes: optionalText(2000, 'Notes'),
});

export const productInput = z.object({
  sku: requiredText(64, 'SKU').regex(/^[A-Za-z0-9._-]+$/, 'Use letters, digits, dots, dashes and underscores.'),
  name: requiredText(120, 'Name'),
  description: optionalText(2000, 'Description'),
  unitPrice: money('Price'),
});

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

const orderFields = {
  customerId: id('customer'),
  notes: optionalText(2000, 'Notes'),
  lines: z
    .array(z.object({ productId: id('product'), quantity }))
    .min(1, 'Add at least one line.')
    .max(100, 'An order has at most 100 lines.'),
};

export const orderInput = z.preprocess(gatherLines, z.object(orderFields));
export const orderUpdateInput = z.preprocess(gatherLines, z.object({ id: id('order'), version, ...orderFields }));
export const refundInput = z.object({ id: id('order'), amount: positiveMoney('Refund'), reason: optionalText(500, 'Reason') });
