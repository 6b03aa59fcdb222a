import { assertQuota } from '../billing';
import type { OrderStatus, Prisma } from '../db/generated/client';
import { AppError, explainMissedUpdate, notFound } from '../errors';
import { pageAfter, toPage } from '../pagination';
import { tenantSettings } from '../settings';
import { audit, tenantDb, type TenantTransaction } from '../tenancy';
import { DEFAULT_ORDER_SORT, type OrderFilters, type OrderInput, type OrderLineInput, type OrderSort } from './schema';
import { isEditable, isRefundable, orderStatusLabel } from './status';

// Orders of the tenant in context: create and edit (while unpaid), pay, refund in full or in part,
// cancel. Amounts are computed here from the lines, never taken from the client. Revenue is
// recognised when a payment is received; a refund is a row of its own, so reports over any past
// range stay stable.

const SORTS: Record<OrderSort, Prisma.OrderOrderByWithRelationInput[]> = {
  placed_desc: [{ placedAt: 'desc' }, { id: 'desc' }],
  placed_asc: [{ placedAt: 'asc' }, { id: 'asc' }],
  total_desc: [{ total: 'desc' }, { id: 'desc' }],
  total_asc: [{ total: 'asc' }, { id: 'asc' }],
};

const dayStart = (day: string) => new Date(`${day}T00:00:00.000Z`);
const dayAfter = (day: string) => new Date(dayStart(day).getTime() + 86_400_000);

/** A page of orders, filtered as lib/orders/schema.ts's orderFilters describes (the orders page and the API alike). */
export async function listOrders(filters: OrderFilters = {}) {
  const db = tenantDb();
  const search = filters.search?.trim().replace(/^#/, '');
  const where: Prisma.OrderWhereInput = {
    ...(filters.status ? { status: filters.status } : {}),
    ...(filters.customerId ? { customerId: filters.customerId } : {}),
    ...(filters.from || filters.to
      ? { placedAt: { ...(filters.from ? { gte: dayStart(filters.from) } : {}), ...(filters.to ? { lt: dayAfter(filters.to) } : {}) } }
      : {}),
    ...(search
      ? {
          OR: [
            ...(/^\d{1,9}$/.test(search) ? [{ number: Number(search) }] : []),
            { customer: { name: { contains: search, mode: 'insensitive' } } },
            { customer: { email: { contains: search, mode: 'insensitive' } } },
          ],
        }
      : {}),
  };
  const rows = await db.order.findMany({
    where,
    orderBy: SORTS[filters.sort ?? DEFAULT_ORDER_SORT],
    ...pageAfter(db, filters.cursor),
    select: {
      id: true,
      number: true,
      status: true,
      total: true,
      currency: true,
      placedAt: true,
      customer: { select: { id: true, name: true, email: true } },
    },
  });
  return toPage(rows);
}

export async function getOrder(id: string) {
  const db = tenantDb();
  const order = await db.order.findFirst({
    where: { id },
    include: {
      customer: { select: { id: true, name: true, email: true, company: true } },
      items: { orderBy: { id: 'asc' }, include: { product: { select: { id: true, sku: true, name: true } } } },
      payments: { orderBy: { receivedAt: 'asc' } },
      refunds: { orderBy: { refundedAt: 'asc' } },
    },
  });
  if (!order) throw notFound('order');
  const timeline = await db.auditEvent.findMany({ where: { targetType: 'order', targetId: id }, orderBy: { createdAt: 'asc' } });
  const paid = order.payments.reduce((sum, p) => sum + p.amount, 0);
  const refunded = order.refunds.reduce((sum, r) => sum + r.amount, 0);
  return { ...order, timeline, paid, refunded, refundable: paid - refunded };
}

/** The lines priced from the catalogue; unknown or archived products are field errors. */
async function priceLines(tx: TenantTransaction, lines: OrderLineInput[]) {
  const products = await tx.product.findMany({ where: { id: { in: lines.map((l) => l.productId) }, archivedAt: null } });
  const byId = new Map(products.map((p) => [p.id, p]));
  const fieldErrors: Record<string, string[]> = {};
  const items = lines.map((line, index) => {
    const product = byId.get(line.productId);
    if (!product) fieldErrors[`lines.${index}.productId`] = ['Choose an active product.'];
    const unitPrice = product?.unitPrice ?? 0;
    return {
      productId: line.productId,
      description: product?.name ?? '',
      quantity: line.quantity,
      unitPrice,
      total: unitPrice * line.quantity,
    };
  });
  if (Object.keys(fieldErrors).length) throw new AppError('validation_failed', 'Some lines are not valid.', fieldErrors);
  const subtotal = items.reduce((sum, item) => sum + item.total, 0);
  if (subtotal > 2_000_000_000)
    throw new AppError('validation_failed', 'Order too large.', { lines: ['This order is too large for one order; split it.'] });
  return { items, subtotal };
}

async function requireCustomer(tx: TenantTransaction, customerId: string) {
  const customer = await tx.customer.findFirst({ where: { id: customerId, archivedAt: null }, select: { id: true } });
  if (!customer) throw new AppError('validation_failed', 'Unknown customer.', { customerId: ['Choose an active customer.'] });
}

/** The tenant's next order number. A per-tenant transaction lock keeps two creates from taking the
 *  same one; the key is the tenant in the transaction, so tenants never wait for each other. */
async function nextOrderNumber(tx: TenantTransaction): Promise<number> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('bulkhead.order_number'), hashtext(current_setting('app.tenant_id')))`;
  const { _max } = await tx.order.aggregate({ _max: { number: true } });
  return (_max.number ?? 1000) + 1;
}

export async function createOrder(input: OrderInput) {
  return tenantDb().$transaction(async (tx) => {
    await assertQuota(tx, 'orders');
    await requireCustomer(tx, input.customerId);
    const { items, subtotal } = await priceLines(tx, input.lines);
    const { currency } = await tenantSettings();
    const order = await tx.order.create({
      data: {
        number: await nextOrderNumber(tx),
        customerId: input.customerId,
        currency,
        notes: input.notes,
        subtotal,
        total: subtotal,
        status: 'pending',
        items: { create: items },
      },
    });
    await audit({
      action: 'order.created',
      targetType: 'order',
      targetId: order.id,
      metadata: { number: order.number, total: subtotal, lines: items.length },
    });
    return order;
  });
}

export async function updateOrder(id: string, expectedVersion: number, input: OrderInput) {
  return tenantDb().$transaction(async (tx) => {
    const current = await tx.order.findFirst({ where: { id }, select: { version: true, status: true } });
    if (!current) throw notFound('order');
    if (current.version !== expectedVersion) await explainMissedUpdate(current, 'order');
    if (!isEditable(current.status)) throw new AppError('conflict', `A ${orderStatusLabel(current.status)} order can no longer be edited.`);
    await requireCustomer(tx, input.customerId);
    const { items, subtotal } = await priceLines(tx, input.lines);
    const { count } = await tx.order.updateMany({
      where: { id, version: expectedVersion },
      data: { customerId: input.customerId, notes: input.notes, subtotal, total: subtotal, version: { increment: 1 } },
    });
    if (count === 0) await explainMissedUpdate(await tx.order.findFirst({ where: { id }, select: { version: true } }), 'order');
    await tx.orderItem.deleteMany({ where: { orderId: id } });
    await tx.orderItem.createMany({ data: items.map((item) => ({ ...item, orderId: id })) });
    await audit({ action: 'order.updated', targetType: 'order', targetId: id, metadata: { total: subtotal, lines: items.length } });
  });
}

/**
 * The order, locked for the rest of the transaction, if its state `allows` the change; otherwise a
 * conflict that says which state it is in and what `only` may be changed so.
 */
async function lockOrderIf(tx: TenantTransaction, id: string, allows: (status: OrderStatus) => boolean, only: string) {
  const [row] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM orders WHERE id = ${id}::uuid FOR UPDATE`;
  if (!row) throw notFound('order');
  const order = await tx.order.findFirstOrThrow({ where: { id }, include: { payments: true, refunds: true } });
  if (!allows(order.status)) throw new AppError('conflict', `This order is ${orderStatusLabel(order.status)}; ${only}`);
  return order;
}

