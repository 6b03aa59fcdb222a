import type pg from 'pg';

import type { CommerceData } from './types';

// The writer: generated rows into PostgreSQL, one multi-row INSERT … SELECT FROM unnest(…) per
// table and batch, through a client that bypasses row-level security (the ops role).

export interface TenantCommerce {
  tenantId: string;
  data: CommerceData;
}

export type CommerceTable = 'customers' | 'products' | 'orders' | 'order_items' | 'payments' | 'refunds';

/** Where each table's rows go: the live tables, or (scripts/seed.ts) staging tables of the same shape. */
export type CommerceTargets = Record<CommerceTable, string>;
export const LIVE_TABLES: CommerceTargets = {
  customers: 'customers',
  products: 'products',
  orders: 'orders',
  order_items: 'order_items',
  payments: 'payments',
  refunds: 'refunds',
};

type SqlType = 'uuid' | 'text' | 'int' | 'time';
interface Column<Row> {
  name: string;
  type: SqlType;
  /** An enum the text is cast to. */
  cast?: string;
  value: (row: Row) => string | number | null;
}
interface TableSpec {
  table: CommerceTable;
  rows: (data: CommerceData) => readonly unknown[];
  columns: Column<unknown>[];
  /** Columns that repeat another column's value (created_at = placed_at …). */
  copies: Record<string, string>;
}

function tableSpec<K extends keyof CommerceData>(
  table: CommerceTable,
  key: K,
  columns: Column<CommerceData[K][number]>[],
  copies: Record<string, string> = {},
): TableSpec {
  return { table, rows: (data) => data[key], columns: columns as Column<unknown>[], copies };
}

// In foreign-key order.
const TABLES: TableSpec[] = [
  tableSpec(
    'customers',
    'customers',
    [
      { name: 'id', type: 'uuid', value: (r) => r.id },
      { name: 'name', type: 'text', value: (r) => r.name },
      { name: 'email', type: 'text', value: (r) => r.email },
      { name: 'phone', type: 'text', value: (r) => r.phone },
      { name: 'company', type: 'text', value: (r) => r.company },
      { name: 'notes', type: 'text', value: (r) => r.notes },
      { name: 'created_at', type: 'time', value: (r) => r.createdAt },
    ],
    { updated_at: 'created_at' },
  ),
  tableSpec(
    'products',
    'products',
    [
      { name: 'id', type: 'uuid', value: (r) => r.id },
      { name: 'sku', type: 'text', value: (r) => r.sku },
      { name: 'name', type: 'text', value: (r) => r.name },
      { name: 'description', type: 'text', value: (r) => r.description },
      { name: 'unit_price', type: 'int', value: (r) => r.unitPrice },
      { name: 'created_at', type: 'time', value: (r) => r.createdAt },
    ],
    { updated_at: 'created_at' },
  ),
  tableSpec(
    'orders',
    'orders',
    [
      { name: 'id', type: 'uuid', value: (r) => r.id },
      { name: 'number', type: 'int', value: (r) => r.number },
      { name: 'customer_id', type: 'uuid', value: (r) => r.customerId },
      { name: 'status', type: 'text', cast: '"OrderStatus"', value: (r) => r.status },
      { name: 'currency', type: 'text', value: (r) => r.currency },
      { name: 'subtotal', type: 'int', value: (r) => r.subtotal },
      { name: 'total', type: 'int', value: (r) => r.total },
      { name: 'notes', type: 'text', value: (r) => r.notes },
      { name: 'placed_at', type: 'time', value: (r) => r.placedAt },
      { name: 'paid_at', type: 'time', value: (r) => r.paidAt },
      { name: 'cancelled_at', type: 'time', value: (r) => r.cancelledAt },
      { name: 'updated_at', type: 'time', value: (r) => r.updatedAt },
    ],
    { created_at: 'placed_at' },
  ),
  tableSpec('order_items', 'orderItems', [
    { name: 'id', type: 'uuid', value: (r) => r.id },
    { name: 'order_id', type: 'uuid', value: (r) => r.orderId },
    { name: 'product_id', type: 'uuid', value: (r) => r.productId },
    { name: 'description', type: 'text', value: (r) => r.description },
    { name: 'quantity', type: 'int', value: (r) => r.quantity },
    { name: 'unit_price', type: 'int', value: (r) => r.unitPrice },
    { name: 'total', type: 'int', value: (r) => r.total },
  ]),
  tableSpec(
    'payments',
    'payments',
    [
      { name: 'id', type: 'uuid', value: (r) => r.id },
      { name: 'order_id', type: 'uuid', value: (r) => r.orderId },
      { name: 'amount', type: 'int', value: (r) => r.amount },
      { name: 'method', type: 'text', value: (r) => r.method },
      { name: 'received_at', type: 'time', value: (r) => r.receivedAt },
    ],
    { created_at: 'received_at' },
  ),
  tableSpec(
    'refunds',
    'refunds',
    [
      { name: 'id', type: 'uuid', value: (r) => r.id },
      { name: 'order_id', type: 'uuid', value: (r) => r.orderId },
      { name: 'amount', type: 'int', value: (r) => r.amount },
      { name: 'reason', type: 'text', value: (r) => r.reason },
      { name: 'refunded_at', type: 'time', value: (r) => r.refundedAt },
    ],
    { created_at: 'refunded_at' },
  ),
];

