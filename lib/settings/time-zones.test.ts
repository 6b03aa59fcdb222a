import { cp, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import { DEFAULT_MIGRATIONS_DIR, migrate, readMigrations } from '@bulkhead/tenancy/admin';
import { beforeAll, describe, expect, it } from 'vitest';

import { lastSixMonths } from '@/lib/billing/dashboard';
import { revenueReport } from '@/lib/billing/report';
import { runInTenant, tenantDb } from '@/lib/tenancy';
import { pointAppAt } from '@/test/app-env';
import { createTestDatabase, setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { isTimeZone, updateTenantSettings } from './service';

// Issue 12, finding 10: Intl accepts time zones PostgreSQL does not know (US/Pacific-New was
// dropped from tzdata in 2020; SystemV/* are not in pg_timezone_names), and a tenant saved with
// one had every report answer 500. Tenant time zones are names in pg_timezone_names, checked by
// the app and by the database, and the reports never use a zone PostgreSQL cannot read.

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
});

const asAcme = <T>(work: () => Promise<T>) => runInTenant({ tenantId: acme.id, actorType: 'user', role: 'owner' }, work);
const zoneOfAcme = () =>
  withClient(
    database.current.urls.ops,
    async (db) => (await db.query<{ timezone: string }>(`SELECT timezone FROM tenants WHERE id = $1`, [acme.id])).rows[0]!.timezone,
  );

describe('tenant time zones', () => {
  it.each([
    ['US/Pacific-New', false],
    ['SystemV/EST5', false],
    ['posix/Europe/Berlin', false],
    ['Not/A_Zone', false],
    ['', false],
    ['Europe/Berlin', true],
    ['America/New_York', true],
    ['UTC', true],
  ])('%j is a tenant time zone: %s', async (zone, expected) => {
    expect(await asAcme(async () => isTimeZone(zone))).toBe(expected);
  });

  it.each(['US/Pacific-New', 'SystemV/EST5'])('settings refuse %s with a message on the field, and change nothing', async (zone) => {
    await expect(asAcme(() => updateTenantSettings({ name: 'Acme', slug: 'acme', timezone: zone }))).rejects.toMatchObject({
      code: 'validation_failed',
      fieldErrors: { timezone: [expect.any(String)] },
    });
    expect(await zoneOfAcme()).toBe('UTC');
  });

  it('settings accept a zone PostgreSQL knows, and the reports use it', async () => {
    await asAcme(() => updateTenantSettings({ name: 'Acme', slug: 'acme', timezone: 'Europe/Berlin' }));
    expect(await zoneOfAcme()).toBe('Europe/Berlin');
    const report = await asAcme(() => revenueReport({ from: '2026-01-01', to: '2026-03-31', granularity: 'month' }));
    expect(report.timezone).toBe('Europe/Berlin');
  });

  it('the database refuses an unknown zone from the runtime role, whatever the app checked', async () => {
    await expect(asAcme(() => tenantDb().$executeRaw`UPDATE tenants SET timezone = 'US/Pacific-New'`)).rejects.toThrow(/time zone/);
    await expect(
      withClient(database.current.urls.ops, (db) => db.query(`UPDATE tenants SET timezone = 'SystemV/EST5' WHERE id = $1`, [acme.id])),
    ).rejects.toThrow(/time zone/);
    await expect(
      withClient(database.current.urls.ops, (db) =>
        db.query(`INSERT INTO tenants (slug, name, timezone) VALUES ('tz-bad', 'Bad', 'US/Pacific-New')`),
      ),
    ).rejects.toThrow(/time zone/);
    expect(await zoneOfAcme()).not.toBe('US/Pacific-New');
  });

  it('the database check stays cheap for bulk inserts (seeds) and still refuses after a valid zone', async () => {
    await withClient(database.current.urls.ops, async (db) => {
      const started = Date.now();
      await db.query(
        `INSERT INTO tenants (slug, name, timezone) SELECT 'bulk-' || i, 'Bulk ' || i, (ARRAY['Asia/Tokyo', 'Europe/Paris'])[1 + i % 2] FROM generate_series(1, 200) i`,
      );
      expect(Date.now() - started).toBeLessThan(5_000);
      await expect(db.query(`UPDATE tenants SET timezone = 'US/Pacific-New' WHERE slug = 'bulk-1'`)).rejects.toThrow(/time zone/);
      await db.query(`DELETE FROM tenants WHERE slug LIKE 'bulk-%'`);
    });
  });

  it('reports and the dashboard do not fail on a zone PostgreSQL no longer knows (tzdata drops names)', async () => {
    // A name that was valid when saved and is gone after a tzdata upgrade: simulated by writing it
    // past the check, as the table owner.
    await withClient(database.current.urls.migration, async (db) => {
      await db.query(`ALTER TABLE tenants DISABLE TRIGGER USER`);
      await db.query(`ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY`);
      await db.query(`UPDATE tenants SET timezone = 'US/Pacific-New' WHERE id = $1`, [acme.id]);
      await db.query(`ALTER TABLE tenants FORCE ROW LEVEL SECURITY`);
      await db.query(`ALTER TABLE tenants ENABLE TRIGGER USER`);
    });
    expect(await zoneOfAcme()).toBe('US/Pacific-New');
    const report = await asAcme(() => revenueReport({ from: '2026-01-01', to: '2026-03-31', granularity: 'month' }));
    expect(report.timezone).toBe('UTC');
    expect(report.buckets.map((b) => b.period)).toEqual(['2026-01-01', '2026-02-01', '2026-03-01']);
    const dashboard = await asAcme(() => lastSixMonths());
    expect(dashboard.months).toHaveLength(6);
  });
});

describe('migration 20261203000300_valid_time_zones', () => {
  it('repairs existing zones PostgreSQL cannot read to UTC and keeps the others', async () => {
    const db = await createTestDatabase({ empty: true });
    try {
      // The database as it was before this migration, with the tenants it could hold then.
      const dir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-tz-'));
      for (const file of await readMigrations()) {
        if (file.name >= '20261203000300') continue;
        await cp(path.join(DEFAULT_MIGRATIONS_DIR, file.name), path.join(dir, file.name), { recursive: true });
      }
      await migrate({ connectionString: db.urls.migration, migrationsDir: dir });
      await withClient(db.urls.ops, (c) =>
        c.query(
          `INSERT INTO tenants (slug, name, timezone) VALUES ('old-bad', 'Old', 'US/Pacific-New'), ('old-sysv', 'SysV', 'SystemV/EST5'), ('old-good', 'Good', 'Asia/Tokyo')`,
        ),
      );
      await migrate({ connectionString: db.urls.migration });
      const rows = await withClient(
        db.urls.ops,
        async (c) => (await c.query<{ slug: string; timezone: string }>(`SELECT slug, timezone FROM tenants ORDER BY slug`)).rows,
      );
      expect(rows).toEqual([
        { slug: 'old-bad', timezone: 'UTC' },
        { slug: 'old-good', timezone: 'Asia/Tokyo' },
        { slug: 'old-sysv', timezone: 'UTC' },
      ]);
    } finally {
      await db.drop();
    }
  });
});
