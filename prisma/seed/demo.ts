import pg from 'pg';

import { hashApiKey } from '../../lib/api-keys/service';
import { hashPassword } from '../../lib/auth/password';
import { registerTarget } from '../../lib/db/residency';
import { databaseNameFor, placeInDatabase, placeInSchema, schemaNameFor, type DatabaseTarget } from '../../lib/db/tiers';
import { DEMO_ACCOUNTS, DEMO_API_KEYS, DEMO_PASSWORD, DEMO_TENANTS } from '../../lib/demo';
import { seedCommerce, type CommerceOptions } from './commerce';

// The demo tenants and accounts, written through the ops role (the only role that may write across
// tenants; the app's own sign-up path is tested separately). Idempotent: re-running it changes
// nothing that exists. Canary strings go into tenant-table rows only (customer notes, product SKUs,
// customer emails), never into tenant or user names — the leak suite looks for them.

/**
 * Where the demo's tiered tenants go. Without it (benchmarks, a database of the tests) every demo
 * tenant stays in the shared tables, in the region of `local`.
 */
export interface DemoTiers {
  /** The owner role of the control plane: creates Initech's schema. */
  migrationUrl: string;
  /**
   * The server of Hooli's database (its superuser URL), and the name placements give it. The seed
   * registers it in Hooli's region (docs/residency.md), so it cannot be `local`.
   */
  target: DatabaseTarget;
  /** The control plane's database name and role prefix: Hooli's database gets the same roles. */
  controlDatabase: string;
  rolePrefix: string;
}

