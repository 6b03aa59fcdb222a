import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import * as orders from '@/app/api/v1/orders/route';
import { PLANS } from '@/lib/billing/plans';
import { call, createKey } from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

import { createRateLimiter, rateLimiter } from '.';

// The rate limiter's Redis store, against the machine's Redis (REDIS_URL, set by
// scripts/test-services.sh). Counters are keyed by tenant id, so two tenants never share one.

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) throw new Error('REDIS_URL is not set: run these tests through `npm run test:services`.');
const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
afterAll(() => redis.quit());

describe('the Redis store', () => {
  it('refuses a tenant over its limit while another tenant goes on, with counters in Redis', async () => {
    const limiter = createRateLimiter({ kind: 'redis', client: redis });
    const a = randomUUID();
    const b = randomUUID();
    const limit = PLANS.free.tenantRequestsPerMinute;
    for (let i = 0; i < limit; i++) expect((await limiter.consume({ tenantId: a, limits: PLANS.free })).allowed).toBe(true);
    const refused = await limiter.consume({ tenantId: a, limits: PLANS.free });
    expect(refused).toMatchObject({ allowed: false, state: { scope: 'tenant', limit, remaining: 0 } });
    expect((await limiter.consume({ tenantId: b, limits: PLANS.free })).allowed).toBe(true);
    expect(Number(await redis.get(`api_tenant:tenant:${a}`))).toBeGreaterThanOrEqual(limit);
    expect(Number(await redis.get(`api_tenant:tenant:${b}`))).toBe(1);
  });

  it('falls back to the in-memory limiter when Redis is unreachable, still refusing over the limit', async () => {
    const dead = new Redis('redis://127.0.0.1:1', {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      lazyConnect: true,
      retryStrategy: () => null,
    });
    const limiter = createRateLimiter({ kind: 'redis', client: dead });
    const tenantId = randomUUID();
    const decisions = [];
    for (let i = 0; i <= PLANS.free.tenantRequestsPerMinute; i++) decisions.push(await limiter.consume({ tenantId, limits: PLANS.free }));
    expect(decisions.slice(0, -1).every((d) => d.allowed)).toBe(true);
    expect(decisions.at(-1)!.allowed).toBe(false);
    dead.disconnect();
  });
});

describe('the API with REDIS_URL set', () => {
  const database = setupTestDatabase();
  pointAppAt(database);
  let acme: SeededTenant;

  beforeAll(async () => {
    acme = await seedTenant(database.current.urls.ops, `redis-${randomUUID().slice(0, 8)}`);
  });

  it('counts API requests in Redis, not in PostgreSQL', async () => {
    const key = await createKey(acme);
    expect(rateLimiter().store).toBe('redis');
    const res = await call(orders, 'GET', '/api/v1/orders', { key });
    expect(res.status).toBe(200);
    expect(Number(await redis.get(`api_tenant:tenant:${acme.id}`))).toBe(1);
    const rows = await withClient(
      database.current.urls.ops,
      async (db) => (await db.query('SELECT count(*)::int AS n FROM rate_limits')).rows[0].n,
    );
    expect(rows).toBe(0);
  });
});
