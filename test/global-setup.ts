import { randomBytes } from 'node:crypto';

import { dropDatabase, dropRoles, migrate, provisionDatabase } from '@bulkhead/tenancy/admin';
import { acquireServer } from '@bulkhead/tenancy/server';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

// Once per `vitest run`: get a server, create a migrated template database, and hand its name to
// the workers, which copy it (CREATE DATABASE … TEMPLATE) so every test file gets its own database
// and files run in parallel, in any order, repeatedly. Everything created is dropped at the end,
// which matters on a shared server (CI's PostgreSQL 15).

export interface TestDatabaseServer {
  bootstrapUrl: string;
  rolePrefix: string;
  template: string;
  /**
   * A second server, for the dedicated databases of the `database` tier (docs/tiers.md): an
   * embedded PostgreSQL, or BOOTSTRAP_DEDICATED_DATABASE_URL. Same role prefix; its own template.
   */
  dedicated: { bootstrapUrl: string; template: string };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseServer: TestDatabaseServer;
  }
}

export default async function setup(project: TestProject) {
  const rolePrefix = `bulkhead_t${randomBytes(3).toString('hex')}`;
  const template = `${rolePrefix}_template`;
  const [server, second] = await Promise.all([acquireServer(), acquireServer('BOOTSTRAP_DEDICATED_DATABASE_URL')]);
  const release = async () => {
    for (const each of [server, second]) {
      const client = new pg.Client({ connectionString: each.bootstrapUrl });
      await client.connect();
      const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
        `${rolePrefix}\\_%`,
      ]);
      await client.end();
      for (const { datname } of rows) await dropDatabase(each.bootstrapUrl, datname);
      await dropRoles(each.bootstrapUrl, rolePrefix);
      await each.release();
    }
  };
  try {
    // One migrated template per server; on a single server given twice, one template serves both.
    const sameServer = server.bootstrapUrl === second.bootstrapUrl;
    await Promise.all(
      (sameServer ? [server] : [server, second]).map(async (each) => {
        const created = await provisionDatabase({ bootstrapUrl: each.bootstrapUrl, database: template, rolePrefix });
        await migrate({ connectionString: created.urls.migration });
        await registerTestTargets(created.urls.ops);
      }),
    );
  } catch (error) {
    await release().catch(() => {});
    throw error;
  }
  project.provide('testDatabaseServer', {
    bootstrapUrl: server.bootstrapUrl,
    rolePrefix,
    template,
    dedicated: { bootstrapUrl: second.bootstrapUrl, template },
  });
  return release;
}

/**
 * The database targets the tests place tenants on, in the region of `local` — where every test
 * tenant is, by default — so the residency rule (docs/residency.md) lets them move there: `second`,
 * the second server, and `eu1`, a name only (placements that are read, never connected to). Tests
 * of the rule itself register targets in other regions in their own database.
 */
async function registerTestTargets(opsUrl: string) {
  const client = new pg.Client({ connectionString: opsUrl });
  await client.connect();
  try {
    await client.query(`INSERT INTO database_targets (name, region) SELECT unnest($1::text[]), bulkhead.local_region()`, [
      ['second', 'eu1'],
    ]);
  } finally {
    await client.end();
  }
}
