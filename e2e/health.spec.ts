import { expect, test } from '@playwright/test';

import pkg from '../package.json' with { type: 'json' };

test('GET /api/health reports the app version and a reachable database', async ({ request }) => {
  const response = await request.get('/api/health');
  expect(response.status()).toBe(200);
  expect(response.headers()['cache-control']).toBe('no-store');
  const body = await response.json();
  expect(body).toMatchObject({ status: 'ok', version: pkg.version, database: { status: 'up' } });
  expect(body.database.latencyMs).toBeGreaterThanOrEqual(0);
});
