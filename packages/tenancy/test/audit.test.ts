import { auditCatalog, auditIsolation, migrationLedger, type Allowlist, type Finding } from '@bulkhead/tenancy/audit';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

import { setupTestDatabase } from './setup';

// The catalog audit on the fixture app: nothing to report on its migrated schema, and a finding
// naming the table when a tenant table is added without (forced) row-level security.

/** The fixture's one departure from "every table has a tenant_id": the tenant rows themselves. */
const FIXTURE_ALLOWLIST: Allowlist = {
  tablesWithoutTenantData: [migrationLedger()],
  globalTables: [{ table: 'public.workspaces', tenantKey: 'id', reason: 'The tenant rows: each tenant sees its own row.' }],
  exemptions: [],
};

const database = setupTestDatabase();
let superuser: pg.Client;

beforeAll(async () => {
  const url = new URL(inject('kitTestServer').bootstrapUrl);
  url.pathname = `/${database.current.database}`;
  superuser = new pg.Client({ connectionString: url.toString() });
  await superuser.connect();
});

afterAll(async () => {
  await superuser.end();
});

/** The catalog checks with `sql` applied as the owner (like a migration), rolled back afterwards. */
async function findingsWith(sql: string, allowlist = FIXTURE_ALLOWLIST): Promise<Finding[]> {
  await superuser.query('BEGIN');
  try {
    await superuser.query(`SET LOCAL ROLE ${database.current.roles.owner}`);
    await superuser.query(sql);
    return await auditCatalog(superuser, { runtimeRole: database.current.roles.app, allowlist });
  } finally {
    await superuser.query('ROLLBACK');
  }
}

describe('the catalog audit on the fixture app', () => {
  it('passes the migrated fixture schema, runtime canaries included', async () => {
    const { urls, roles } = database.current;
    const findings = await auditIsolation({
      catalogUrl: urls.migration,
      runtimeUrl: urls.app,
      runtimeRole: roles.app,
      allowlist: FIXTURE_ALLOWLIST,
    });
    expect(findings).toEqual([]);
  });

  it('without the allowlist entry, the global tenant table is reported', async () => {
    const findings = await findingsWith('SELECT 1', { ...FIXTURE_ALLOWLIST, globalTables: [] });
    expect(findings.some((f) => f.object === 'public.workspaces')).toBe(true);
  });

  it('fails on a tenant table without row-level security', async () => {
    const findings = await findingsWith(`
      CREATE TABLE attachments (tenant_id uuid NOT NULL, id uuid NOT NULL, name text NOT NULL, PRIMARY KEY (tenant_id, id));
      GRANT SELECT ON attachments TO ${database.current.roles.app};`);
    expect(findings.some((f) => f.check === 7 && f.object === 'public.attachments')).toBe(true);
  });

  it('fails when a tenant table no longer forces row-level security', async () => {
    const findings = await findingsWith('ALTER TABLE notes NO FORCE ROW LEVEL SECURITY');
    expect(findings.map((f) => [f.check, f.object])).toContainEqual([8, 'public.notes']);
  });
});
