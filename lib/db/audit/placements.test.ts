import { auditCatalog, auditIsolation, type Finding } from '@bulkhead/tenancy/audit';
import pg from 'pg';
import { beforeAll, describe, expect, inject, it } from 'vitest';

import { setupTestDatabase } from '../../../test/db';
import { seedTenant, withClient } from '../../../test/fixtures';
import { placeInSchema } from '../tiers';
import { BULKHEAD_ALLOWLIST, tenantSchemaAllowlist } from './allowlist';

// `npm run audit:isolation` audits every placement (scripts/audit-isolation.ts). A tenant schema
// made by the schema tier passes with the shared tier's reasons re-qualified — and the audit does
// look inside it: a table there without forced row-level security, or with a policy gone, fails.

const database = setupTestDatabase();
const SCHEMA = 't_audited';
const { bootstrapUrl } = inject('testDatabaseServer');

beforeAll(async () => {
  const tenant = await seedTenant(database.current.urls.ops, 'audited');
  await placeInSchema(database.current.urls, tenant.id, SCHEMA);
});

/** The catalog checks of the tenant schema with `breakage` applied, rolled back afterwards. */
async function auditBroken(breakage: string): Promise<Finding[]> {
  const url = new URL(bootstrapUrl);
  url.pathname = `/${database.current.database}`;
  const superuser = new pg.Client({ connectionString: url.toString() });
  await superuser.connect();
  try {
    await superuser.query('BEGIN');
    await superuser.query(breakage);
    return await auditCatalog(superuser, {
      runtimeRole: database.current.roles.app,
      schema: SCHEMA,
      allowlist: tenantSchemaAllowlist(SCHEMA),
    });
  } finally {
    await superuser.query('ROLLBACK').catch(() => {});
    await superuser.end();
  }
}

describe('the isolation audit of a tenant schema', () => {
  it('finds nothing in a schema the schema tier made', async () => {
    const findings = await auditIsolation({
      catalogUrl: database.current.urls.migration,
      runtimeUrl: database.current.urls.app,
      runtimeRole: database.current.roles.app,
      schema: SCHEMA,
      allowlist: tenantSchemaAllowlist(SCHEMA),
    });
    expect(findings).toEqual([]);
  });

  it('needs the re-qualified reasons: with the shared tier’s allowlist alone it reports the copies', async () => {
    const findings = await auditIsolation({
      catalogUrl: database.current.urls.migration,
      runtimeUrl: database.current.urls.app,
      runtimeRole: database.current.roles.app,
      schema: SCHEMA,
      allowlist: BULKHEAD_ALLOWLIST,
    });
    expect(findings.map((f) => f.object)).toContain(`membership_events ON ${SCHEMA}.audit_events`);
  });

  it('fails a tenant-schema table without forced row-level security', async () => {
    const findings = await auditBroken(`ALTER TABLE ${SCHEMA}.orders NO FORCE ROW LEVEL SECURITY`);
    expect(findings.some((f) => f.object === `${SCHEMA}.orders`)).toBe(true);
  });

  it('fails a tenant-schema table whose tenant policy is gone', async () => {
    const rows = await withClient(
      database.current.urls.migration,
      async (db) =>
        (
          await db.query<{ name: string }>(
            `SELECT polname AS name FROM pg_policy WHERE polrelid = '${SCHEMA}.customers'::regclass ORDER BY 1 LIMIT 1`,
          )
        ).rows,
    );
    const findings = await auditBroken(`DROP POLICY ${rows[0]!.name} ON ${SCHEMA}.customers`);
    expect(findings.some((f) => f.object.includes(`${SCHEMA}.customers`))).toBe(true);
  });
});
