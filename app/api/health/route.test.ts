import { freePort } from '@bulkhead/tenancy/server';
import { afterEach, describe, expect, it, vi } from 'vitest';

import { closeAppPool } from '@/lib/db/pool';
import { setupTestDatabase } from '@/test/db';

const db = setupTestDatabase();

/** Loads the route fresh with DATABASE_URL set, so env and pool are built for that URL. */
async function healthWith(databaseUrl: string) {
  vi.resetModules();
  vi.stubEnv('DATABASE_URL', databaseUrl);
  const { GET } = await import('./route');
  return GET();
}

afterEach(async () => {
  await closeAppPool();
  vi.unstubAllEnvs();
});

describe('GET /api/health', () => {
  it('answers 200 with the database up when the runtime role can connect', async () => {
    const response = await healthWith(db.current.urls.app);
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toMatchObject({ status: 'ok', database: { status: 'up' } });
  });

  it('answers 503 with the database down, without echoing the connection error', async () => {
    const closedPort = await freePort();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await healthWith(`postgres://nobody:secret@127.0.0.1:${closedPort}/nowhere`);
    expect(response.status).toBe(503);
    const body = await response.json();
    expect(body).toMatchObject({ status: 'degraded', database: { status: 'down', error: 'database unreachable' } });
    expect(JSON.stringify(body)).not.toContain(String(closedPort));
    expect(errors).toHaveBeenCalled();
  });
});
