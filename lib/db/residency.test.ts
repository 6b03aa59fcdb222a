import type pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';

import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { createTenant, signUpPending } from '../tenancy/definer-functions';
import { listTargets, placementFor, RESIDENCY_VIOLATION, UNREGISTERED_TARGET } from './residency';

// Data residency (docs/residency.md), in the database: a tenant's region is its placement's region,
// whoever writes, unless one transaction carries one tenant across with the override. This file's
// control plane is in eu-north — moved there before any tenant existed — so nothing here leans on
// the old literal default, eu-west.

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;
let globex: SeededTenant;

const ops = <T>(work: (db: pg.Client) => Promise<T>) => withClient(database.current.urls.ops, work);
const regionOf = (tenantId: string) =>
  ops(async (db) => (await db.query<{ region: string }>('SELECT region FROM tenants WHERE id = $1', [tenantId])).rows[0]!.region);
const placeOn = (db: pg.Client, tenantId: string, target: string) =>
  db.query(`UPDATE tenant_placements SET tier = 'database', database_target = $2, database_name = 'residency_db' WHERE tenant_id = $1`, [
    tenantId,
    target,
  ]);
const unplace = (db: pg.Client, tenantId: string) =>
  db.query(`UPDATE tenant_placements SET tier = 'shared', database_target = NULL, database_name = NULL WHERE tenant_id = $1`, [tenantId]);
const override = (db: pg.Client, tenantId: string) => db.query(`SELECT set_config('bulkhead.residency_override', $1, true)`, [tenantId]);
/** The SQLSTATE and message a statement is refused with. */
const refusal = (work: Promise<unknown>) =>
  work.then(
    () => ({ code: 'none', message: '' }),
    (error: { code: string; message: string }) => ({ code: error.code, message: error.message }),
  );

beforeAll(async () => {
  await ops(async (db) => {
    await db.query(`UPDATE database_targets SET region = 'eu-north' WHERE name = 'local'`);
    // Two database targets: one in the control plane's region, one elsewhere (names only: no
    // statement here connects to them).
    await db.query(`INSERT INTO database_targets (name, region) VALUES ('sto1', 'eu-north'), ('fra1', 'eu-central')`);
  });
  acme = await seedTenant(database.current.urls.ops, 'acme');
  globex = await seedTenant(database.current.urls.ops, 'globex');
});

