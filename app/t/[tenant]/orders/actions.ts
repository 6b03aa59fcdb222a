'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';

import { tenantAction } from '@/lib/auth/entry';
import { orderInput, orderUpdateInput, refundInput } from '@/lib/commerce/schemas';
import { cancelOrder, createOrder, markOrderPaid, refundOrder, updateOrder } from '@/lib/orders/service';
import { id } from '@/lib/validation';

export const createOrderAction = tenantAction({ input: orderInput, permission: 'orders.create' }, async (input, access) => {
  const created = await createOrder(input);
  redirect(`/t/${access.slug}/orders/${created.id}`);
});

export const updateOrderAction = tenantAction(
  { input: orderUpdateInput, permission: 'orders.update' },
  async ({ id: orderId, version: expected, ...input }, access) => {
    await updateOrder(orderId, expected, input);
    redirect(`/t/${access.slug}/orders/${orderId}`);
  },
);

export const payOrderAction = tenantAction({ input: z.object({ id: id('order') }), permission: 'orders.pay' }, async (input, access) => {
  await markOrderPaid(input.id);
  revalidatePath(`/t/${access.slug}`, 'layout');
});

export const refundOrderAction = tenantAction({ input: refundInput, permission: 'orders.refund' }, async (input, access) => {
  await refundOrder(input.id, input.amount, input.reason);
  revalidatePath(`/t/${access.slug}`, 'layout');
  return { refunded: input.amount };
});

export const cancelOrderAction = tenantAction(
  { input: z.object({ id: id('order') }), permission: 'orders.cancel' },
  async (input, access) => {
    await cancelOrder(input.id);
    revalidatePath(`/t/${access.slug}`, 'layout');
  },
);
