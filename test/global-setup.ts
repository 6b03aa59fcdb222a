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
}

declare module 'vitest' {
  export interface ProvidedContext {
    testDatabaseServer: TestDatabaseServer;
  }
}

export default async function setup(project: TestProject) {
  const server = await acquireServer();
  const rolePrefix = `bulkhead_t${randomBytes(3).toString('hex')}`;
  const template = `${rolePrefix}_template`;
  try {
    const created = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database: template, rolePrefix });
    await migrate({ connectionString: created.urls.migration });
  } catch (error) {
    await server.release();
    throw error;
  }
  project.provide('testDatabaseServer', { bootstrapUrl: server.bootstrapUrl, rolePrefix, template });

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
