import type { z } from 'zod';

import { revenueReport } from '../billing/report';
import { createCustomer, customersById, getCustomer, listCustomers, updateCustomer } from '../customers/service';
import { cancelOrder, createOrder, getOrder, listOrders, markOrderPaid, refundOrder, updateOrder } from '../orders/service';
import { createProduct, getProduct, listProducts, updateProduct } from '../products/service';
import * as s from './schemas';

// What each API operation does, over the same domain services the web app's forms use. None of
// these functions knows the tenant: the wrapper opened its context from the API key.

export async function listOrdersPage(q: z.infer<typeof s.orderListQuery>) {
  const page = await listOrders(q);
  return { data: page.items.map(s.orderSummaryOutOf), nextCursor: page.nextCursor ?? null };
}

export const orderById = async (id: string) => s.orderOutOf(await getOrder(id));

export async function placeOrder(body: z.infer<typeof s.orderCreate>) {
  const order = await createOrder(body);
  return orderById(order.id);
}

export async function patchOrder(id: string, body: z.infer<typeof s.orderUpdate>) {
  const current = await getOrder(id);
  await updateOrder(id, body.version, {
    customerId: body.customerId ?? current.customer.id,
    notes: body.notes !== undefined ? body.notes : current.notes,
    lines: body.lines ?? current.items.map((item) => ({ productId: item.productId, quantity: item.quantity })),
  });
  return orderById(id);
}

export async function payOrder(id: string, body: z.infer<typeof s.orderPay>) {
  await markOrderPaid(id, body.method);
  return orderById(id);
}

export async function refund(id: string, body: z.infer<typeof s.orderRefund>) {
  await refundOrder(id, body.amount, body.reason);
  return orderById(id);
}

export async function cancel(id: string) {
  await cancelOrder(id);
  return orderById(id);
}

export async function listCustomersPage(q: z.infer<typeof s.catalogueListQuery>) {
  const page = await listCustomers(q);
  // The list holds a summary of each customer; the API answers every field, in one more query.
  const full = new Map((await customersById(page.items.map((c) => c.id))).map((c) => [c.id, c]));
  return { data: page.items.map((c) => s.customerOutOf(full.get(c.id)!)), nextCursor: page.nextCursor ?? null };
}

export const customerById = async (id: string) => s.customerOutOf(await getCustomer(id));
export const addCustomer = async (body: z.infer<typeof s.customerCreate>) => s.customerOutOf(await createCustomer(body));

export async function patchCustomer(id: string, body: z.infer<typeof s.customerUpdate>) {
  const current = await getCustomer(id);
  const pick = <K extends 'name' | 'email' | 'phone' | 'company' | 'notes'>(field: K) =>
    field in body && body[field] !== undefined ? body[field]! : current[field];
  return s.customerOutOf(
    await updateCustomer(id, body.version, {
      name: pick('name'),
      email: pick('email'),
      phone: pick('phone'),
      company: pick('company'),
      notes: pick('notes'),
    }),
  );
}

export async function listProductsPage(q: z.infer<typeof s.catalogueListQuery>) {
  const page = await listProducts(q);
  return { data: page.items.map(s.productOutOf), nextCursor: page.nextCursor ?? null };
}

export const productById = async (id: string) => s.productOutOf(await getProduct(id));
export const addProduct = async (body: z.infer<typeof s.productCreate>) => s.productOutOf((await createProduct(body))!);

export async function patchProduct(id: string, body: z.infer<typeof s.productUpdate>) {
  const current = await getProduct(id);
  const pick = <K extends 'sku' | 'name' | 'description' | 'unitPrice'>(field: K) =>
    field in body && body[field] !== undefined ? body[field]! : current[field];
  return s.productOutOf(
    (await updateProduct(id, body.version, {
      sku: pick('sku'),
      name: pick('name'),
      description: pick('description'),
      unitPrice: pick('unitPrice'),
    }))!,
  );
}

/** Through the output schema like every other answer: a field added to the report is not in the API until it is added there. */
export const revenue = async (q: z.infer<typeof s.revenueQuery>) => s.revenueReportOut.parse(await revenueReport(q));
