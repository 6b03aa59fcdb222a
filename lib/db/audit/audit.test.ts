import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { dropDatabase, dropRoles, migrate, provisionDatabase, type ProvisionedDatabase } from '@bulkhead/tenancy/admin';
import {
  auditCatalog,
  auditIsolation,
  AuditSetupError,
  CHECK_TITLES,
  knownDefects,
  withoutKnownDefects,
  type Finding,
} from '@bulkhead/tenancy/audit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { createTestDatabase, setupTestDatabase } from '../../../test/db';
import { BULKHEAD_ALLOWLIST } from './allowlist';
import { loadFixtures, render, type AuditFixture, type FixtureNames } from './fixtures';

// The isolation audit, proved both ways: the migrated schema has nothing to report, and every
// check fails on a fixture built to violate it — naming the broken object, and flagging no other
// check than the ones the fixture declares it drags along.
//
// Most fixtures are applied inside a transaction that is rolled back once the catalog checks have
// run in it. PostgreSQL's DDL (roles included) is transactional, so each fixture starts from the
// pristine migrated schema for a few milliseconds instead of a fresh database. Fixtures that
// change roles run in a database with roles of its own: roles are cluster-wide, and the run's
// roles are shared with every test file running in parallel. Canary fixtures are committed (the
// runtime role's own connection cannot see uncommitted changes), each on a database of its own.

const FIXTURES = loadFixtures();
const REQUIRED_CHECKS = [1, 2, 3, 7, 8, 9, 10, 13, 15, 16, 17, 18, 20, 21, 25, 26, 30, 31, 37, 40, 41];

interface AuditedDatabase {
  db: ProvisionedDatabase;
  prefix: string;
  /** A superuser session in the database, to apply fixtures. */
  superuser: pg.Client;
}

const { bootstrapUrl, rolePrefix: sharedPrefix } = inject('testDatabaseServer');

