import { randomBytes } from 'node:crypto';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { hashApiKey } from '@/lib/api-keys/service';
import { DEMO_API_KEYS } from '@/lib/demo';
import { replaceRefusalPacer } from '@/lib/rate-limit';
import { createRefusalPacer, type RefusalPacer } from '@/lib/rate-limit/pacing';
import { REFUSALS_PER_MINUTE } from '@/lib/rate-limit/refusals';
import { callEndpoint, createKey, endpointNamed, uniqueSlug, type ApiResponse } from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient } from '@/test/fixtures';

// Refused API requests (401, 403) are counted per presented key and per client address, and a
// caller over either budget is refused with 429 from memory — before its key is looked up. The
// address is what the front server (scripts/serve.ts) writes into X-Forwarded-For; here the tests
// write it, as that server would. Counters live in this file's database (table rate_limits).

const database = setupTestDatabase();
pointAppAt(database);
const ops = () => database.current.urls.ops;

const listOrders = endpointNamed('GET /orders');
const placeOrder = endpointNamed('POST /orders');
const PER_KEY = REFUSALS_PER_MINUTE.refused_key;
const PER_ADDRESS = REFUSALS_PER_MINUTE.refused_address;

/** A fresh address of the documentation range per test: each test has buckets of its own. */
let lastOctet = 0;
const freshAddress = () => `198.51.100.${++lastOctet}`;
const from = (address: string) => ({ 'x-forwarded-for': address });
/** A key of the shape this app issues that no tenant has. */
const unknownKey = () => `bk_live_${randomBytes(32).toString('base64url')}`;

function expectRefusalLimited(res: ApiResponse, scope: 'refused_key' | 'refused_address', limit: number) {
  expect(res.status, res.text).toBe(429);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json.type).toBe('https://bulkhead.dev/problems/rate_limited');
  expect(res.headers.get('ratelimit-policy')).toBe(`${limit};w=60;scope="${scope}"`);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

// Pacing off for the budgets (its hold is shown at the end): every answer comes at once.
let previous: RefusalPacer;
beforeAll(() => {
  previous = replaceRefusalPacer(createRefusalPacer({ holdMs: 0 }));
});
afterAll(() => {
  replaceRefusalPacer(previous);
});

