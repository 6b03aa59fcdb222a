import { randomUUID } from 'node:crypto';

import pg from 'pg';

// Two small tenants written through the ops role (BYPASSRLS) — the only role that may write
// across tenants, and only from tests and maintenance scripts. Every value carries its tenant's
// canary, so a leak shows in any output.

export interface SeededTenant {
  id: string;
  slug: string;
  canary: string;
  userId: string;
  customerIds: string[];
  productIds: string[];
  orderIds: string[];
}

export async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function seedTenant(opsUrl: string, slug: string, size = 3): Promise<SeededTenant> {
  const canary = `CANARY-${slug.toUpperCase()}-${randomUUID().slice(0, 8)}`;
  return withClient(opsUrl, async (db) => {
    const tenant = await db.query<{ id: string }>(`INSERT INTO tenants (slug, name, currency) VALUES ($1, $2, 'USD') RETURNING id`, [
      slug,
      `Tenant ${slug}`,
    ]);
    const tenantId = tenant.rows[0]!.id;
    const user = await db.query<{ id: string }>(`INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id`, [
      `owner@${slug}.test`,
      `Owner of ${slug}`,
    ]);
    const userId = user.rows[0]!.id;
    await db.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, 'owner')`, [tenantId, userId]);
    const customerIds: string[] = [];
    const productIds: string[] = [];
    const orderIds: string[] = [];
    for (let i = 0; i < size; i++) {
      const c = await db.query<{ id: string }>(
        `INSERT INTO customers (tenant_id, name, email, notes) VALUES ($1, $2, $3, $4) RETURNING id`,
        [tenantId, `Customer ${i} of ${slug}`, `c${i}@${slug}.test`, canary],
      );
      customerIds.push(c.rows[0]!.id);
      const p = await db.query<{ id: string }>(
        `INSERT INTO products (tenant_id, sku, name, unit_price) VALUES ($1, $2, $3, $4) RETURNING id`,
        [tenantId, `${canary}-SKU-${i}`, `Product ${i}`, 1000 + i],
      );
      productIds.push(p.rows[0]!.id);
      const o = await db.query<{ id: string }>(
        `INSERT INTO orders (tenant_id, number, customer_id, currency, subtotal, total, notes)
         VALUES ($1, $2, $3, 'USD', $4, $4, $5) RETURNING id`,
        [tenantId, 1001 + i, c.rows[0]!.id, 1000 + i, canary],
      );
      orderIds.push(o.rows[0]!.id);
    }
    return { id: tenantId, slug, canary, userId, customerIds, productIds, orderIds };
  });
}
