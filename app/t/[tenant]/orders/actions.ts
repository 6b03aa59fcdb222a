'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { tenantAction } from '@/lib/auth/entry';
import { cancelOrder, createOrder, markOrderPaid, refundOrder, updateOrder } from '@/lib/orders/service';
import { id, optionalText, positiveMoney, quantity, version } from '@/lib/validation';

/** The form posts lines as lines.0.productId, lines.0.quantity, …; gather them into an array. */
function gatherLines(values: unknown) {
  const flat = values as Record<string, string>;
  const lines: Record<string, string>[] = [];
  for (const [key, value] of Object.entries(flat)) {
    const match = /^lines\.(\d{1,3})\.(productId|quantity)$/.exec(key);
    if (match) (lines[Number(match[1])] ??= {})[match[2]!] = value;
  }
  return { ...flat, lines: lines.filter((line) => line && (line.productId || line.quantity)) };
}

const order = z.preprocess(
  gatherLines,
  z.object({
    customerId: id('customer'),
    notes: optionalText(2000, 'Notes'),
    lines: z.array(z.object({ productId: id('product'), quantity })).min(1, 'Add at least one line.').max(100, 'An order has at most 100 lines.'),
  }),
);

export const createOrderAction = tenantAction({ input: order, permission: 'orders.create' }, async (input, access) => {
  const created = await createOrder(input);
  redirect(`/t/${access.slug}/orders/${created.id}`);
});

export const updateOrderAction = tenantAction(
  { input: z.preprocess(gatherLines, z.object({ id: id('order'), version, customerId: id('customer'), notes: optionalText(2000, 'Notes'), lines: z.array(z.object({ productId: id('product'), quantity })).min(1, 'Add at least one line.').max(100) })), permission: 'orders.update' },
  async ({ id: orderId, version: expected, ...input }, access) => {
    await updateOrder(orderId, expected, input);
    redirect(`/t/${access.slug}/orders/${orderId}`);
  },
);

export const payOrderAction = tenantAction({ input: z.object({ id: id('order') }), permission: 'orders.pay' }, async (input, access) => {
  await markOrderPaid(input.id);
  revalidatePath(`/t/${access.slug}`, 'layout');
});

export const refundOrderAction = tenantAction(
  { input: z.object({ id: id('order'), amount: positiveMoney('Refund'), reason: optionalText(500, 'Reason') }), permission: 'orders.refund' },
  async (input, access) => {
    await refundOrder(input.id, input.amount, input.reason);
    revalidatePath(`/t/${access.slug}`, 'layout');
    return { refunded: input.amount };
  },
);

export const cancelOrderAction = tenantAction({ input: z.object({ id: id('order') }), permission: 'orders.cancel' }, async (input, access) => {
  await cancelOrder(input.id);
  revalidatePath(`/t/${access.slug}`, 'layout');
});
