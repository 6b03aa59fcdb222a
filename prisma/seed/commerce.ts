import type pg from 'pg';

import { expectedFigures } from './commerce/expected';
import { generateCommerce } from './commerce/generate';
import type { CommerceOptions, CommerceTenant, ExpectedFigures } from './commerce/types';
import { writeCommerce } from './commerce/write';

// Realistic commerce data for one tenant — customers, a product catalogue, orders with line items,
// payments and refunds — plus the report figures that data must produce, computed from the
// generated rows and never read back from the database. A report query that leaks another tenant's
// rows, buckets by the server's time zone instead of the tenant's, or sums the wrong column then
// disagrees with a number that did not come from SQL.
//
// This file is the entry point; the work is split by concern:
//   commerce/generate.ts    the pure generator (and the amount signature and canaries it keeps)
//   commerce/expected.ts    the report figures of generated rows, computed in TypeScript
//   commerce/write.ts       bulk INSERTs of generated rows through the ops role
//   commerce/vocabulary.ts  the word lists and product catalogue the generator draws from
//   commerce/types.ts       the options, rows and figures they share

export * from './commerce/types';
export { generateCommerce, splitUnits, withSignature } from './commerce/generate';
export { expectedFigures } from './commerce/expected';
export { LIVE_TABLES, writeCommerce, type CommerceTable, type CommerceTargets, type TenantCommerce } from './commerce/write';

/**
 * Generates the tenant's commerce history, writes it through `client` (the ops role: BYPASSRLS,
 * tenant_id spelled out), and returns the figures the data must produce. The caller owns the
 * transaction. Refuses a tenant that already has customers or orders: numbers and SKUs would clash.
 */
export async function seedCommerce(client: pg.ClientBase, tenant: CommerceTenant, options: CommerceOptions): Promise<ExpectedFigures> {
  const { rows } = await client.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM customers WHERE tenant_id = $1) OR EXISTS (SELECT 1 FROM orders WHERE tenant_id = $1) AS present`,
    [tenant.id],
  );
  if (rows[0]!.present) throw new Error(`Tenant ${tenant.slug} already has commerce data; seedCommerce only fills an empty tenant.`);
  const data = generateCommerce(tenant, options);
  await writeCommerce(client, [{ tenantId: tenant.id, data }]);
  return expectedFigures(data, tenant, options.signature);
}
