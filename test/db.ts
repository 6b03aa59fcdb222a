import { randomBytes } from 'node:crypto';

import { dropDatabase, provisionDatabase, type ProvisionedDatabase } from '@bulkhead/tenancy/admin';
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