function superuserUrl(database: string): string {
  const url = new URL(bootstrapUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

async function open(db: ProvisionedDatabase, prefix: string): Promise<AuditedDatabase> {
  const superuser = new pg.Client({ connectionString: superuserUrl(db.database) });
  await superuser.connect();
  return { db, prefix, superuser };
}

function namesIn(target: AuditedDatabase): FixtureNames {
  return { ...target.db.roles, prefix: target.prefix, database: target.db.database };
}

async function applyFixture(target: AuditedDatabase, fixture: AuditFixture): Promise<void> {
  // As the owner by default: that is who runs migrations, so that is how such a change arrives.
  if (fixture.as === 'owner') await target.superuser.query(`SET ROLE ${target.db.roles.owner}`);
  try {
    await target.superuser.query(render(fixture.sql, namesIn(target)));
  } finally {
    if (fixture.as === 'owner') await target.superuser.query('RESET ROLE');
  }
}

/** The catalog checks, read as the owner (like the CLI), with `fixture` applied and rolled back. */
async function catalogFindings(target: AuditedDatabase, fixture?: AuditFixture): Promise<Finding[]> {
  const session = target.superuser;
  await session.query('BEGIN');
  try {
    if (fixture) await applyFixture(target, fixture);
    await session.query(`SET LOCAL ROLE ${target.db.roles.owner}`);
    return await auditCatalog(session, { runtimeRole: target.db.roles.app, allowlist: BULKHEAD_ALLOWLIST });
  } finally {
    await session.query('ROLLBACK');
  }
}

function auditOf(db: ProvisionedDatabase, allowlist = BULKHEAD_ALLOWLIST): Promise<Finding[]> {
  return auditIsolation({ catalogUrl: db.urls.migration, runtimeUrl: db.urls.app, runtimeRole: db.roles.app, allowlist });
}

const explain = (findings: Finding[]) =>
  findings.length === 0 ? 'no findings' : findings.map((f) => `\n  check ${f.check} [${f.code}] ${f.object}: ${f.message}`).join('');

async function expectFlagged(findings: Finding[], fixture: AuditFixture, names: FixtureNames) {
  const object = render(fixture.expect, names);
  expect(
    findings.some((f) => f.check === fixture.check && f.object === object),
    `expected check ${fixture.check} to name ${object}, got${explain(findings)}`,
  ).toBe(true);
  expect(
    [...new Set(findings.map((f) => f.check))].sort((a, b) => a - b),
    `other checks flagged:${explain(findings)}`,
  ).toEqual([fixture.check, ...fixture.also].sort((a, b) => a - b));
  for (const f of findings) expect(f.message, `finding without a fix: ${f.message}`).toMatch(/\. Fix: \S/);
}

describe('isolation audit', () => {
  const shared = setupTestDatabase();
  let sharedRoles: AuditedDatabase;
  let ownRoles: AuditedDatabase;
  const clean = new Map<AuditedDatabase, Finding[]>();

  beforeAll(async () => {
    // Short and unique, so the four role names stay well under PostgreSQL's 63 characters.
    const prefix = `aud_${randomBytes(3).toString('hex')}`;
    const own = await provisionDatabase({ bootstrapUrl, database: prefix, rolePrefix: prefix });
    await migrate({ connectionString: own.urls.migration });
    sharedRoles = await open(shared.current, sharedPrefix);
    ownRoles = await open(own, prefix);
    for (const target of [sharedRoles, ownRoles]) clean.set(target, await auditOf(target.db));
  });

  afterAll(async () => {
    await sharedRoles?.superuser.end();
    if (ownRoles) {
      await ownRoles.superuser.end();
      await dropDatabase(bootstrapUrl, ownRoles.db.database);
      await dropRoles(bootstrapUrl, ownRoles.prefix);
    }
  });

  describe('on the migrated schema', () => {
    it('reports nothing, runtime canaries included', () => {
      expect(clean.get(sharedRoles), explain(clean.get(sharedRoles)!)).toEqual([]);
      expect(clean.get(ownRoles), explain(clean.get(ownRoles)!)).toEqual([]);
    });

    it('reports nothing from inside a rolled-back transaction either (the fixtures’ harness)', async () => {
      expect(await catalogFindings(sharedRoles)).toEqual([]);
      expect(await catalogFindings(ownRoles)).toEqual([]);
    });

    it('still sees every known defect the allowlist accepts, and nothing else', async () => {
      const findings = await auditOf(sharedRoles.db, withoutKnownDefects(BULKHEAD_ALLOWLIST));
      const known = knownDefects(BULKHEAD_ALLOWLIST)
        .exemptions.map((e) => `${e.check} ${e.object}`)
        .sort();
      expect(findings.map((f) => `${f.check} ${f.object}`).sort()).toEqual(known);
    });

    it('runs every required check, and every check it runs has a fixture', () => {
      expect([...CHECK_TITLES.keys()]).toEqual(expect.arrayContaining(REQUIRED_CHECKS));
      expect([...new Set(FIXTURES.map((f) => f.check))].sort((a, b) => a - b)).toEqual([...CHECK_TITLES.keys()]);
    });
  });

  describe('on a schema broken on purpose', () => {
    const rolledBack = FIXTURES.filter((f) => !f.commit);
    const committed = FIXTURES.filter((f) => f.commit);
    // A committed fixture changes its database for good: at most one may use the own-roles
    // database, and only after every other fixture there (tests in a file run in order).
    if (committed.filter((f) => f.ownRoles).length > 1) throw new Error('At most one committed fixture may use the own-roles database.');

    for (const fixture of rolledBack) {
      it(`${fixture.behaviour} (check ${fixture.check})`, async () => {
        const target = fixture.ownRoles ? ownRoles : sharedRoles;
        expect(clean.get(target)!.filter((f) => f.check === fixture.check)).toEqual([]);
        await expectFlagged(await catalogFindings(target, fixture), fixture, namesIn(target));
      });
    }

    for (const fixture of committed) {
      it(`${fixture.behaviour} (check ${fixture.check})`, async () => {
        const baseline = fixture.ownRoles ? ownRoles : sharedRoles;
        expect(clean.get(baseline)!.filter((f) => f.check === fixture.check)).toEqual([]);
        const fresh = fixture.ownRoles ? undefined : await open(await createTestDatabase(), sharedPrefix);
        const target = fresh ?? ownRoles;
        try {
          await applyFixture(target, fixture);
          await expectFlagged(await auditOf(target.db), fixture, namesIn(target));
        } finally {
          if (fresh) {
            await fresh.superuser.end();
            await dropDatabase(bootstrapUrl, fresh.db.database);
          }
        }
      });
    }
  });

  describe('on bad input', () => {
    it('refuses to run the canaries as any role but the runtime role', async () => {
      const db = sharedRoles.db;
      const attempt = auditIsolation({ catalogUrl: db.urls.migration, runtimeUrl: db.urls.ops, runtimeRole: db.roles.app });
      await expect(attempt).rejects.toThrow(AuditSetupError);
      await expect(attempt).rejects.toThrow(`logs in as "${db.roles.ops}", but the runtime role under audit is "${db.roles.app}"`);
    });

    it('names a runtime role or schema that does not exist', async () => {
      const db = sharedRoles.db;
      const options = { catalogUrl: db.urls.migration, runtimeUrl: db.urls.app, runtimeRole: db.roles.app };
      await expect(auditIsolation({ ...options, runtimeRole: 'nobody_here' })).rejects.toThrow('Runtime role "nobody_here" does not exist');
      await expect(auditIsolation({ ...options, schema: 'nowhere' })).rejects.toThrow('Schema "nowhere" does not exist');
    });
  });

  describe('npm run audit:isolation', () => {
    it('prints a clean report and exits 0 on the migrated schema', async () => {
      const run = await cli({ MIGRATION_DATABASE_URL: shared.current.urls.migration, DATABASE_URL: shared.current.urls.app });
      expect(run.stderr).toBe('');
      expect(run.stdout).toContain(`runtime role ${shared.current.roles.app}`);
      expect(run.stdout).toMatch(/✓ No findings: \d+ isolation checks passed\./);
      expect(run.code).toBe(0);
    });

    it('prints the finding with its fix and exits 1 on a broken schema', async () => {
      const broken = await createTestDatabase();
      try {
        const session = await open(broken, sharedPrefix);
        await session.superuser.query('ALTER TABLE orders NO FORCE ROW LEVEL SECURITY');
        await session.superuser.end();
        const run = await cli({ MIGRATION_DATABASE_URL: broken.urls.migration, DATABASE_URL: broken.urls.app });
        expect(run.stdout).toContain('Check 8: Row-level security is not forced');
        expect(run.stdout).toContain('Fix: ALTER TABLE public.orders FORCE ROW LEVEL SECURITY');
        expect(run.stdout).toContain('✗ 1 finding in 1 check (8)');
        expect(run.code).toBe(1);
      } finally {
        await dropDatabase(bootstrapUrl, broken.database);
      }
    });

    it('says which server it cannot reach, without the password, and exits 2', async () => {
      const nowhere = 'postgres://someone:s3cret@127.0.0.1:9/nowhere';
      const run = await cli({ MIGRATION_DATABASE_URL: nowhere, DATABASE_URL: nowhere });
      expect(run.stderr).toMatch(/audit:isolation could not run: Cannot connect to postgres:\/\/someone:\*\*\*@127\.0\.0\.1:9\/nowhere/);
      expect(run.stderr).not.toContain('s3cret');
      expect(run.code).toBe(2);
    });
  });
});

function cli(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/audit-isolation.ts'], {
      env: { ...process.env, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
