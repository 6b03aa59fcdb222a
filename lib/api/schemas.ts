import { z } from 'zod';

import { GRANULARITIES } from '../billing/range';
import { customerSchema } from '../customers/schema';
import { orderFilters, orderLineSchema, orderLinesOf, orderSchema, paymentSchema, refundSchema } from '../orders/schema';
import { OrderStatus } from '../orders/status';
import { cursorQuery, searchQuery } from '../pagination';
import { productSchema } from '../products/schema';
import { calendarDay, versionOf } from '../validation';

// The API's request and response schemas. The handlers parse with them and the OpenAPI document
// (lib/api/openapi.ts) is generated from them, so the two cannot disagree. Requests are each
// domain's schema (lib/customers/schema.ts, …: fields, limits, rules) made strict: an unknown
// field is an error naming it, not something silently dropped. Money is an integer in minor units
// (cents) of the tenant's currency. Responses go through the `…Out` mappers, which pick each field
// by name, so a new column never leaks into the API by accident.

// The bounds are lib/validation.ts's, shared with the forms.
const version = versionOf(z.number({ message: 'Give the version you read (optimistic concurrency).' })).meta({
  description: 'The version of the record you are changing, from your last read; a newer version on the server is a 409.',
});

// ── Inputs ────────────────────────────────────────────────────────────────────────────────────────

export const customerCreate = customerSchema.strict().meta({ id: 'CustomerCreate' });
export const customerUpdate = z.strictObject({ version, ...customerSchema.partial().shape }).meta({ id: 'CustomerUpdate' });

export const productCreate = productSchema.strict().meta({ id: 'ProductCreate' });
export const productUpdate = z.strictObject({ version, ...productSchema.partial().shape }).meta({ id: 'ProductUpdate' });

const order = orderSchema.extend({ lines: orderLinesOf(orderLineSchema.strict()) });
export const orderCreate = order.strict().meta({ id: 'OrderCreate' });
export const orderUpdate = z.strictObject({ version, ...order.partial().shape }).meta({ id: 'OrderUpdate' });
export const orderCancel = z.strictObject({}).meta({ id: 'OrderCancel' });
export const orderPay = paymentSchema.strict().meta({ id: 'OrderPay' });
export const orderRefund = refundSchema.strict().meta({ id: 'OrderRefund' });

const booleanFlag = z
  .enum(['true', 'false'], 'Use true or false.')
  .optional()
  .transform((value) => value === 'true');

export const orderListQuery = orderFilters.strict().meta({ id: 'OrderListQuery' });
export const catalogueListQuery = z
  .strictObject({
    cursor: cursorQuery,
    search: searchQuery('Part of the name, email, company or SKU.'),
    archived: booleanFlag.meta({ description: 'true lists archived records instead of active ones.' }),
  })
  .meta({ id: 'CatalogueListQuery' });
export const revenueQuery = z
  .strictObject({
    from: calendarDay.meta({ description: 'First day of the range, in the workspace’s time zone.' }),
    to: calendarDay.meta({ description: 'Last day of the range (inclusive), in the workspace’s time zone.' }),
    granularity: z
      .enum(GRANULARITIES, 'granularity must be day, week or month.')
      .default('month')
      .meta({ description: 'Bucket size: day, ISO week or month.' }),
  })
  .meta({ id: 'RevenueQuery' });

// ── Outputs ───────────────────────────────────────────────────────────────────────────────────────

