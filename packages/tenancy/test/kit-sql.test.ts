import { readFileSync } from 'node:fs';
import path from 'node:path';

import { tenancySql } from '@bulkhead/tenancy/admin';
import { expect, it } from 'vitest';

// The kit ships its SQL as files an app puts in its migrations. Migrations are never edited, so
// the copies must be exact: the fixture app's first migration holds every file byte for byte.

it("the fixture app's first migration contains the kit's SQL verbatim", () => {
  const migration = readFileSync(path.join(import.meta.dirname, 'fixture', 'migrations', '0001_tenancy', 'migration.sql'), 'utf8');
  const sql = tenancySql();
  expect(sql.tenancy).toMatch(/^CREATE SCHEMA bulkhead;/);
  expect(sql.currentTenant).toContain('CREATE FUNCTION bulkhead.current_tenant_id()');
  for (const part of Object.values(sql)) expect(migration.includes(part)).toBe(true);
});
