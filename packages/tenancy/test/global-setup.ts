import { randomBytes } from 'node:crypto';
import path from 'node:path';

import { dropDatabase, dropRoles, migrate, provisionDatabase } from '@bulkhead/tenancy/admin';
import { acquireServer } from '@bulkhead/tenancy/server';
import pg from 'pg';
import type { TestProject } from 'vitest/node';

// Once per run: a PostgreSQL (BOOTSTRAP_DATABASE_URL, or an embedded one), a template database
// migrated from the fixture app's migrations, and its name for the workers, which copy it so every
// test file gets a database of its own. Everything created is dropped at the end.

export const FIXTURE_MIGRATIONS = path.join(import.meta.dirname, 'fixture', 'migrations');

export interface KitTestServer {
  bootstrapUrl: string;
  rolePrefix: string;
  template: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    kitTestServer: KitTestServer;
  }
}

export default async function setup(project: TestProject) {
  const server = await acquireServer();
  const rolePrefix = `kit_t${randomBytes(3).toString('hex')}`;
  const template = `${rolePrefix}_template`;
  try {
    const created = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database: template, rolePrefix });
    await migrate({ connectionString: created.urls.migration, migrationsDir: FIXTURE_MIGRATIONS });
  } catch (error) {
    await server.release();
    throw error;
  }
  project.provide('kitTestServer', { bootstrapUrl: server.bootstrapUrl, rolePrefix, template });

  return async () => {
    const client = new pg.Client({ connectionString: server.bootstrapUrl });
    await client.connect();
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `${rolePrefix}\\_%`,
    ]);
    await client.end();
    for (const { datname } of rows) await dropDatabase(server.bootstrapUrl, datname);
    await dropRoles(server.bootstrapUrl, rolePrefix);
    await server.release();
  };
}
