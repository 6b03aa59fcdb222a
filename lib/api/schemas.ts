import { z } from 'zod';

import { isCalendarDay } from '../billing/range';
import { MAX_MONEY_MINOR } from '../money';
import { OrderStatus } from '../orders/status';
import { email, quantityOf, requiredText, versionOf } from '../validation';

// The API's request and response schemas. The handlers parse with them and the OpenAPI document
// (lib/api/openapi.ts) is generated from them, so the two cannot disagree. Requests are strict:
// an unknown field is an error naming it, not something silently dropped. Money is an integer in
// minor units (cents) of the tenant's currency. Responses go through the `…Out` mappers, which
// pick each field by name, so a new column never leaks into the API by accident.

const text = (max: number, label: string) =>
  z
    .string({ message: `${label} must be a string.` })
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .nullish()
    .transform((value) => (value ? value : null));

const uuid = (what: string) => z.uuid(`Give the id of a ${what} (a UUID).`);
const minor = (label: string) =>
  z
    .number({ message: `${label} must be a number of minor units (cents), e.g. 1250 for 12.50.` })
    .int(`${label} must be a whole number of minor units (cents).`)
    .min(0, `${label} must not be negative.`)
    .max(MAX_MONEY_MINOR, `${label} must be at most ${MAX_MONEY_MINOR}.`);
// The bounds are lib/validation.ts's, shared with the forms.
const version = versionOf(z.number({ message: 'Give the version you read (optimistic concurrency).' })).meta({
  description: 'The version of the record you are changing, from your last read; a newer version on the server is a 409.',
});

// ── Inputs ────────────────────────────────────────────────────────────────────────────────────────

const customerFields = {
  name: requiredText(120, 'Name'),
  email,
  phone: text(40, 'Phone'),
  company: text(120, 'Company'),
  notes: text(2000, 'Notes'),
};
export const customerCreate = z.strictObject(customerFields).meta({ id: 'CustomerCreate' });
export const customerUpdate = z
  .strictObject({ version, ...customerFields })
  .partial({ name: true, email: true, phone: true, company: true, notes: true })
  .meta({ id: 'CustomerUpdate' });

const productFields = {
  sku: requiredText(64, 'SKU').regex(/^[A-Za-z0-9._-]+$/, 'SKU: use letters, digits, dots, dashes and underscores.'),
  name: requiredText(120, 'Name'),
  description: text(2000, 'Description'),
  unitPrice: minor('unitPrice'),
};
export const productCreate = z.strictObject(productFields).meta({ id: 'ProductCreate' });
export const productUpdate = z
  .strictObject({ version, ...productFields })
  .partial({ sku: true, name: true, description: true, unitPrice: true })
  .meta({ id: 'ProductUpdate' });

const orderLine = z.strictObject({
  productId: uuid('product'),
  quantity: quantityOf(z.number({ message: 'Quantity must be a whole number.' })),
});
const orderLines = z.array(orderLine).min(1, 'Add at least one line.').max(100, 'An order has at most 100 lines.');
export const orderCreate = z
  .strictObject({ customerId: uuid('customer'), notes: text(2000, 'Notes'), lines: orderLines })
  .meta({ id: 'OrderCreate' });
export const orderUpdate = z
  .strictObject({ version, customerId: uuid('customer').optional(), notes: text(2000, 'Notes').optional(), lines: orderLines.optional() })
  .meta({ id: 'OrderUpdate' });
export const orderCancel = z.strictObject({}).meta({ id: 'OrderCancel' });
export const orderPay = z
  .strictObject({ method: z.enum(['manual', 'card', 'bank_transfer'], 'method must be manual, card or bank_transfer.').default('manual') })
  .meta({ id: 'OrderPay' });
export const orderRefund = z
  .strictObject({ amount: minor('amount').min(1, 'amount must be more than zero.'), reason: text(500, 'reason') })
  .meta({ id: 'OrderRefund' });

const cursor = z
  .uuid('cursor must be the nextCursor of a previous page.')
  .optional()
  .meta({ description: 'The nextCursor of the previous page; omit for the first page.' });
const booleanFlag = z
  .enum(['true', 'false'], 'Use true or false.')
  .optional()
  .transform((value) => value === 'true');
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-01-31.')
  .refine(isCalendarDay, 'Not a calendar date.');

export const orderListQuery = z
  .strictObject({
    cursor,
    status: z.enum(OrderStatus, 'Unknown status.').optional().meta({ description: 'Only orders with this status.' }),
    customerId: uuid('customer').optional().meta({ description: 'Only orders of this customer.' }),
    from: day.optional().meta({ description: 'Placed on or after this day (UTC).' }),
    to: day.optional().meta({ description: 'Placed on or before this day (UTC).' }),
    search: z
      .string()
      .trim()
      .max(120, 'search must be at most 120 characters.')
      .optional()
      .meta({ description: 'An order number, or part of the customer’s name or email.' }),
    sort: z
      .enum(['placed_desc', 'placed_asc', 'total_desc', 'total_asc'], 'Unknown sort.')
      .optional()
      .meta({ description: 'Order of the list; newest first by default.' }),
  })
  .meta({ id: 'OrderListQuery' });
export const catalogueListQuery = z
  .strictObject({
    cursor,
    search: z
      .string()
      .trim()
      .max(120, 'search must be at most 120 characters.')
      .optional()
      .meta({ description: 'Part of the name, email, company or SKU.' }),
    archived: booleanFlag.meta({ description: 'true lists archived records instead of active ones.' }),
  })
  .meta({ id: 'CatalogueListQuery' });
export const revenueQuery = z
  .strictObject({
    from: day.meta({ description: 'First day of the range, in the workspace’s time zone.' }),
    to: day.meta({ description: 'Last day of the range (inclusive), in the workspace’s time zone.' }),
    granularity: z
      .enum(['day', 'week', 'month'], 'granularity must be day, week or month.')
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
    granularity: z.enum(['day', 'week', 'month']),
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