export async function seedDemo(opsUrl: string, log: (line: string) => void = () => {}, tiers?: DemoTiers): Promise<void> {
  const db = new pg.Client({ connectionString: opsUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    const tenantIds = new Map<string, string>();
    // Every tenant starts in the shared tables, so in local's region (the column's default); Hooli
    // reaches its own region with its database, below.
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
        await db.query(`INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, [
          tenantIds.get(membership.tenant),
          rows[0]!.id,
          membership.role,
        ]);
      }
    }
    for (const demoKey of DEMO_API_KEYS) {
      const hash = hashApiKey(demoKey.key);
      await db.query(
        `INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scope, created_by)
         SELECT $1, $2, $3, $4, $5, u.id FROM users u WHERE u.email = $6
         ON CONFLICT (key_hash) DO NOTHING`,
        [tenantIds.get(demoKey.tenant), demoKey.name, demoKey.key.slice(0, 14), hash, demoKey.scope, demoKey.createdBy],
      );
    }
    for (const tenant of DEMO_TENANTS) await seedDemoCommerce(db, tenant, tenantIds.get(tenant.slug)!, log);
    await db.query('COMMIT');
    if (tiers) await placeDemoTenants(db, opsUrl, tenantIds, tiers, log);
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

/**
 * Moves the demo's schema and database tenants to their tier, once (a placed tenant stays put).
 * Hooli's target is registered in Hooli's region first, and Hooli moves there with its region: the
 * seed approves that one move across regions (docs/residency.md).
 */
async function placeDemoTenants(
  db: pg.Client,
  opsUrl: string,
  tenantIds: Map<string, string>,
  tiers: DemoTiers,
  log: (line: string) => void,
) {
  const urls = { migration: tiers.migrationUrl, ops: opsUrl };
  for (const tenant of DEMO_TENANTS) {
    if (tenant.tier === 'shared') continue;
    const tenantId = tenantIds.get(tenant.slug)!;
    if (tenant.tier === 'database') {
      const registered = await registerTarget(db, tiers.target.name, tenant.region);
      if (registered.change !== 'unchanged') log(`registered database target ${tiers.target.name} in ${tenant.region}`);
      await adoptOlderDemo(db, { id: tenantId, slug: tenant.slug }, tiers, opsUrl, log);
    }
    const { rows } = await db.query<{ tier: string; region: string }>(
      'SELECT p.tier::text AS tier, t.region FROM tenant_placements p JOIN tenants t ON t.id = p.tenant_id WHERE p.tenant_id = $1',
      [tenantId],
    );
    if (rows[0]?.tier !== 'shared') continue;
    if (tenant.tier === 'schema') {
      const schema = schemaNameFor(tenant.slug);
      const took = await placeInSchema(urls, tenantId, schema);
      log(`placed ${tenant.slug} in schema ${schema} (${Math.round(took.provisionMs)} ms to create, ${took.rows} rows moved)`);
    } else {
      const database = databaseNameFor(tiers.controlDatabase, tenant.slug);
      const region = rows[0].region === tenant.region ? undefined : tenant.region;
      const took = await placeInDatabase(urls, tenantId, { target: tiers.target, database, rolePrefix: tiers.rolePrefix, region });
      log(
        `placed ${tenant.slug} in database ${database} on ${tiers.target.name}, ${tenant.region} (${Math.round(took.provisionMs)} ms to create, ${took.rows} rows moved)`,
      );
    }
  }
}

/**
 * A dev database seeded before the residency rule has Hooli's database on `local`. When Hooli's
 * target is that same server under its new name, the placement only changes its name: the data is
 * already there.
 */
async function adoptOlderDemo(
  db: pg.Client,
  tenant: { id: string; slug: string },
  tiers: DemoTiers,
  opsUrl: string,
  log: (line: string) => void,
) {
  if (new URL(tiers.target.bootstrapUrl).host !== new URL(opsUrl).host) return;
  const { rowCount } = await db.query(
    `UPDATE tenant_placements SET database_target = $2, updated_at = now()
      WHERE tenant_id = $1 AND tier = 'database' AND database_target = 'local'`,
    [tenant.id, tiers.target.name],
  );
  if (rowCount) log(`renamed ${tenant.slug}'s target from local to ${tiers.target.name} (the same server)`);
}

/**
 * A year and a half of trade per demo tenant: enough orders that reports, pagination and indexes
 * behave as they do in production, small enough to seed on every fresh `npm run dev` (~2 s).
 * Signatures 0 and 1 make any figure that mixes the two tenants visibly wrong (prisma/seed/commerce.ts).
 */
const DEMO_COMMERCE: Record<(typeof DEMO_TENANTS)[number]['slug'], Omit<CommerceOptions, 'now'>> = {
  acme: { customers: 300, products: 40, orders: 6_000, months: 18, seed: 1, signature: 0, canary: 'CANARY-ACME' },
  globex: { customers: 240, products: 32, orders: 5_000, months: 18, seed: 2, signature: 1, canary: 'CANARY-GLOBEX' },
  initech: { customers: 90, products: 20, orders: 1_200, months: 18, seed: 3, signature: 2, canary: 'CANARY-INITECH' },
  hooli: { customers: 80, products: 18, orders: 1_000, months: 18, seed: 4, signature: 3, canary: 'CANARY-HOOLI' },
};

/** Seeds a demo tenant's commerce data unless it has some (customers of an earlier seed count). */
async function seedDemoCommerce(
  db: pg.Client,
  tenant: (typeof DEMO_TENANTS)[number],
  tenantId: string,
  log: (line: string) => void,
): Promise<void> {
  // A tenant placed in its own schema or database has its rows there, not here: seeded already.
  const { rows } = await db.query<{ present: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM customers WHERE tenant_id = $1)
         OR EXISTS (SELECT 1 FROM tenant_placements WHERE tenant_id = $1 AND tier <> 'shared') AS present`,
    [tenantId],
  );
  if (rows[0]!.present) return;
  const options = DEMO_COMMERCE[tenant.slug];
  const figures = await seedCommerce(
    db,
    { id: tenantId, slug: tenant.slug, timezone: tenant.timezone, currency: tenant.currency },
    options,
  );
  log(`seeded ${tenant.slug}: ${figures.customers} customers, ${figures.products} products, ${figures.orders.total} orders`);
}
