import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PLANS } from '@/lib/billing/plans';
import { replaceRefusalPacer } from '@/lib/rate-limit';
import { createRefusalPacer, type RefusalPacer } from '@/lib/rate-limit/pacing';
import { callEndpoint, createKey, endpointNamed, rowCounts, setPlan, uniqueSlug, type ApiResponse } from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

// What a plan allows through the API: requests per minute per tenant and per key (one tenant's
// flood must not cost another tenant anything), and orders per calendar month. The limiter is a
// process-wide singleton whose counters live in this file's database (table rate_limits) for a
// minute, so every test here uses tenants and keys of its own.

const database = setupTestDatabase();
pointAppAt(database);
const ops = () => database.current.urls.ops;

const listOrders = endpointNamed('GET /orders');
const placeOrder = endpointNamed('POST /orders');
const FREE = PLANS.free;

beforeAll(() => {
  // The test below spends a free tenant's whole budget with two keys; it only holds while a key's
  // limit is below the tenant's and two keys can reach it.
  expect(FREE.keyRequestsPerMinute).toBeLessThan(FREE.tenantRequestsPerMinute);
  expect(FREE.keyRequestsPerMinute * 2).toBeGreaterThanOrEqual(FREE.tenantRequestsPerMinute);
  expect(FREE.apiKeys).toBeGreaterThanOrEqual(2);
});

function expectRateLimited(res: ApiResponse, scope: 'tenant' | 'key', limit: number) {
  expect(res.status, res.text).toBe(429);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json.type).toBe('https://bulkhead.dev/problems/rate_limited');
  expect(res.headers.get('ratelimit-policy')).toBe(`${limit};w=60;scope="${scope}"`);
  expect(res.headers.get('ratelimit-remaining')).toBe('0');
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
}

/** `n` requests with `key`, all of which must be let through. */
async function spend(key: string, n: number) {
  for (let i = 0; i < n; i++) {
    const res = await callEndpoint(listOrders, { key });
    expect(res.status, `request ${i + 1} of ${n}: ${res.text}`).toBe(200);
  }
}

describe('rate limits', () => {
  it('a tenant that spent its budget gets 429 (scope "tenant"), while another tenant is still served', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const globex = await seedTenant(ops(), uniqueSlug('globex'), 1);
    const [first, second] = [await createKey(acme, 'read', 'first'), await createKey(acme, 'read', 'second')];
    const globexKey = await createKey(globex, 'read');

    // Two keys, each under its own limit, together use up the tenant's.
    await spend(first, FREE.keyRequestsPerMinute);
    await spend(second, FREE.tenantRequestsPerMinute - FREE.keyRequestsPerMinute);

    expectRateLimited(await callEndpoint(listOrders, { key: second }), 'tenant', FREE.tenantRequestsPerMinute);
    const globexAnswer = await callEndpoint(listOrders, { key: globexKey });
    expect(globexAnswer.status).toBe(200);
    expect(Number(globexAnswer.headers.get('ratelimit-remaining'))).toBe(FREE.keyRequestsPerMinute - 1);
  });

  it('a key over its own limit gets 429 (scope "key"); another key of the same tenant is still served', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const [busy, quiet] = [await createKey(acme, 'read', 'busy'), await createKey(acme, 'read', 'quiet')];

    await spend(busy, FREE.keyRequestsPerMinute);
    const refused = await callEndpoint(listOrders, { key: busy });
    expectRateLimited(refused, 'key', FREE.keyRequestsPerMinute);
    expect(refused.json.detail).toMatch(/this API key/);

    const served = await callEndpoint(listOrders, { key: quiet });
    expect(served.status).toBe(200);
    // The refused request did not spend the tenant's budget: only the served ones did.
    const tenantCount = await withClient(
      ops(),
      async (db) =>
        (await db.query<{ points: number }>('SELECT points FROM rate_limits WHERE key = $1', [`api_tenant:tenant:${acme.id}`])).rows[0]
          ?.points,
    );
    expect(tenantCount).toBe(FREE.keyRequestsPerMinute + 1);
  });

  it('a refused request does nothing: a 429 on a write leaves every table as it was', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const key = await createKey(acme, 'read_write');
    await spend(key, FREE.keyRequestsPerMinute);
    const before = await rowCounts(ops(), acme.id);
    const res = await callEndpoint(placeOrder, {
      key,
      body: { customerId: acme.customerIds[0], lines: [{ productId: acme.productIds[0], quantity: 1 }] },
    });
    expectRateLimited(res, 'key', FREE.keyRequestsPerMinute);
    expect(await rowCounts(ops(), acme.id)).toEqual(before);
  });

  it('a higher plan takes effect on the next request', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const key = await createKey(acme, 'read');
    await spend(key, FREE.keyRequestsPerMinute);
    expectRateLimited(await callEndpoint(listOrders, { key }), 'key', FREE.keyRequestsPerMinute);

    await setPlan(ops(), acme.id, 'pro');
    const res = await callEndpoint(listOrders, { key });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get('ratelimit-limit')).toBe(String(PLANS.pro.keyRequestsPerMinute));
  });
});

