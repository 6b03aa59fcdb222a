import { beforeAll, describe, expect, it } from 'vitest';

import { createCustomer, updateCustomer } from '@/lib/customers/service';
import { createOpsClient, type OpsClient } from '@/lib/db/privileged';
import { fieldErrorsOf } from '@/lib/errors';
import { cancelOrder, createOrder, markOrderPaid, refundOrder, updateOrder } from '@/lib/orders/service';
import { createProduct, setProductArchived } from '@/lib/products/service';
import { runInTenant } from '@/lib/tenancy';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, type SeededTenant } from '@/test/fixtures';

import { customerInput, orderInput, productInput, refundInput } from './schemas';

// Every write path of the back office: bad input is refused with field errors and writes nothing;
// stale edits are conflicts; money rules hold.

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;
let globex: SeededTenant;
let ops: OpsClient;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
  globex = await seedTenant(database.current.urls.ops, 'globex');
  ops = createOpsClient(database.current.urls.ops);
});

const asAcme = <T>(work: () => Promise<T>) =>
  runInTenant({ tenantId: acme.id, actorType: 'user', actorId: acme.userId, actorLabel: 'owner@acme.test', role: 'owner' }, work);
const errorsOf = (result: { success: boolean; error?: unknown }) => (result.success ? {} : fieldErrorsOf(result.error as never));
const counts = async () => ({
  customers: await ops.customer.count(),
  products: await ops.product.count(),
  orders: await ops.order.count(),
  payments: await ops.payment.count(),
  refunds: await ops.refund.count(),
});

describe('input validation names every bad field', () => {
  it('customers', () => {
    expect(Object.keys(errorsOf(customerInput.safeParse({ name: '', email: 'nope', phone: 'x'.repeat(41) }))).sort()).toEqual([
      'email',
      'name',
      'phone',
    ]);
    expect(customerInput.safeParse({ name: 'Ann', email: 'ANN@X.TEST', phone: '', company: '', notes: '' }).data).toEqual({
      name: 'Ann',
      email: 'ann@x.test',
      phone: null,
      company: null,
      notes: null,
    });
  });

  it('products', () => {
    expect(errorsOf(productInput.safeParse({ sku: 'bad sku!', name: '', unitPrice: '-3', description: '' }))).toEqual({
      sku: ['Use letters, digits, dots, dashes and underscores.'],
      name: ['Enter name.'],
      unitPrice: ['Price must be a number like 12.50.'],
    });
  });

  it('orders, line by line', () => {
    const result = orderInput.safeParse({
      customerId: 'x',
      notes: '',
      'lines.0.productId': acme.productIds[0],
      'lines.0.quantity': '0',
      'lines.1.productId': 'nope',
      'lines.1.quantity': '2',
    });
    expect(Object.keys(errorsOf(result)).sort()).toEqual(['customerId', 'lines.0.quantity', 'lines.1.productId']);
    expect(errorsOf(orderInput.safeParse({ customerId: acme.customerIds[0] }))).toEqual({ lines: ['Add at least one line.'] });
  });

  it('refunds', () => {
    expect(Object.keys(errorsOf(refundInput.safeParse({ id: acme.orderIds[0], amount: '0', reason: '' })))).toEqual(['amount']);
  });
});

