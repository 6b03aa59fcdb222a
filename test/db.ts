import { randomBytes } from 'node:crypto';

import { dropDatabase, provisionDatabase, urlFor, type ProvisionedDatabase } from '@bulkhead/tenancy/admin';
import { afterAll, beforeAll, inject } from 'vitest';

/** A fresh copy of the migrated template database, for one test file. */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<ProvisionedDatabase & { drop(): Promise<void> }> {
  const { bootstrapUrl, rolePrefix, template } = inject('testDatabaseServer');
  const database = `${rolePrefix}_${randomBytes(4).toString('hex')}`;
  const created = await provisionDatabase({
    bootstrapUrl,
    database,
    rolePrefix,
    template: options.empty ? undefined : template,
  });
  return { ...created, drop: () => dropDatabase(bootstrapUrl, database) };
}

/**
 * Registers a database for the current test file: created before its tests, dropped after.
 * Read `.current` inside tests and hooks.
 */
export function setupTestDatabase(options: { empty?: boolean } = {}) {
  const handle: { current: ProvisionedDatabase } = { current: undefined as unknown as ProvisionedDatabase };
  let drop: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    const created = await createTestDatabase(options);
    handle.current = created;
    drop = created.drop;
  });
  afterAll(async () => {
    await drop?.();
  });
  return handle;
}

/** The second server of the tests, as a database target (docs/tiers.md), and how the app reaches its databases. */
export function dedicatedServer() {
  const { rolePrefix, dedicated } = inject('testDatabaseServer');
  return {
    target: { name: 'second', bootstrapUrl: dedicated.bootstrapUrl },
    rolePrefix,
    template: dedicated.template,
    /** A fresh database name under the run's prefix (dropped with the run). */
    newName: () => `${rolePrefix}_d${randomBytes(4).toString('hex')}`,
    /** The runtime role's URL of a database on the second server. */
    appUrl: (database: string) => urlFor(dedicated.bootstrapUrl, database, `${rolePrefix}_app`, 'bulkhead-local'),
    opsUrl: (database: string) => urlFor(dedicated.bootstrapUrl, database, `${rolePrefix}_ops`, 'bulkhead-local'),
  };
}