describe('budgets of refused API requests', () => {
  it('an unknown key is refused 401 up to its budget, then 429 — and stays refused even once it becomes valid, so the key is not looked up', async () => {
    const address = freshAddress();
    const key = unknownKey();
    for (let i = 0; i < PER_KEY; i++) {
      const res = await callEndpoint(listOrders, { key, headers: from(address) });
      expect(res.status, `refusal ${i + 1}`).toBe(401);
    }
    expectRefusalLimited(await callEndpoint(listOrders, { key, headers: from(address) }), 'refused_key', PER_KEY);

    // The key now exists: a request that looked it up would be served.
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    await withClient(ops(), (db) =>
      db.query(`INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scope, created_by) VALUES ($1, 'late', $2, $3, 'read', $4)`, [
        acme.id,
        key.slice(0, 14),
        hashApiKey(key),
        acme.userId,
      ]),
    );
    expectRefusalLimited(await callEndpoint(listOrders, { key, headers: from(freshAddress()) }), 'refused_key', PER_KEY);
  });

  it('a read-only key at a write endpoint: 403 up to its budget, then 429 for every call of that key, reads too', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const key = await createKey(acme, 'read');
    const order = { customerId: acme.customerIds[0], lines: [{ productId: acme.productIds[0], quantity: 1 }] };
    for (let i = 0; i < PER_KEY; i++) {
      const res = await callEndpoint(placeOrder, { key, body: order, headers: from(freshAddress()) });
      expect(res.status, `refusal ${i + 1}`).toBe(403);
    }
    expectRefusalLimited(await callEndpoint(placeOrder, { key, body: order, headers: from(freshAddress()) }), 'refused_key', PER_KEY);
    expectRefusalLimited(await callEndpoint(listOrders, { key, headers: from(freshAddress()) }), 'refused_key', PER_KEY);
    // Another key of the same tenant is not touched.
    const other = await createKey(acme, 'read', 'other');
    expect((await callEndpoint(listOrders, { key: other, headers: from(freshAddress()) })).status).toBe(200);
  });

  it('rotating keys from one address spends the address budget; then that address is refused even with a valid key, and others are served', async () => {
    const address = freshAddress();
    for (let i = 0; i < PER_ADDRESS; i++) {
      const res = await callEndpoint(listOrders, { key: unknownKey(), headers: from(address) });
      expect(res.status, `refusal ${i + 1}`).toBe(401);
    }
    const refused = await callEndpoint(listOrders, { key: unknownKey(), headers: from(address) });
    expectRefusalLimited(refused, 'refused_address', PER_ADDRESS);
    expect(refused.json.detail).toMatch(/your address/);

    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const valid = await createKey(acme, 'read');
    expectRefusalLimited(await callEndpoint(listOrders, { key: valid, headers: from(address) }), 'refused_address', PER_ADDRESS);
    expect((await callEndpoint(listOrders, { key: valid, headers: from(freshAddress()) })).status).toBe(200);
  });

  it('requests with no key at all count against the address', async () => {
    const address = freshAddress();
    for (let i = 0; i < PER_ADDRESS; i++) expect((await callEndpoint(listOrders, { headers: from(address) })).status).toBe(401);
    expectRefusalLimited(await callEndpoint(listOrders, { headers: from(address) }), 'refused_address', PER_ADDRESS);
  });

  it('a demo key works in production only with BULKHEAD_DEMO=1 (refused without a lookup otherwise); in tests as before', async () => {
    const demo = DEMO_API_KEYS[0].key;
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    await withClient(ops(), (db) =>
      db.query(`INSERT INTO api_keys (tenant_id, name, prefix, key_hash, scope, created_by) VALUES ($1, 'demo', $2, $3, 'read', $4)`, [
        acme.id,
        demo.slice(0, 14),
        hashApiKey(demo),
        acme.userId,
      ]),
    );
    const env = process.env as Record<string, string | undefined>;
    const [nodeEnv, demoFlag] = [env.NODE_ENV, env.BULKHEAD_DEMO];
    try {
      expect((await callEndpoint(listOrders, { key: demo, headers: from(freshAddress()) })).status).toBe(200);
      env.NODE_ENV = 'production';
      delete env.BULKHEAD_DEMO;
      const refused = await callEndpoint(listOrders, { key: demo, headers: from(freshAddress()) });
      expect(refused.status, refused.text).toBe(401);
      expect(refused.json.detail).toMatch(/Demo API keys work only on a demo deployment/);
      env.BULKHEAD_DEMO = '1';
      expect((await callEndpoint(listOrders, { key: demo, headers: from(freshAddress()) })).status).toBe(200);
    } finally {
      env.NODE_ENV = nodeEnv;
      if (demoFlag === undefined) delete env.BULKHEAD_DEMO;
      else env.BULKHEAD_DEMO = demoFlag;
    }
  });

  it('a caller that is never refused is never counted: many good requests from one address stay 200', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const key = await createKey(acme, 'read');
    const address = freshAddress();
    for (let i = 0; i < PER_KEY + 5; i++) expect((await callEndpoint(listOrders, { key, headers: from(address) })).status).toBe(200);
    const counted = await withClient(
      ops(),
      async (db) => (await db.query('SELECT count(*)::int AS n FROM rate_limits WHERE key LIKE $1', [`api_refused_%${address}`])).rows[0].n,
    );
    expect(counted).toBe(0);
  });
});

describe('pacing of refused callers', () => {
  // A pacer whose sleeps the test ends, as in lib/api/limits.test.ts.
  const naps: Array<{ ms: number; wake: () => void }> = [];
  let slept = 0;
  let budgets: RefusalPacer;
  beforeAll(() => {
    budgets = replaceRefusalPacer(
      createRefusalPacer({
        holdMs: 1_000,
        random: () => 0,
        now: () => Date.now() + slept,
        sleep: (ms) => new Promise<void>((resolve) => naps.push({ ms, wake: () => ((slept += ms), resolve()) })),
      }),
    );
  });
  afterAll(() => {
    replaceRefusalPacer(budgets);
  });

  it('a caller over its budget is held before its 429, like a key over its rate limit', async () => {
    const address = freshAddress();
    for (let i = 0; i < PER_ADDRESS; i++) await callEndpoint(listOrders, { key: unknownKey(), headers: from(address) });
    expectRefusalLimited(await callEndpoint(listOrders, { key: unknownKey(), headers: from(address) }), 'refused_address', PER_ADDRESS);

    const next = callEndpoint(listOrders, { key: unknownKey(), headers: from(address) });
    for (let waited = 0; naps.length < 1 && waited < 10_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(naps).toHaveLength(1);
    expect(naps[0]!.ms).toBeGreaterThan(0);
    expect(naps[0]!.ms).toBeLessThanOrEqual(1_000);
    naps.shift()!.wake();
    expectRefusalLimited(await next, 'refused_address', PER_ADDRESS);
  });
});