describe('services refuse and write nothing', () => {
  it('an order for an unknown, archived or other tenant’s customer or product is refused whole', async () => {
    const before = await counts();
    await expect(
      asAcme(() =>
        createOrder({ customerId: globex.customerIds[0]!, notes: null, lines: [{ productId: acme.productIds[0]!, quantity: 1 }] }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed', fieldErrors: { customerId: expect.any(Array) } });
    await expect(
      asAcme(() =>
        createOrder({
          customerId: acme.customerIds[0]!,
          notes: null,
          lines: [
            { productId: acme.productIds[0]!, quantity: 1 },
            { productId: globex.productIds[0]!, quantity: 1 },
          ],
        }),
      ),
    ).rejects.toMatchObject({ fieldErrors: { 'lines.1.productId': ['Choose an active product.'] } });
    await asAcme(() => setProductArchived(acme.productIds[2]!, true));
    await expect(
      asAcme(() =>
        createOrder({ customerId: acme.customerIds[0]!, notes: null, lines: [{ productId: acme.productIds[2]!, quantity: 1 }] }),
      ),
    ).rejects.toMatchObject({ code: 'validation_failed' });
    const after = await counts();
    expect({ ...after, products: before.products }).toEqual(before);
  });

  it('prices come from the catalogue and order numbers count up per tenant', async () => {
    const a = await asAcme(() =>
      createOrder({
        customerId: acme.customerIds[0]!,
        notes: null,
        lines: [
          { productId: acme.productIds[0]!, quantity: 3 },
          { productId: acme.productIds[1]!, quantity: 1 },
        ],
      }),
    );
    expect(a.total).toBe(3 * 1000 + 1001);
    const b = await asAcme(() =>
      createOrder({ customerId: acme.customerIds[1]!, notes: 'second', lines: [{ productId: acme.productIds[0]!, quantity: 1 }] }),
    );
    expect(b.number).toBe(a.number + 1);
    expect(await ops.orderItem.count({ where: { orderId: a.id } })).toBe(2);
  });

  it('a stale edit is a conflict that names what happened, and changes nothing', async () => {
    const customer = await asAcme(() =>
      createCustomer({ name: 'Versioned', email: 'v@acme.test', phone: null, company: null, notes: null }),
    );
    await asAcme(() =>
      updateCustomer(customer.id, customer.version, { name: 'First edit', email: 'v@acme.test', phone: null, company: null, notes: null }),
    );
    await expect(
      asAcme(() =>
        updateCustomer(customer.id, customer.version, {
          name: 'Stale edit',
          email: 'v@acme.test',
          phone: null,
          company: null,
          notes: null,
        }),
      ),
    ).rejects.toMatchObject({ code: 'conflict', detail: expect.stringContaining('Someone else changed this customer') });
    expect((await ops.customer.findFirstOrThrow({ where: { id: customer.id } })).name).toBe('First edit');
    await expect(
      asAcme(() => updateCustomer(globex.customerIds[0]!, 1, { name: 'x', email: 'x@x.test', phone: null, company: null, notes: null })),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('pay, refund and cancel follow the money rules', async () => {
    const order = await asAcme(() =>
      createOrder({ customerId: acme.customerIds[0]!, notes: null, lines: [{ productId: acme.productIds[1]!, quantity: 2 }] }),
    );
    await asAcme(() => markOrderPaid(order.id));
    await expect(asAcme(() => markOrderPaid(order.id))).rejects.toMatchObject({ code: 'conflict' });
    await expect(asAcme(() => cancelOrder(order.id))).rejects.toMatchObject({ code: 'conflict' });
    await expect(
      asAcme(() =>
        updateOrder(order.id, order.version + 1, {
          customerId: acme.customerIds[0]!,
          notes: null,
          lines: [{ productId: acme.productIds[0]!, quantity: 1 }],
        }),
      ),
    ).rejects.toMatchObject({ code: 'conflict' });
    await expect(asAcme(() => refundOrder(order.id, order.total + 1, null))).rejects.toMatchObject({
      code: 'validation_failed',
      fieldErrors: { amount: expect.any(Array) },
    });
    await asAcme(() => refundOrder(order.id, 500, 'partial'));
    expect((await ops.order.findFirstOrThrow({ where: { id: order.id } })).status).toBe('partially_refunded');
    await asAcme(() => refundOrder(order.id, order.total - 500, 'rest'));
    expect((await ops.order.findFirstOrThrow({ where: { id: order.id } })).status).toBe('refunded');
    await expect(asAcme(() => refundOrder(order.id, 1, null))).rejects.toMatchObject({ code: 'conflict' });
    await expect(asAcme(() => refundOrder(globex.orderIds[0]!, 1, null))).rejects.toMatchObject({ code: 'not_found' });
    expect((await ops.auditEvent.findMany({ where: { targetId: order.id }, orderBy: { createdAt: 'asc' } })).map((e) => e.action)).toEqual([
      'order.created',
      'order.paid',
      'order.refunded',
      'order.refunded',
    ]);
  });

  it('a taken SKU is a field error', async () => {
    await asAcme(() => createProduct({ sku: 'UNIQUE-1', name: 'One', description: null, unitPrice: 700 }));
    await expect(asAcme(() => createProduct({ sku: 'UNIQUE-1', name: 'Two', description: null, unitPrice: 700 }))).rejects.toMatchObject({
      code: 'conflict',
      fieldErrors: { sku: ['Another product already has this SKU.'] },
    });
  });
});
