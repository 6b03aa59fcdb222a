import pg from 'pg';

import { PLANS, type PlanName } from '../../../lib/billing/plans';
import { DEMO_API_KEYS } from '../../../lib/demo';
import { seedDemo } from '../../../prisma/seed/demo';
import type { OwnershipData } from './checks';

// The two tenants: the demo seed's (the same data the browser tests use), written through the ops
// role. A is Globex on Enterprise, far above what its steady traffic needs; B is Acme, moved to
// Free so that its flood is almost all refusals. Each side's ownership (order and customer ids)
// is read back through the ops role, and the canaries the answers are searched for are checked to
// exist, so the isolation check can never pass for want of anything to find.

export interface TenantUnderTest {
  slug: string;
  name: string;
  plan: PlanName;
  apiKeys: string[];
  /** Every order id of the tenant, shuffled with a fixed seed: the order A requests them in. */
  orderIds: string[];
  /** Strings only this tenant's rows contain. */
  markers: string[];
  ownership: OwnershipData;
}

const QUIET = { slug: 'globex', plan: 'enterprise' } as const;
const NOISY = { slug: 'acme', plan: 'free' } as const;

/** The SKU prefix and e-mail domain prisma/seed/commerce.ts writes into a demo tenant's rows. */
const markersOf = (slug: string) => [`CANARY-${slug.toUpperCase()}`, `@${slug}.test`];

export async function seedTenants(opsUrl: string): Promise<{ quiet: TenantUnderTest; noisy: TenantUnderTest }> {
  await seedDemo(opsUrl);
  const db = new pg.Client({ connectionString: opsUrl });
  await db.connect();
  try {
    for (const { slug, plan } of [QUIET, NOISY]) await db.query('UPDATE tenants SET plan = $2 WHERE slug = $1', [slug, plan]);
    const quiet = await loadTenant(db, QUIET.slug);
    const noisy = await loadTenant(db, NOISY.slug);
    quiet.ownership.foreignMarkers = noisy.markers;
    noisy.ownership.foreignMarkers = quiet.markers;
    return { quiet, noisy };
  } finally {
    await db.end();
  }
}

async function loadTenant(db: pg.Client, slug: string): Promise<TenantUnderTest> {
  const {
    rows: [tenant],
  } = await db.query<{ id: string; name: string; plan: PlanName }>('SELECT id, name, plan FROM tenants WHERE slug = $1', [slug]);
  if (!tenant) throw new Error(`The demo seed did not create tenant ${slug}.`);
  const orders = await db.query<{ id: string }>('SELECT id FROM orders WHERE tenant_id = $1 ORDER BY md5(id::text)', [tenant.id]);
  const customers = await db.query<{ id: string }>('SELECT id FROM customers WHERE tenant_id = $1', [tenant.id]);
  const markers = markersOf(slug);
  const {
    rows: [found],
  } = await db.query<{ skus: number; emails: number }>(
    `SELECT (SELECT count(*)::int FROM products WHERE tenant_id = $1 AND position($2 IN sku) > 0) AS skus,
            (SELECT count(*)::int FROM customers WHERE tenant_id = $1 AND position($3 IN email) > 0) AS emails`,
    [tenant.id, markers[0], markers[1]],
  );
  if (!found || found.skus === 0 || found.emails === 0 || orders.rows.length === 0) {
    throw new Error(`Tenant ${slug} lacks the orders or canaries the isolation check relies on (${JSON.stringify(found)}).`);
  }
  const apiKeys = DEMO_API_KEYS.filter((key) => key.tenant === slug).map((key) => key.key);
  const orderIds = orders.rows.map((row) => row.id);
  return {
    slug,
    name: tenant.name,
    plan: tenant.plan,
    apiKeys,
    orderIds,
    markers,
    ownership: { orderIds, customerIds: customers.rows.map((row) => row.id), foreignMarkers: [] },
  };
}

/** The tenant's limit (per minute) that binds first for traffic spread over `keys` keys. */
export function bindingLimitPerMinute(plan: PlanName, keys: number): number {
  return Math.min(PLANS[plan].tenantRequestsPerMinute, PLANS[plan].keyRequestsPerMinute * keys);
}