export async function markOrderPaid(id: string, method = 'manual') {
  await tenantDb().$transaction(async (tx) => {
    const order = await lockOrderIf(tx, id, isEditable, 'only an unpaid order can be marked paid.');
    if (order.total <= 0) throw new AppError('conflict', 'An order with a total of zero cannot be paid.');
    const payment = await tx.payment.create({ data: { orderId: id, amount: order.total, method } });
    await tx.order.updateMany({ where: { id }, data: { status: 'paid', paidAt: payment.receivedAt, version: { increment: 1 } } });
    await audit({ action: 'order.paid', targetType: 'order', targetId: id, metadata: { amount: order.total, method } });
  });
}

export async function refundOrder(id: string, amount: number, reason: string | null) {
  await tenantDb().$transaction(async (tx) => {
    const order = await lockOrderIf(tx, id, isRefundable, 'only a paid order can be refunded.');
    const paid = order.payments.reduce((sum, p) => sum + p.amount, 0);
    const refundable = paid - order.refunds.reduce((sum, r) => sum + r.amount, 0);
    if (amount > refundable)
      throw new AppError('validation_failed', 'Refund too large.', {
        amount: [`At most ${(refundable / 100).toFixed(2)} can still be refunded.`],
      });
    await tx.refund.create({ data: { orderId: id, amount, reason } });
    const status: OrderStatus = amount === refundable ? 'refunded' : 'partially_refunded';
    await tx.order.updateMany({ where: { id }, data: { status, version: { increment: 1 } } });
    await audit({ action: 'order.refunded', targetType: 'order', targetId: id, metadata: { amount, reason, status } });
  });
}

export async function cancelOrder(id: string) {
  await tenantDb().$transaction(async (tx) => {
    await lockOrderIf(tx, id, isEditable, 'only an unpaid order can be cancelled. Refund it instead.');
    await tx.order.updateMany({ where: { id }, data: { status: 'cancelled', cancelledAt: new Date(), version: { increment: 1 } } });
    await audit({ action: 'order.cancelled', targetType: 'order', targetId: id });
  });
}
