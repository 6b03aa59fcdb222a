import pg from 'pg';
import { hashPassword } from '../../lib/auth/password';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, DEMO_TENANTS } from '../../lib/demo';

// The demo tenants and accounts, written through the ops role (the only role that may write across
// tenants; the app's own sign-up path is tested separately). Idempotent: re-running it changes
// nothing that exists. Canary strings go into tenant-table rows only (customer notes, product SKUs,
// customer emails), never into tenant or user names — the leak suite looks for them.

export async function seedDemo(opsUrl: string, log: (line: string) => void = () => {}): Promise<void> {
  const db = new pg.Client({ connectionString: opsUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    const tenantIds = new Map<string, string>();
    for (const tenant of DEMO_TENANTS) {
      const { rows } = await db.query<{ id: string; inserted: boolean }>(
        `INSERT INTO tenants (slug, name, currency, timezone, plan) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (slug) DO UPDATE SET slug = EXCLUDED.slug RETURNING id, (xmax = 0) AS inserted`,
        [tenant.slug, tenant.name, tenant.currency, tenant.timezone, tenant.plan],
      );
      tenantIds.set(tenant.slug, rows[0]!.id);
      if (rows[0]!.inserted) log(`seeded tenant ${tenant.slug}`);
    }
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    for (const account of DEMO_ACCOUNTS) {
      const { rows } = await db.query<{ id: string }>(
        `INSERT INTO users (email, name, password_hash, email_verified) VALUES ($1, $2, $3, now())
         ON CONFLICT (email) DO UPDATE SET email = EXCLUDED.email RETURNING id`,
        [account.email, account.name, passwordHash],
      );
      for (const membership of account.memberships) {
        await db.query(
          `INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
          [tenantIds.get(membership.tenant), rows[0]!.id, membership.role],
        );
      }
    }
    for (const tenant of DEMO_TENANTS) await seedCommerce(db, tenantIds.get(tenant.slug)!, tenant.slug);
    await db.query('COMMIT');
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

/** A little commerce data per tenant, with the tenant's canary in every row a page can show. */
async function seedCommerce(db: pg.Client, tenantId: string, slug: string): Promise<void> {
  const { rows } = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1', [tenantId]);
  if (rows[0]!.n > 0) return;
  const canary = `CANARY-${slug.toUpperCase()}`;
  await db.query(
    `INSERT INTO customers (tenant_id, name, email, company, notes)
     SELECT $1, 'Customer ' || i, 'customer' || i || '@' || $2 || '.test', initcap($2) || ' client ' || i, $3 || ' customer ' || i
       FROM generate_series(1, 12) i`,
    [tenantId, slug, canary],
  );
  await db.query(
    `INSERT INTO products (tenant_id, sku, name, unit_price)
     SELECT $1, $2 || '-SKU-' || i, 'Product ' || i, 1000 * i + 99 FROM generate_series(1, 6) i`,
    [tenantId, canary],
  );
}