describe('pacing of refused keys', () => {
  // The app's pacer, with a sleep the test ends and a clock that a nap moves on by its length:
  // what waits, and for how long, without timing anything.
  const naps: Array<{ ms: number; wake: () => void }> = [];
  let slept = 0;
  let previous: RefusalPacer;
  beforeAll(() => {
    previous = replaceRefusalPacer(
      createRefusalPacer({
        holdMs: 1_000,
        random: () => 0,
        now: () => Date.now() + slept,
        sleep: (ms) => new Promise<void>((resolve) => naps.push({ ms, wake: () => ((slept += ms), resolve()) })),
      }),
    );
  });
  afterAll(() => {
    replaceRefusalPacer(previous);
  });
  /** Waits until `n` requests are held (a request reaches the pacer after a few awaits). */
  async function heldRequests(n: number) {
    for (let waited = 0; naps.length < n && waited < 10_000; waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
    return naps.length;
  }

  it('a refused key waits out the hold and is then looked at afresh (a revocation in the meantime is seen)', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const key = await createKey(acme, 'read');
    await spend(key, FREE.keyRequestsPerMinute);
    expectRateLimited(await callEndpoint(listOrders, { key }), 'key', FREE.keyRequestsPerMinute);

    const next = callEndpoint(listOrders, { key });
    expect(await heldRequests(1)).toBe(1);
    expect(naps[0]!.ms).toBeGreaterThan(0);
    expect(naps[0]!.ms).toBeLessThanOrEqual(1_000);
    await withClient(ops(), (db) => db.query('UPDATE api_keys SET revoked_at = now() WHERE tenant_id = $1', [acme.id]));
    naps.shift()!.wake();
    const answer = await next;
    expect(answer.status, answer.text).toBe(401);
  });

  it('holds only the refused key: another key of the same tenant is served while it waits', async () => {
    const acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    const [busy, quiet] = [await createKey(acme, 'read', 'busy'), await createKey(acme, 'read', 'quiet')];
    await spend(busy, FREE.keyRequestsPerMinute);
    expectRateLimited(await callEndpoint(listOrders, { key: busy }), 'key', FREE.keyRequestsPerMinute);

    const held = callEndpoint(listOrders, { key: busy });
    expect(await heldRequests(1)).toBe(1);
    const served = await callEndpoint(listOrders, { key: quiet });
    expect(served.status).toBe(200);
    expect(naps).toHaveLength(1); // the busy key's request is still waiting
    naps.shift()!.wake();
    expectRateLimited(await held, 'key', FREE.keyRequestsPerMinute);
  });
});

describe('orders per month', () => {
  let acme: SeededTenant;
  let key: string;
  const body = () => ({ customerId: acme.customerIds[0], lines: [{ productId: acme.productIds[0], quantity: 1 }] });
  const ordersOf = (tenantId: string) =>
    withClient(
      ops(),
      async (db) => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE tenant_id = $1', [tenantId])).rows[0]!.n,
    );

  beforeAll(async () => {
    acme = await seedTenant(ops(), uniqueSlug('acme'), 1);
    key = await createKey(acme);
    // Fill the free plan's month to one short of its quota (the seed placed one order already).
    await withClient(ops(), (db) =>
      db.query(
        `INSERT INTO orders (tenant_id, number, customer_id, currency, subtotal, total)
         SELECT $1, 2000 + g, $2, 'USD', 0, 0 FROM generate_series(1, $3::int - 2) g`,
        [acme.id, acme.customerIds[0], FREE.ordersPerMonth],
      ),
    );
    expect(await ordersOf(acme.id)).toBe(FREE.ordersPerMonth! - 1);
  });

  it('the last order of the month is placed once even when requested concurrently; the next is a quota_exceeded 403', async () => {
    const results = await Promise.all(Array.from({ length: 3 }, () => callEndpoint(placeOrder, { key, body: body() })));
    expect(results.map((r) => r.status).sort()).toEqual([201, 403, 403]);
    expect(await ordersOf(acme.id)).toBe(FREE.ordersPerMonth);

    const before = await rowCounts(ops(), acme.id);
    const refused = await callEndpoint(placeOrder, { key, body: body() });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect(refused.json.type).toBe('https://bulkhead.dev/problems/quota_exceeded');
    expect(refused.json.detail).toMatch(/Free plan allows 1,000 orders this month/);
    expect(await rowCounts(ops(), acme.id)).toEqual(before);
  });

  it('orders placed before this month do not count', async () => {
    await withClient(ops(), (db) =>
      db.query(`UPDATE orders SET placed_at = date_trunc('month', now()) - interval '1 day' WHERE tenant_id = $1 AND number = 2001`, [
        acme.id,
      ]),
    );
    expect((await callEndpoint(placeOrder, { key, body: body() })).status).toBe(201);
    expect((await callEndpoint(placeOrder, { key, body: body() })).status).toBe(403);
  });

  it('a plan with a higher quota lets the next order through at once', async () => {
    await setPlan(ops(), acme.id, 'pro');
    const res = await callEndpoint(placeOrder, { key, body: body() });
    expect(res.status, res.text).toBe(201);
  });
});
