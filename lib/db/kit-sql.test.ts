import { readFileSync } from 'node:fs';
import path from 'node:path';

import { tenancySql } from '@bulkhead/tenancy/admin';
import { expect, it } from 'vitest';

// Bulkhead's first migrations are where the isolation kit's SQL came from, and migrations are
// never edited: the kit's files must stay exactly what these migrations applied, or a database
// migrated from prisma/migrations would not be the one the kit describes.

const migration = (name: string) => readFileSync(path.join(process.cwd(), 'prisma', 'migrations', name, 'migration.sql'), 'utf8');

it("the app's migrations hold the isolation kit's SQL byte for byte", () => {
  const sql = tenancySql();
  expect(migration('20261123000100_foundation').includes(sql.tenancy)).toBe(true);
  expect(migration('20261123000200_identity_and_commerce').includes(sql.currentTenant)).toBe(true);
});
