import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { describe, expect, inject, it } from 'vitest';

import { setupTestDatabase } from '@/test/db';
import { withClient } from '@/test/fixtures';

// The operator CLI (scripts/tenant.ts), run as an operator would, against a test database:
// tenant:create on each tier, tenant:place of a shared tenant, and refusals with a message.

const run = promisify(execFile);
const database = setupTestDatabase();

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { bootstrapUrl, dedicated } = inject('testDatabaseServer');
  const env: NodeJS.ProcessEnv = {
    NODE_ENV: 'test',
    PATH: process.env.PATH,
    MIGRATION_DATABASE_URL: database.current.urls.migration,
    OPS_DATABASE_URL: database.current.urls.ops,
    BOOTSTRAP_DATABASE_URL: bootstrapUrl,
    // The tests' second server, as the operator configures a target: by name, with a superuser URL.
    TENANT_DATABASE_TARGETS: `fra1=${dedicated.bootstrapUrl}`,
  };
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'scripts/tenant.ts', ...args], { env, timeout: 60_000 });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, out: failed.stdout, err: failed.stderr };
  }
}

const placement = (slug: string) =>
  withClient(database.current.urls.ops, async (db) => {
    const { rows } = await db.query<{ tier: string; schema_name: string | null; database_name: string | null }>(
      `SELECT p.tier::text AS tier, p.schema_name, p.database_name FROM tenant_placements p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = $1`,
      [slug],
    );
    return rows[0];
  });

/** Where a tenant's data is: its tier, target (`local` for shared and schema) and region. */
const residency = (slug: string) =>
  withClient(database.current.urls.ops, async (db) => {
    const { rows } = await db.query<{ tier: string; target: string; region: string }>(
      `SELECT p.tier::text AS tier, coalesce(p.database_target, 'local') AS target, t.region
         FROM tenant_placements p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = $1`,
      [slug],
    );
    return rows[0];
  });

describe('npm run tenant:create / tenant:place', () => {
  it('creates a tenant on each tier', async () => {
    expect((await cli('create', '--slug', 'flat', '--name', 'Flat')).code).toBe(0);
    expect(await placement('flat')).toMatchObject({ tier: 'shared' });
    const schema = await cli('create', '--slug', 'own-schema', '--name', 'Own schema', '--tier', 'schema', '--plan', 'pro');
    expect(schema.code, schema.err).toBe(0);
    expect(schema.out).toMatch(/schema t_own_schema created in \d+ ms/);
    expect(await placement('own-schema')).toMatchObject({ tier: 'schema', schema_name: 't_own_schema' });
    const dedicated = await cli('create', '--slug', 'own-db', '--name', 'Own database', '--tier', 'database', '--plan', 'enterprise');
    expect(dedicated.code, dedicated.err).toBe(0);
    expect(dedicated.out).toMatch(/created and migrated in \d+ ms/);
    expect(await placement('own-db')).toMatchObject({ tier: 'database', database_name: `${database.current.database}_t_own_db` });
  }, 120_000);

  it('places a shared tenant in a schema of its own, once', async () => {
    expect((await cli('create', '--slug', 'grows', '--name', 'Grows', '--plan', 'pro')).code).toBe(0);
    expect((await cli('place', 'grows', '--tier', 'schema')).code).toBe(0);
    expect(await placement('grows')).toMatchObject({ tier: 'schema', schema_name: 't_grows' });
    const again = await cli('place', 'grows', '--tier', 'database');
    expect(again.code).toBe(2);
    expect(again.err).toContain('grows is on the schema tier already');
  }, 120_000);

  it('refuses bad input with a message and writes nothing', async () => {
    const taken = await cli('create', '--slug', 'flat', '--name', 'Again');
    expect([taken.code, taken.err.trim()]).toEqual([2, 'A tenant with the address "flat" exists already.']);
    const owner = await cli('create', '--slug', 'orphan', '--name', 'Orphan', '--owner', 'nobody@example.test');
    expect(owner.code).toBe(2);
    expect(owner.err).toContain('No user with the email nobody@example.test');
    expect(await placement('orphan')).toBeUndefined();
    // The plan decides the tiers: free stays shared, pro may have a schema, enterprise a database.
    const free = await cli('create', '--slug', 'cheap', '--name', 'Cheap', '--tier', 'schema');
    expect(free.code).toBe(2);
    expect(free.err).toContain('The Free plan keeps a workspace');
    expect(await placement('cheap')).toBeUndefined();
    expect((await cli('create', '--slug', 'small', '--name', 'Small')).code).toBe(0);
    const small = await cli('place', 'small', '--tier', 'schema');
    expect([small.code, small.err.trim()]).toEqual([
      2,
      'small is on the free plan, which does not allow the schema tier: change its plan first.',
    ]);
    const target = await cli('create', '--slug', 'far', '--name', 'Far', '--tier', 'database', '--plan', 'enterprise', '--target', 'mars');
    expect(target.code).toBe(2);
    expect(target.err).toContain('Unknown database target "mars"');
    expect(await placement('far')).toBeUndefined();
    expect((await cli('create', '--slug', 'Bad Slug', '--name', 'x')).code).toBe(2);
  }, 120_000);
});

// The region is a rule (docs/residency.md): the commands place a tenant on a target in its region,
// refuse what would put it elsewhere, and record an approved exception in the tenant's audit log.
// (Which target each request gets, and each refusal's message: lib/db/residency.test.ts.)
describe('npm run tenant:targets, and the region of tenant:create', () => {
  it('registers a target in a region, lands a tenant of that region on it, and keeps it there', async () => {
    const registered = await cli('targets', 'set', 'fra1', '--region', 'eu-central');
    expect([registered.code, registered.out.trim()]).toEqual([0, 'fra1: registered in eu-central.']);
    const alps = await cli(
      'create',
      '--slug',
      'alps',
      '--name',
      'Alps',
      '--tier',
      'database',
      '--plan',
      'enterprise',
      '--region',
      'eu-central',
    );
    expect(alps.code, alps.err).toBe(0);
    expect(alps.out).toMatch(/database \S+_t_alps on fra1 created and migrated/);
    expect(await residency('alps')).toEqual({ tier: 'database', target: 'fra1', region: 'eu-central' });
    // Refused by the database's rule itself, with its message: the target cannot leave its tenant.
    const moved = await cli('targets', 'set', 'fra1', '--region', 'us-east');
    expect(moved.code).toBe(2);
    expect(moved.err).toContain('target "fra1" cannot move to region us-east: 1 tenant(s) placed there are pinned elsewhere (alps)');
  }, 120_000);

  it('places a tenant outside the region it asked for only when allowed, and audits it', async () => {
    const crossed = await cli('create', '--slug', 'expat', '--name', 'Expat', '--region', 'eu-central', '--allow-cross-region');
    expect(crossed.code, crossed.err).toBe(0);
    expect(await residency('expat')).toEqual({ tier: 'shared', target: 'local', region: 'eu-west' });
    const events = await withClient(database.current.urls.ops, async (db) => {
      const { rows } = await db.query(
        `SELECT e.actor_type::text AS actor_type, e.actor_label, e.action, e.metadata
           FROM audit_events e JOIN tenants t ON t.id = e.tenant_id WHERE t.slug = 'expat'`,
      );
      return rows;
    });
    expect(events).toEqual([
      {
        actor_type: 'platform_admin',
        actor_label: expect.stringMatching(/^operator .*\(npm run tenant:create\)$/),
        action: 'tenant.placed_outside_region',
        metadata: { requested: 'eu-central', region: 'eu-west', target: 'local', tier: 'shared' },
      },
    ]);
  }, 120_000);
});
