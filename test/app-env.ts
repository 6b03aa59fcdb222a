import type { ProvisionedDatabase } from '@bulkhead/tenancy/admin';
import { afterAll, beforeAll } from 'vitest';

import { closeAppPool } from '@/lib/db/pool';

/**
 * Points the app's own modules (appPool, tenantDb, the lookups) at this file's database, as the
 * runtime role, the way DATABASE_URL does in production.
 */
export function pointAppAt(database: { current: ProvisionedDatabase }) {
  beforeAll(() => {
    process.env.DATABASE_URL = database.current.urls.app;
    process.env.BULKHEAD_DEV_OUTBOX = '1';
  });
  afterAll(async () => {
    await closeAppPool();
  });
}