const ARRAY_TYPE: Record<SqlType, string> = { uuid: 'uuid[]', text: 'text[]', int: 'int4[]', time: 'int8[]' };

function insertStatement(spec: TableSpec, target: string): string {
  // Each column travels as one array parameter and unnest() zips them back into rows: one
  // statement per few thousand rows, no per-row round trip, no SQL text that grows with the data.
  // Times travel as Unix milliseconds and become timestamps with exact integer arithmetic.
  const expression = (column: Column<unknown>) =>
    column.type === 'time'
      ? `timestamptz 'epoch' + u.${column.name} * interval '1 millisecond'`
      : column.cast
        ? `u.${column.name}::${column.cast}`
        : `u.${column.name}`;
  const names = ['tenant_id', ...spec.columns.map((c) => c.name), ...Object.keys(spec.copies)];
  const values = [
    '($1::uuid[])[u.tenant]',
    ...spec.columns.map(expression),
    ...Object.values(spec.copies).map((source) => expression(spec.columns.find((c) => c.name === source)!)),
  ];
  const params = spec.columns.map((c, i) => `$${i + 3}::${ARRAY_TYPE[c.type]}`);
  return (
    `INSERT INTO ${target} (${names.join(', ')})\n` +
    `SELECT ${values.join(', ')}\n` +
    `  FROM unnest($2::int4[], ${params.join(', ')}) AS u(tenant, ${spec.columns.map((c) => c.name).join(', ')})`
  );
}

/**
 * Writes the rows of one or more tenants, table by table in foreign-key order, `tenant_id` spelled
 * out on every row: the client must be the ops role (BYPASSRLS). The caller owns the transaction.
 */
export async function writeCommerce(
  client: pg.ClientBase,
  tenants: readonly TenantCommerce[],
  targets: CommerceTargets = LIVE_TABLES,
  rowsPerStatement = 20_000,
): Promise<void> {
  const tenantIds = tenants.map((t) => t.tenantId);
  for (const spec of TABLES) {
    const text = insertStatement(spec, targets[spec.table]);
    let tenantColumn: number[] = [];
    let columns: (string | number | null)[][] = spec.columns.map(() => []);
    const flush = async () => {
      if (tenantColumn.length === 0) return;
      await client.query(text, [tenantIds, tenantColumn, ...columns]);
      tenantColumn = [];
      columns = spec.columns.map(() => []);
    };
    for (let t = 0; t < tenants.length; t++) {
      for (const row of spec.rows(tenants[t]!.data)) {
        tenantColumn.push(t + 1);
        for (let c = 0; c < spec.columns.length; c++) columns[c]!.push(spec.columns[c]!.value(row));
        if (tenantColumn.length >= rowsPerStatement) await flush();
      }
    }
    await flush();
  }
}