describe('data residency', () => {
  it("a new tenant starts in local's region: signed up, a new workspace, or the operator's", async () => {
    const { userId } = await signUpPending({
      email: 'resident@new.test',
      name: 'R',
      passwordHash: 'h',
      tenantName: 'Resident',
      slug: 'resident',
      tokenHash: 'f'.repeat(64),
      expiresAt: new Date(Date.now() + 60_000),
    });
    const second = await createTenant({ userId, tenantName: 'Resident two', slug: 'resident-two' });
    const regions = await ops(
      async (db) =>
        (await db.query<{ region: string }>(`SELECT DISTINCT region FROM tenants WHERE slug IN ('resident', 'resident-two', 'acme')`)).rows,
    );
    expect(regions).toEqual([{ region: 'eu-north' }]);
    expect(await regionOf(second)).toBe('eu-north');
    // Told another region, the operator's insert is refused with the row: it would start shared, in eu-north.
    const elsewhere = await refusal(ops((db) => db.query(`INSERT INTO tenants (slug, name, region) VALUES ('far', 'Far', 'eu-central')`)));
    expect(elsewhere.code).toBe(RESIDENCY_VIOLATION);
    expect(elsewhere.message).toBe('data residency: tenant "far" is pinned to region eu-central, and target "local" is in region eu-north');
  });

  it('refuses a placement on a target in another region, or on one nobody registered', async () => {
    const moved = await refusal(ops((db) => placeOn(db, acme.id, 'fra1')));
    expect(moved).toEqual({
      code: RESIDENCY_VIOLATION,
      message: 'data residency: tenant "acme" is pinned to region eu-north, and target "fra1" is in region eu-central',
    });
    expect((await refusal(ops((db) => placeOn(db, acme.id, 'mars')))).code).toBe(UNREGISTERED_TARGET);
    // Positive control: a target in the tenant's region takes it, and `local` takes it back.
    await ops((db) => placeOn(db, acme.id, 'sto1'));
    await ops((db) => unplace(db, acme.id));
  });

  it("refuses changing a tenant's region while its data stays where it is", async () => {
    const relabelled = await refusal(ops((db) => db.query(`UPDATE tenants SET region = 'eu-central' WHERE id = $1`, [acme.id])));
    expect(relabelled.code).toBe(RESIDENCY_VIOLATION);
    expect(relabelled.message).toContain(
      'tenant "acme" cannot move to region eu-central while its data is on target "local", in region eu-north',
    );
    expect(await regionOf(acme.id)).toBe('eu-north');
  });

  it('refuses moving a target to another region under tenants placed there; an empty one moves', async () => {
    const local = await refusal(ops((db) => db.query(`UPDATE database_targets SET region = 'eu-west' WHERE name = 'local'`)));
    expect(local.code).toBe(RESIDENCY_VIOLATION);
    expect(local.message).toMatch(
      /target "local" cannot move to region eu-west: \d+ tenant\(s\) placed there are pinned elsewhere \(acme, globex, /,
    );
    await ops((db) => db.query(`UPDATE database_targets SET region = 'eu-south' WHERE name = 'sto1'`));
    await ops((db) => db.query(`UPDATE database_targets SET region = 'eu-north' WHERE name = 'sto1'`));
    // A target holding a tenant database stays registered; `local` always does.
    await ops((db) => placeOn(db, globex.id, 'sto1'));
    expect((await ops(listTargets)).find((t) => t.name === 'sto1')).toEqual({ name: 'sto1', region: 'eu-north', tenants: 1, outside: [] });
    expect((await refusal(ops((db) => db.query(`DELETE FROM database_targets WHERE name = 'sto1'`)))).code).toBe(UNREGISTERED_TARGET);
    expect((await refusal(ops((db) => db.query(`DELETE FROM database_targets WHERE name = 'local'`)))).code).toBe(UNREGISTERED_TARGET);
    await ops((db) => unplace(db, globex.id));
  });

  it('the override carries exactly that tenant across regions, in that transaction only', async () => {
    await ops(async (db) => {
      await db.query('BEGIN');
      await override(db, acme.id);
      // The move an operator approved: the region and the placement change together.
      await db.query(`UPDATE tenants SET region = 'eu-central' WHERE id = $1`, [acme.id]);
      await placeOn(db, acme.id, 'fra1');
      // Another tenant in the same transaction is not carried.
      await db.query('SAVEPOINT other');
      expect((await refusal(db.query(`UPDATE tenants SET region = 'eu-central' WHERE id = $1`, [globex.id]))).code).toBe(
        RESIDENCY_VIOLATION,
      );
      await db.query('ROLLBACK TO SAVEPOINT other');
      await db.query('COMMIT');
      // The next transaction on the same connection has no override.
      expect((await db.query(`SELECT current_setting('bulkhead.residency_override', true) AS value`)).rows[0].value).toBe('');
      expect((await refusal(unplace(db, acme.id))).code).toBe(RESIDENCY_VIOLATION);
    });
    expect(await regionOf(acme.id)).toBe('eu-central');
    expect(await regionOf(globex.id)).toBe('eu-north');
    // And back, the same way.
    await ops(async (db) => {
      await db.query('BEGIN');
      await override(db, acme.id);
      await unplace(db, acme.id);
      await db.query(`UPDATE tenants SET region = 'eu-north' WHERE id = $1`, [acme.id]);
      await db.query('COMMIT');
    });
    expect(await regionOf(acme.id)).toBe('eu-north');
  });

  it("the runtime role cannot read the targets; it learns its own data's region from data_region()", async () => {
    await withClient(database.current.urls.app, async (db) => {
      await expect(db.query('SELECT * FROM database_targets')).rejects.toThrow(/permission denied/);
      await db.query('BEGIN');
      await db.query(`SELECT set_config('app.tenant_id', $1, true)`, [globex.id]);
      expect((await db.query('SELECT * FROM bulkhead.data_region()')).rows).toEqual([{ region: 'eu-north', tenant_region: 'eu-north' }]);
      await db.query('COMMIT');
      expect((await db.query('SELECT * FROM bulkhead.data_region()')).rows).toEqual([]);
    });
  });
});

describe('where the operator commands place a tenant', () => {
  const targets = [
    { name: 'local', region: 'eu-west' },
    { name: 'fra1', region: 'eu-central' },
    { name: 'fra2', region: 'eu-central' },
  ];
  const reachable = (name: string) => name !== 'fra1';

  it('keeps a tenant in its region, choosing a reachable target there', () => {
    expect(placementFor(targets, { tier: 'shared' })).toEqual({ target: 'local', region: 'eu-west', crossRegion: false });
    expect(placementFor(targets, { tier: 'schema', region: 'eu-west' })).toEqual({
      target: 'local',
      region: 'eu-west',
      crossRegion: false,
    });
    expect(placementFor(targets, { tier: 'database', region: 'eu-central' }, reachable)).toEqual({
      target: 'fra2',
      region: 'eu-central',
      crossRegion: false,
    });
    expect(placementFor(targets, { tier: 'database', target: 'fra1' })).toEqual({
      target: 'fra1',
      region: 'eu-central',
      crossRegion: false,
    });
  });

  it('refuses a region no target of the tier is in, and says what would do', () => {
    expect(placementFor(targets, { tier: 'shared', region: 'eu-central' })).toEqual({
      refused:
        'The shared tier keeps data on target "local", in eu-west; a tenant in eu-central needs --tier database on a target there (local (eu-west), fra1 (eu-central), fra2 (eu-central)), or --allow-cross-region to place it in eu-west (audited).',
    });
    expect(placementFor(targets, { tier: 'database', region: 'ap-south' })).toMatchObject({
      refused: expect.stringContaining('No database target is in ap-south'),
    });
    expect(placementFor(targets, { tier: 'database', region: 'eu-west', target: 'fra1' })).toMatchObject({
      refused: expect.stringContaining('target "fra1" is in eu-central'),
    });
    expect(placementFor(targets, { tier: 'database', target: 'mars' })).toMatchObject({
      refused: expect.stringContaining('Unknown database target "mars"'),
    });
  });

  it('crosses regions only when allowed, and says so for the audit', () => {
    expect(placementFor(targets, { tier: 'database', region: 'eu-west', target: 'fra1', allowCrossRegion: true })).toEqual({
      target: 'fra1',
      region: 'eu-central',
      crossRegion: true,
    });
    expect(placementFor(targets, { tier: 'shared', region: 'eu-central', allowCrossRegion: true })).toEqual({
      target: 'local',
      region: 'eu-west',
      crossRegion: true,
    });
  });
});
