import { readFileSync } from 'node:fs';

import { installCapture, removeCapture } from '@bulkhead/tenancy/admin';

import { PLACED_TABLE_ORDER } from '../../lib/db/tiers';
import { ownerUrlFile } from './handoff';
import { withOps } from './ops';

// A workspace frozen as an online move freezes it (docs/moves.md), without a move: the capture
// triggers on the shared tables (only the tables' owner may create them) and a closed fence row (the
// ops role). From then on the app's writes of that workspace fail with SQLSTATE BH503, and nothing
// else changes: its reads, and every other workspace, go on. Used by e2e/leaks/moving.spec.ts;
// lib/api/moving.test.ts does the same on its own database.

/** The owner URL of the e2e server at `baseURL` (written by scripts/e2e-server.ts). */
export function e2eOwnerUrl(baseURL: string): string {
  const file = ownerUrlFile(new URL(baseURL).port);
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    throw new Error(`${file} is missing: run the suite against scripts/e2e-server.ts (playwright.config.ts starts it).`);
  }
}

export interface Freeze {
  /** Opens the fence and removes the triggers; idempotent, so a `finally` may call it again. */
  release(): Promise<void>;
}

/** Freezes the writes of shared tenant `tenantId` until release(). */
export async function freezeWrites(urls: { ops: string; owner: string }, tenantId: string): Promise<Freeze> {
  let released: Promise<void> | undefined;
  const release = () =>
    (released ??= (async () => {
      await withOps(urls.ops, (db) => db.query('DELETE FROM move_fences WHERE tenant_id = $1', [tenantId]));
      await withOps(urls.owner, (db) => removeCapture(db, 'public', PLACED_TABLE_ORDER, tenantId));
    })());
  try {
    await withOps(urls.owner, (db) => installCapture(db, 'public', PLACED_TABLE_ORDER, tenantId));
    await withOps(urls.ops, (db) =>
      db.query('INSERT INTO move_fences (tenant_id, move_id, frozen) VALUES ($1, gen_random_uuid(), true)', [tenantId]),
    );
  } catch (error) {
    await release();
    throw error;
  }
  return { release };
}
