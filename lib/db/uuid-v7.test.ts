import { expect, it } from 'vitest';

import { setupTestDatabase } from '@/test/db';
import { withClient } from '@/test/fixtures';

// bulkhead.uuid_v7() must work on every supported PostgreSQL (15 has no built-in uuidv7()); this
// file runs on PostgreSQL 18 in `npm test` and on the machine's PostgreSQL 15 in test:services.

const database = setupTestDatabase();

it('bulkhead.uuid_v7() makes unique, version-7, time-ordered ids', async () => {
  await withClient(database.current.urls.ops, async (db) => {
    const before = Date.now();
    const { rows } = await db.query<{ id: string }>('SELECT bulkhead.uuid_v7()::text AS id FROM generate_series(1, 2000)');
    const after = Date.now();
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const millis = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(millis).toBeGreaterThanOrEqual(before - 1000);
      expect(millis).toBeLessThanOrEqual(after + 1000);
    }
    // Time-ordered: the millisecond prefix never goes backwards within one statement.
    const prefixes = ids.map((id) => id.slice(0, 13));
    expect([...prefixes].sort()).toEqual(prefixes);
  });
});