const timestamp = z.iso.datetime();
export const customerOut = z
  .object({
    id: z.uuid(),
    name: z.string(),
    email: z.string(),
    phone: z.string().nullable(),
    company: z.string().nullable(),
    notes: z.string().nullable(),
    archivedAt: timestamp.nullable(),
    version: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Customer' });
export const productOut = z
  .object({
    id: z.uuid(),
    sku: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    unitPrice: z.number().int(),
    archivedAt: timestamp.nullable(),
    version: z.number().int(),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Product' });
export const orderSummaryOut = z
  .object({
    id: z.uuid(),
    number: z.number().int(),
    status: z.enum(OrderStatus),
    total: z.number().int(),
    currency: z.string(),
    placedAt: timestamp,
    customer: z.object({ id: z.uuid(), name: z.string(), email: z.string() }),
  })
  .meta({ id: 'OrderSummary' });
export const orderOut = orderSummaryOut
  .extend({
    notes: z.string().nullable(),
    subtotal: z.number().int(),
    version: z.number().int(),
    paid: z.number().int(),
    refunded: z.number().int(),
    refundable: z.number().int(),
    items: z.array(
      z.object({
        id: z.uuid(),
        productId: z.uuid(),
        sku: z.string(),
        description: z.string(),
        quantity: z.number().int(),
        unitPrice: z.number().int(),
        total: z.number().int(),
      }),
    ),
    payments: z.array(z.object({ id: z.uuid(), amount: z.number().int(), method: z.string(), receivedAt: timestamp })),
    refunds: z.array(z.object({ id: z.uuid(), amount: z.number().int(), reason: z.string().nullable(), refundedAt: timestamp })),
  })
  .meta({ id: 'Order' });
/** lib/billing/report.ts's RevenueReport (openapi.test.ts checks the two types are the same). */
const revenueFigures = {
  gross: z.number().int().meta({ description: 'Payments received, in minor units.' }),
  refunds: z.number().int().meta({ description: 'Refunds made, in minor units.' }),
  net: z.number().int().meta({ description: 'gross − refunds.' }),
  payments: z.number().int().meta({ description: 'How many payments.' }),
  refundCount: z.number().int().meta({ description: 'How many refunds.' }),
};
export const revenueReportOut = z
  .object({
    currency: z.string().meta({ description: "The workspace's currency (ISO 4217); every amount is in its minor units.", example: 'USD' }),
    timezone: z
      .string()
      .meta({ description: "The workspace's time zone: days, weeks and months are its calendar's.", example: 'America/New_York' }),
    from: z.string(),
    to: z.string(),
    granularity: z.enum(GRANULARITIES),
    buckets: z.array(
      z.object({
        period: z.string().meta({ description: 'First day of the bucket, YYYY-MM-DD (ISO weeks start on Monday).' }),
        ...revenueFigures,
      }),
    ),
    totals: z.object(revenueFigures),
    byStatus: z
      .array(z.object({ status: z.enum(OrderStatus), orders: z.number().int(), total: z.number().int() }))
      .meta({ description: 'Orders placed in the range, by status.' }),
    byProduct: z
      .array(z.object({ productId: z.uuid(), name: z.string(), sku: z.string(), quantity: z.number().int(), gross: z.number().int() }))
      .meta({ description: 'The ten products with the most gross revenue from payments in the range.' }),
    topCustomers: z
      .array(z.object({ customerId: z.uuid(), name: z.string(), email: z.string(), net: z.number().int(), orders: z.number().int() }))
      .meta({ description: 'The ten customers with the most net revenue in the range.' }),
  })
  .meta({ id: 'RevenueReport' });

export const page = <T extends z.ZodType>(item: T, id: string) =>
  z.object({ data: z.array(item), nextCursor: z.uuid().nullable() }).meta({ id });

const iso = (value: Date | null) => (value ? value.toISOString() : null);

export function customerOutOf(c: {
  id: string;
  name: string;
  email: string;
  phone: string | null;
  company: string | null;
  notes: string | null;
  archivedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}): z.infer<typeof customerOut> {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    company: c.company,
    notes: c.notes,
    archivedAt: iso(c.archivedAt),
    version: c.version,
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

export function productOutOf(p: {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  unitPrice: number;
  archivedAt: Date | null;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}): z.infer<typeof productOut> {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    description: p.description,
    unitPrice: p.unitPrice,
    archivedAt: iso(p.archivedAt),
    version: p.version,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

type OrderSummaryRow = {
  id: string;
  number: number;
  status: OrderStatus;
  total: number;
  currency: string;
  placedAt: Date;
  customer: { id: string; name: string; email: string };
};
export function orderSummaryOutOf(o: OrderSummaryRow): z.infer<typeof orderSummaryOut> {
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    total: o.total,
    currency: o.currency,
    placedAt: o.placedAt.toISOString(),
    customer: { id: o.customer.id, name: o.customer.name, email: o.customer.email },
  };
}

export function orderOutOf(
  o: OrderSummaryRow & {
    notes: string | null;
    subtotal: number;
    version: number;
    paid: number;
    refunded: number;
    refundable: number;
    items: {
      id: string;
      productId: string;
      description: string;
      quantity: number;
      unitPrice: number;
      total: number;
      product: { sku: string };
    }[];
    payments: { id: string; amount: number; method: string; receivedAt: Date }[];
    refunds: { id: string; amount: number; reason: string | null; refundedAt: Date }[];
  },
): z.infer<typeof orderOut> {
  return {
    ...orderSummaryOutOf(o),
    notes: o.notes,
    subtotal: o.subtotal,
    version: o.version,
    paid: o.paid,
    refunded: o.refunded,
    refundable: o.refundable,
    items: o.items.map((i) => ({
      id: i.id,
      productId: i.productId,
      sku: i.product.sku,
      description: i.description,
      quantity: i.quantity,
      unitPrice: i.unitPrice,
      total: i.total,
    })),
    payments: o.payments.map((p) => ({ id: p.id, amount: p.amount, method: p.method, receivedAt: p.receivedAt.toISOString() })),
    refunds: o.refunds.map((r) => ({ id: r.id, amount: r.amount, reason: r.reason, refundedAt: r.refundedAt.toISOString() })),
  };
}
