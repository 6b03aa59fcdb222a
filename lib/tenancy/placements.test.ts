import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { DEFAULT_MIGRATIONS_DIR, migrate } from '@bulkhead/tenancy/admin';
import { beforeAll, describe, expect, it } from 'vitest';

import { pointAppAt } from '@/test/app-env';
import { createTestDatabase, setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { createTenant, resolveMembership, signUpPending } from './definer-functions';

// Every tenant has a placement from its first moment (shared), the runtime role learns it only from
// the lookup that resolves the tenant, and a placement names exactly what its tier needs.

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
});

const ops = <T>(work: (db: import('pg').Client) => Promise<T>) => withClient(database.current.urls.ops, work);
const place = (tenantId: string, set: string, values: unknown[] = []) =>
  ops((db) => db.query(`UPDATE tenant_placements SET ${set}, updated_at = now() WHERE tenant_id = $1`, [tenantId, ...values]));

describe('tenant placements', () => {
  it('every new tenant starts shared: seeded, signed up, or created as a new workspace', async () => {
    expect((await resolveMembership('acme', acme.userId))?.placement).toEqual({ tier: 'shared', region: 'eu-west' });
    const { userId } = await signUpPending({
      email: 'placed@new.test',
      name: 'P',
      passwordHash: 'h',
      tenantName: 'Placed',
      slug: 'placed',
      tokenHash: 'e'.repeat(64),
      expiresAt: new Date(Date.now() + 60_000),
    });
    expect((await resolveMembership('placed', userId))?.placement.tier).toBe('shared');
    await createTenant({ userId, tenantName: 'Second', slug: 'placed-two' });
    expect((await resolveMembership('placed-two', userId))?.placement.tier).toBe('shared');
    const unplaced = await ops(
      async (db) =>
        (
          await db.query(
            'SELECT count(*)::int AS n FROM tenants t WHERE NOT EXISTS (SELECT 1 FROM tenant_placements p WHERE p.tenant_id = t.id)',
          )
        ).rows[0].n,
    );
    expect(unplaced).toBe(0);
  });

  it('the membership lookup returns the tier and exactly what it names', async () => {
    const other = await seedTenant(database.current.urls.ops, 'initech');
    await place(other.id, "tier = 'schema', schema_name = $2", ['t_initech']);
    expect((await resolveMembership('initech', other.userId))?.placement).toEqual({
      tier: 'schema',
      schemaName: 't_initech',
      region: 'eu-west',
    });
    await place(other.id, "tier = 'database', schema_name = NULL, database_target = $2, database_name = $3", ['eu1', 'bulkhead_initech']);
    expect((await resolveMembership('initech', other.userId))?.placement).toEqual({
      tier: 'database',
      databaseTarget: 'eu1',
      databaseName: 'bulkhead_initech',
      region: 'eu-west',
    });
  });

  it('a placement names what its tier needs and nothing else, in plain identifiers', async () => {
    const bad = [
      ["tier = 'schema'", []], // no schema name
      ["tier = 'schema', schema_name = $2", ['public']], // not a tenant schema
      ["tier = 'schema', schema_name = $2", ['t_x"; DROP TABLE orders; --']],
      ["tier = 'database', database_target = $2", ['eu1']], // no database name
      ["tier = 'database', database_target = $2, database_name = $3", ['postgres://u:p@h/db', 'x']], // a URL is not a target
      ["tier = 'shared', schema_name = $2", ['t_acme']], // shared names nothing
    ] as const;
    for (const [set, values] of bad) {
      await expect(place(acme.id, set, [...values]), set).rejects.toThrow(/tenant_placements_shape/);
    }
    expect((await resolveMembership('acme', acme.userId))?.placement.tier).toBe('shared');
  });

  it('the runtime role cannot read or change placements directly', async () => {
    await withClient(database.current.urls.app, async (db) => {
      await expect(db.query('SELECT * FROM tenant_placements')).rejects.toThrow(/permission denied/);
      await expect(db.query("UPDATE tenant_placements SET tier = 'shared'")).rejects.toThrow(/permission denied/);
      await expect(db.query('INSERT INTO tenants (slug, name) VALUES ($1, $1)', ['sneaky'])).rejects.toThrow(
        /permission denied|row-level security/,
      );
    });
  });

  it('an existing database upgrades with its tenants placed shared (npm run db:migrate)', async () => {
    const db = await createTestDatabase({ empty: true });
    const before = mkdtempSync(path.join(tmpdir(), 'bulkhead-migrations-'));
    try {
      // Every migration before placements existed, then a tenant, then the rest.
      for (const name of readdirSync(DEFAULT_MIGRATIONS_DIR)) {
        if (name < '20261203000400') cpSync(path.join(DEFAULT_MIGRATIONS_DIR, name), path.join(before, name), { recursive: true });
      }
      await migrate({ connectionString: db.urls.migration, migrationsDir: before });
      const old = await seedTenant(db.urls.ops, 'old-timer');
      await migrate({ connectionString: db.urls.migration });
      const placed = await withClient(
        db.urls.ops,
        async (c) => (await c.query('SELECT tenant_id, tier::text FROM tenant_placements')).rows,
      );
      expect(placed).toEqual([{ tenant_id: old.id, tier: 'shared' }]);
    } finally {
      rmSync(before, { recursive: true, force: true });
      await db.drop();
    }
  });
});
