import { beforeAll, describe, expect, it } from 'vitest';

import * as customers from '@/app/api/v1/customers/route';
import * as order from '@/app/api/v1/orders/[id]/route';
import * as orders from '@/app/api/v1/orders/route';
import { call, createKey } from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, type SeededTenant } from '@/test/fixtures';

const database = setupTestDatabase();
pointAppAt(database);
let acme: SeededTenant;
let globex: SeededTenant;
let acmeKey: string;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
  globex = await seedTenant(database.current.urls.ops, 'globex');
  acmeKey = await createKey(acme);
});

describe('the API wrapper', () => {
  it('answers a request without a key with a problem+json 401', async () => {
    const res = await call(orders, 'GET', '/api/v1/orders');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    expect(res.json.detail).toMatch(/Missing API key/);
  });

  it('lists the key’s own tenant’s orders, with rate-limit headers', async () => {
    const res = await call(orders, 'GET', '/api/v1/orders', { key: acmeKey });
    expect(res.status).toBe(200);
    expect(res.json.data!.map((o) => o.id).sort()).toEqual([...acme.orderIds].sort());
    expect(Number(res.headers.get('ratelimit-remaining'))).toBeGreaterThan(0);
  });

  it('answers another tenant’s order id with the same 404 as a missing one, and its own with 200', async () => {
    const own = await call(order, 'GET', `/api/v1/orders/${acme.orderIds[0]}`, { key: acmeKey, params: { id: acme.orderIds[0]! } });
    expect(own.status).toBe(200);
    const foreign = await call(order, 'GET', `/api/v1/orders/${globex.orderIds[0]}`, { key: acmeKey, params: { id: globex.orderIds[0]! } });
    expect(foreign.status).toBe(404);
    expect(foreign.text).not.toContain(globex.canary);
  });

  it('names each invalid and unknown field of a body', async () => {
    const res = await call(customers, 'POST', '/api/v1/customers', { key: acmeKey, body: { name: '', email: 'nope', colour: 'red' } });
    expect(res.status).toBe(422);
    expect(Object.keys(res.json.errors as object).sort()).toEqual(['colour', 'email', 'name']);
  });

  it('replays the first response for a repeated Idempotency-Key without a second write', async () => {
    const body = { name: 'Idem Potent', email: 'idem@acme.test' };
    const headers = { 'idempotency-key': 'create-idem-1' };
    const first = await call(customers, 'POST', '/api/v1/customers', { key: acmeKey, body, headers });
    const second = await call(customers, 'POST', '/api/v1/customers', { key: acmeKey, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json.id).toBe(first.json.id);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    const different = await call(customers, 'POST', '/api/v1/customers', { key: acmeKey, body: { ...body, name: 'Other' }, headers });
    expect(different.status).toBe(422);
  });
});
