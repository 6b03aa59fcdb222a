import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { createTenantSchema, installCapture } from '@bulkhead/tenancy/admin';
import { describe, expect, inject, it } from 'vitest';

import { PLACED_TABLE_ORDER } from '@/lib/db/tiers';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient } from '@/test/fixtures';

// npm run tenant:move, run as an operator would (docs/moves.md): a move with its progress and
// figures, refusals before anything starts, and --recover after a mover that died mid-move.

const run = promisify(execFile);
const database = setupTestDatabase();

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { bootstrapUrl } = inject('testDatabaseServer');
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PATH: process.env.PATH,
    MIGRATION_DATABASE_URL: database.current.urls.migration,
    OPS_DATABASE_URL: database.current.urls.ops,
    BOOTSTRAP_DATABASE_URL: bootstrapUrl,
  };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/tenant-move.ts', ...args], {
      env,
      timeout: 60_000,
    });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

const ops = <T>(work: (db: import('pg').Client) => Promise<T>) => withClient(database.current.urls.ops, work);
const tierOf = (slug: string) =>
  ops(async (db) => {
    const { rows } = await db.query<{ tier: string; schema_name: string | null }>(
      `SELECT p.tier::text AS tier, p.schema_name FROM tenant_placements p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = $1`,
      [slug],
    );
    return rows[0];
  });

describe('npm run tenant:move', () => {
  it('moves a tenant to a schema and back, printing each step and the freeze', async () => {
    const tenant = await seedTenant(database.current.urls.ops, 'roams', 5);
    await ops((db) => db.query(`UPDATE tenants SET plan = 'pro' WHERE id = $1`, [tenant.id]));
    const there = await cli('roams', '--to', 'schema', '--grace', '0');
    expect(there.code, there.err).toBe(0);
    expect(there.out).toMatch(/copy\s+customers: 5 rows/);
    expect(there.out).toMatch(/roams: moved shared → schema:t_roams\. \d+ rows verified/);
    expect(there.out).toMatch(/Writes were refused for \d+\.\d+ s/);
    expect(await tierOf('roams')).toEqual({ tier: 'schema', schema_name: 't_roams' });
    const back = await cli('roams', '--to', 'shared', '--grace', '0');
    expect(back.code, back.err).toBe(0);
    expect(await tierOf('roams')).toEqual({ tier: 'shared', schema_name: null });
  }, 60_000);

  it('refuses bad input before anything starts, with exit code 2', async () => {
    await seedTenant(database.current.urls.ops, 'stays', 1);
    const cases: [string[], RegExp][] = [
      [['--to', 'schema'], /needs the tenant’s slug/],
      [['stays'], /needs --to/],
      [['stays', '--to', 'somewhere'], /"somewhere" is not a destination/],
      [['stays', '--to', 'database:nowhere'], /Unknown database target "nowhere"/],
      [['stays', '--to', 'schema'], /free plan, which does not allow the schema tier/],
      [['nobody', '--to', 'shared'], /No tenant with the address "nobody"/],
      [['stays', '--to', 'shared', '--grace', 'soon'], /--grace is seconds/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(...args);
      expect({ args, code: result.code, err: result.err }).toMatchObject({ code: 2, err: expect.stringMatching(message) });
    }
    expect(await tierOf('stays')).toEqual({ tier: 'shared', schema_name: null });
  }, 60_000);

  it('--recover rolls back a move whose process died before the switch', async () => {
    const tenant = await seedTenant(database.current.urls.ops, 'orphan', 2);
    // What a mover leaves when it dies while copying: its record, a fence, capture triggers and a half-made schema.
    await createTenantSchema({ connectionString: database.current.urls.migration, schema: 't_orphan', tables: PLACED_TABLE_ORDER });
    await ops(async (db) => {
      await db.query(`INSERT INTO tenant_moves (tenant_id, from_label, to_label) VALUES ($1, 'shared', 'schema:t_orphan')`, [tenant.id]);
      await db.query(`INSERT INTO move_fences (tenant_id, move_id) VALUES ($1, gen_random_uuid())`, [tenant.id]);
    });
    await withClient(database.current.urls.migration, (db) => installCapture(db, 'public', PLACED_TABLE_ORDER, tenant.id));

    const recovered = await cli('orphan', '--recover');
    expect(recovered.code, recovered.err).toBe(0);
    expect(recovered.out).toMatch(/interrupted before the switch: rolled back; orphan stays in shared/);
    await ops(async (db) => {
      expect((await db.query(`SELECT 1 FROM pg_namespace WHERE nspname = 't_orphan'`)).rowCount).toBe(0);
      expect((await db.query(`SELECT 1 FROM move_fences WHERE tenant_id = $1`, [tenant.id])).rowCount).toBe(0);
      expect((await db.query(`SELECT 1 FROM pg_trigger WHERE tgname LIKE 'bulkhead\\_move\\_%'`)).rowCount).toBe(0);
      const { rows } = await db.query<{ state: string }>(`SELECT state FROM tenant_moves WHERE tenant_id = $1`, [tenant.id]);
      expect(rows).toEqual([{ state: 'rolled_back' }]);
      expect((await db.query(`SELECT 1 FROM customers WHERE tenant_id = $1`, [tenant.id])).rowCount).toBe(2);
    });
    expect((await cli('orphan', '--recover')).out).toMatch(/No unfinished move of orphan/);
  }, 60_000);
});
