import { randomBytes, randomUUID } from 'node:crypto';

import { beforeAll, describe, expect, it } from 'vitest';

import { hashApiKey } from '@/lib/api-keys/service';
import {
  addMember,
  callEndpoint,
  createKey,
  endpointNamed,
  ENDPOINTS,
  rowCounts,
  rowOf,
  setPlan,
  uniqueSlug,
  type ApiResponse,
  type Endpoint,
  type RecordKind,
} from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

// Every /api/v1 endpoint against a real database: who may call it, what it refuses, that another
// tenant's ids are the same 404 as missing ones (each beside a positive control with an own id),
// optimistic concurrency and Idempotency-Key. Rate limits and quotas are in limits.test.ts.

const database = setupTestDatabase();
pointAppAt(database);
const ops = () => database.current.urls.ops;

let acme: SeededTenant;
let globex: SeededTenant;
let acmeKey: string;
let acmeReadKey: string;
let globexKey: string;

beforeAll(async () => {
  acme = await seedTenant(ops(), uniqueSlug('acme'));
  globex = await seedTenant(ops(), uniqueSlug('globex'));
  // Enterprise limits, so the per-minute budget of a free key never decides a test here.
  await setPlan(ops(), acme.id, 'enterprise');
  await setPlan(ops(), globex.id, 'enterprise');
  acmeKey = await createKey(acme);
  acmeReadKey = await createKey(acme, 'read');
  globexKey = await createKey(globex);
});

const WRITES = ENDPOINTS.filter((e) => e.method !== 'GET');
const READS = ENDPOINTS.filter((e) => e.method === 'GET');
const WITH_ID = ENDPOINTS.filter((e) => e.takes);
const tenantsKey = (t: SeededTenant) => (t === acme ? acmeKey : globexKey);
const unique = () => randomBytes(4).toString('hex');

function expectProblem(res: ApiResponse, status: number) {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json.status).toBe(status);
}

/** A body the endpoint accepts, for `tenant`'s records. */
function validBody(e: Endpoint, t: SeededTenant): unknown {
  switch (e.body) {
    case 'orderCreate':
      return { customerId: t.customerIds[0], lines: [{ productId: t.productIds[0], quantity: 2 }] };
    case 'orderUpdate':
      return { version: 1, notes: 'Leave it at the door' };
    case 'orderPay':
      return { method: 'card' };
    case 'orderRefund':
      return { amount: 100, reason: 'Damaged in transit' };
    case 'customerCreate':
      return { name: 'New Customer', email: `new-${unique()}@example.test` };
    case 'customerUpdate':
    case 'productUpdate':
      return { version: 1, name: 'Renamed' };
    case 'productCreate':
      return { sku: `SKU-${unique()}`, name: 'New product', unitPrice: 1250 };
    case undefined:
      return undefined;
  }
}

async function newOrder(t: SeededTenant, status: 'pending' | 'paid' = 'pending'): Promise<string> {
  const created = await callEndpoint(endpointNamed('POST /orders'), {
    key: tenantsKey(t),
    body: validBody(endpointNamed('POST /orders'), t),
  });
  expect(created.status, created.text).toBe(201);
  const id = created.json.id as string;
  if (status === 'paid')
    expect((await callEndpoint(endpointNamed('POST /orders/{id}/pay'), { key: tenantsKey(t), id, body: {} })).status).toBe(200);
  return id;
}

async function newRecord(kind: RecordKind, t: SeededTenant): Promise<string> {
  if (kind === 'order') return newOrder(t);
  const create = endpointNamed(kind === 'customer' ? 'POST /customers' : 'POST /products');
  const created = await callEndpoint(create, { key: tenantsKey(t), body: validBody(create, t) });
  expect(created.status, created.text).toBe(201);
  return created.json.id as string;
}

/** A record of `t` in the state `e` can act on: a paid order to refund, a fresh one otherwise. */
async function targetOf(e: Endpoint, t: SeededTenant): Promise<string> {
  if (!e.takes) return '';
  return e.path.endsWith('/refund') ? newOrder(t, 'paid') : newRecord(e.takes, t);
}

/** The query of a valid call to a list or report endpoint. */
const validQuery = (e: Endpoint) => (e.query === 'revenue' ? { from: '2026-01-01', to: '2026-12-31' } : undefined);

const TABLE: Record<RecordKind, 'orders' | 'customers' | 'products'> = { order: 'orders', customer: 'customers', product: 'products' };

describe('authentication', () => {
  const randomKey = () => `bk_live_${randomBytes(32).toString('base64url')}`;

  it.each(ENDPOINTS.map((e) => [e.name, e] as const))(
    '%s refuses a missing, malformed, unknown or revoked key with a 401 and writes nothing',
    async (_, e) => {
      const revoked = await createKey(acme, 'read_write', 'soon revoked');
      const id = await targetOf(e, acme);
      const body = validBody(e, acme);
      const query = validQuery(e);
      // Positive control: the same request with the key before it is revoked.
      const before = await callEndpoint(e, { key: revoked, id, body, query });
      expect(before.status, before.text).toBeLessThan(300);
      await withClient(ops(), (db) => db.query('UPDATE api_keys SET revoked_at = now() WHERE key_hash = $1', [hashApiKey(revoked)]));

      const id2 = await targetOf(e, acme);
      const counts = await rowCounts(ops(), acme.id);
      const attempts: [string, Record<string, string>][] = [
        ['Missing API key', {}],
        ['Malformed Authorization header', { authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` }],
        ['Malformed Authorization header', { authorization: 'Bearer' }],
        ['Malformed Authorization header', { authorization: `Bearer ${acmeKey} extra` }],
        ['not valid or has been revoked', { authorization: `Bearer ${randomKey()}` }],
        ['not valid or has been revoked', { authorization: 'Bearer not-a-key-at-all' }],
        ['not valid or has been revoked', { authorization: `Bearer ${revoked}` }],
      ];
      for (const [detail, headers] of attempts) {
        const res = await callEndpoint(e, { id: id2, body: validBody(e, acme), query, headers });
        expectProblem(res, 401);
        expect(res.json.detail).toContain(detail);
      }
      expect(await rowCounts(ops(), acme.id)).toEqual(counts);
    },
  );
});

describe('authorization: scope ∩ the creator’s current role', () => {
  it.each(WRITES.map((e) => [e.name, e] as const))('a read-only key gets 403 on %s, where a read-write key succeeds', async (_, e) => {
    const id = await targetOf(e, acme);
    const before = await rowCounts(ops(), acme.id);
    const refused = await callEndpoint(e, { key: acmeReadKey, id, body: validBody(e, acme) });
    expectProblem(refused, 403);
    expect(refused.json.detail).toMatch(/read-only/);
    expect(await rowCounts(ops(), acme.id)).toEqual(before);

    const allowed = await callEndpoint(e, { key: acmeKey, id, body: validBody(e, acme) });
    expect(allowed.status, allowed.text).toBeLessThan(300);
  });

  it.each(READS.map((e) => [e.name, e] as const))('a read-only key may call %s', async (_, e) => {
    const res = await callEndpoint(e, { key: acmeReadKey, id: e.takes ? await newRecord(e.takes, acme) : undefined, query: validQuery(e) });
    expect(res.status, res.text).toBe(200);
  });

  it('a key stops working (401) on every endpoint once its creator has left the workspace', async () => {
    const admin = await addMember(ops(), acme, 'admin');
    const key = await createKey(acme, 'read_write', 'made by a leaver', admin);
    expect((await callEndpoint(endpointNamed('GET /orders'), { key })).status).toBe(200);
    await withClient(ops(), (db) => db.query('DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2', [acme.id, admin.userId]));

    const before = await rowCounts(ops(), acme.id);
    for (const e of ENDPOINTS) {
      const res = await callEndpoint(e, { key, id: e.takes ? randomUUID() : undefined, body: validBody(e, acme), query: validQuery(e) });
      expectProblem(res, 401);
      expect(res.json.detail).toMatch(/left the workspace/);
    }
    expect(await rowCounts(ops(), acme.id)).toEqual(before);
  });

  it('a key whose creator was demoted to viewer can still read but cannot write (403)', async () => {
    const admin = await addMember(ops(), acme, 'admin');
    const key = await createKey(acme, 'read_write', 'made by a demoted admin', admin);
    await withClient(ops(), (db) =>
      db.query(`UPDATE memberships SET role = 'viewer' WHERE tenant_id = $1 AND user_id = $2`, [acme.id, admin.userId]),
    );

    for (const e of WRITES) {
      const id = await targetOf(e, acme);
      const before = await rowCounts(ops(), acme.id);
      const res = await callEndpoint(e, { key, id, body: validBody(e, acme) });
      expectProblem(res, 403);
      expect(await rowCounts(ops(), acme.id), e.name).toEqual(before);
    }
    for (const e of READS) {
      const res = await callEndpoint(e, { key, id: e.takes ? await newRecord(e.takes, acme) : undefined, query: validQuery(e) });
      // Revenue figures are for owners and admins only; a viewer's key cannot see them either.
      expect(res.status, `${e.name}: ${res.text}`).toBe(e.permission === 'revenue.view' ? 403 : 200);
    }
  });

  it('a key whose creator was demoted to member cannot refund or change the catalogue, but can still take orders', async () => {
    const admin = await addMember(ops(), acme, 'admin');
    const key = await createKey(acme, 'read_write', 'made by an admin now member', admin);
    await withClient(ops(), (db) =>
      db.query(`UPDATE memberships SET role = 'member' WHERE tenant_id = $1 AND user_id = $2`, [acme.id, admin.userId]),
    );

    const refund = endpointNamed('POST /orders/{id}/refund');
    expectProblem(await callEndpoint(refund, { key, id: await targetOf(refund, acme), body: validBody(refund, acme) }), 403);
    const product = endpointNamed('POST /products');
    expectProblem(await callEndpoint(product, { key, body: validBody(product, acme) }), 403);
    const order = endpointNamed('POST /orders');
    expect((await callEndpoint(order, { key, body: validBody(order, acme) })).status).toBe(201);
  });
});

describe('validation', () => {
  // Each body breaks every field it names, and adds one the schema does not know.
  const BROKEN: Record<NonNullable<Endpoint['body']>, { body: unknown; fields: string[] }> = {
    orderCreate: {
      body: { customerId: 'nope', notes: 5, lines: [{ productId: 'x', quantity: 0, colour: 'red' }], colour: 'red' },
      fields: ['colour', 'customerId', 'lines.0.colour', 'lines.0.productId', 'lines.0.quantity', 'notes'],
    },
    orderUpdate: {
      body: { version: 'one', customerId: 5, lines: [], colour: 'red' },
      fields: ['colour', 'customerId', 'lines', 'version'],
    },
    orderPay: { body: { method: 'cash', colour: 'red' }, fields: ['colour', 'method'] },
    orderRefund: { body: { amount: 0, reason: 7, colour: 'red' }, fields: ['amount', 'colour', 'reason'] },
    customerCreate: { body: { name: '', email: 'nope', phone: 5, colour: 'red' }, fields: ['colour', 'email', 'name', 'phone'] },
    customerUpdate: { body: { version: 0, email: 'x', colour: 'red' }, fields: ['colour', 'email', 'version'] },
    productCreate: { body: { sku: 'has space', name: '', unitPrice: 12.5, colour: 'red' }, fields: ['colour', 'name', 'sku', 'unitPrice'] },
    productUpdate: {
      body: { version: -1, unitPrice: -5, description: ['x'], colour: 'red' },
      fields: ['colour', 'description', 'unitPrice', 'version'],
    },
  };

  it.each(WRITES.filter((e) => e.body).map((e) => [e.name, e] as const))(
    '%s answers 422 naming every invalid and unknown field, and writes nothing',
    async (_, e) => {
      const id = await targetOf(e, acme);
      const before = await rowCounts(ops(), acme.id);
      const { body, fields } = BROKEN[e.body!];
      const res = await callEndpoint(e, { key: acmeKey, id, body });
      expectProblem(res, 422);
      expect(Object.keys(res.json.errors as object).sort()).toEqual(fields);
      expect(await rowCounts(ops(), acme.id)).toEqual(before);
    },
  );

  it('cancel takes an empty body or {}: any field is a 422 naming it, and the order stays as it was', async () => {
    const e = endpointNamed('POST /orders/{id}/cancel');
    const id = await newOrder(acme);
    const res = await callEndpoint(e, { key: acmeKey, id, body: { reason: 'changed my mind' } });
    expectProblem(res, 422);
    expect(Object.keys(res.json.errors as object)).toEqual(['reason']);
    expect((await rowOf(ops(), 'orders', id))!.status).toBe('pending');
    const empty = await callEndpoint(e, { key: acmeKey, id, body: {} });
    expect(empty.status).toBe(200);
    expect((await rowOf(ops(), 'orders', id))!.status).toBe('cancelled');
  });

  const BROKEN_QUERIES: Record<NonNullable<Endpoint['query']>, { query: Record<string, string>; fields: string[] }> = {
    orderList: {
      query: { status: 'lost', from: '2026-13-01', customerId: 'x', sort: 'random', colour: 'red' },
      fields: ['colour', 'customerId', 'from', 'sort', 'status'],
    },
    catalogueList: { query: { archived: 'yes', cursor: 'x', colour: 'red' }, fields: ['archived', 'colour', 'cursor'] },
    revenue: { query: { from: '2026-02-30', granularity: 'year', colour: 'red' }, fields: ['colour', 'from', 'granularity', 'to'] },
  };

  it.each(READS.filter((e) => e.query).map((e) => [e.name, e] as const))(
    '%s answers 422 naming every invalid and unknown query parameter',
    async (_, e) => {
      const { query, fields } = BROKEN_QUERIES[e.query!];
      const res = await callEndpoint(e, { key: acmeKey, query });
      expectProblem(res, 422);
      expect(Object.keys(res.json.errors as object).sort()).toEqual(fields);
    },
  );

  it('refuses malformed JSON (400), a body that is not JSON (415) and one over 64 KB (413)', async () => {
    const e = endpointNamed('POST /customers');
    const before = await rowCounts(ops(), acme.id);
    expectProblem(await callEndpoint(e, { key: acmeKey, rawBody: '{"name": "A", ', headers: { 'content-type': 'application/json' } }), 400);
    expectProblem(
      await callEndpoint(e, {
        key: acmeKey,
        rawBody: 'name=A&email=a@b.test',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      415,
    );
    expectProblem(await callEndpoint(e, { key: acmeKey, body: { name: 'A', email: 'big@acme.test', notes: 'x'.repeat(70 * 1024) } }), 413);
    expect(await rowCounts(ops(), acme.id)).toEqual(before);
  });

  it('answers 422, not 500, for text PostgreSQL cannot store (NUL, unpaired surrogates), naming the field', async () => {
    const before = await rowCounts(ops(), acme.id);
    const nul = await callEndpoint(endpointNamed('POST /customers'), {
      key: acmeKey,
      body: { name: 'Nul\u0000Byte', email: 'nul@acme.test' },
    });
    expectProblem(nul, 422);
    expect(Object.keys(nul.json.errors as object)).toEqual(['name']);
    const surrogate = await callEndpoint(endpointNamed('POST /products'), {
      key: acmeKey,
      body: { sku: 'SUR-1', name: 'Half \ud83d', unitPrice: 1 },
    });
    expectProblem(surrogate, 422);
    expect(Object.keys(surrogate.json.errors as object)).toEqual(['name']);
    const search = await callEndpoint(endpointNamed('GET /orders'), { key: acmeKey, query: { search: 'a\u0000b' } });
    expectProblem(search, 422);
    expect(Object.keys(search.json.errors as object)).toEqual(['search']);
    expect(await rowCounts(ops(), acme.id)).toEqual(before);
  });

  it('names unknown fields called __proto__, constructor or toString like any other (422, not 500)', async () => {
    const rawBody = '{"__proto__": {"admin": true}, "constructor": 1, "toString": "x", "name": "Proto", "email": "proto@acme.test"}';
    const body = await callEndpoint(endpointNamed('POST /customers'), {
      key: acmeKey,
      rawBody,
      headers: { 'content-type': 'application/json' },
    });
    expectProblem(body, 422);
    expect(Object.keys(body.json.errors as object).sort()).toEqual(['__proto__', 'constructor', 'toString']);

    const query = await callEndpoint(endpointNamed('GET /customers'), { key: acmeKey, query: { ['__proto__']: 'x', constructor: 'y' } });
    expectProblem(query, 422);
    expect(Object.keys(query.json.errors as object).sort()).toEqual(['__proto__', 'constructor']);
  });

  it('answers 422, not 500, for a version beyond the database’s integer range', async () => {
    const res = await callEndpoint(endpointNamed('PATCH /customers/{id}'), {
      key: acmeKey,
      id: acme.customerIds[0],
      body: { version: 2 ** 31, name: 'Overflow' },
    });
    expectProblem(res, 422);
    expect(Object.keys(res.json.errors as object)).toEqual(['version']);
  });

  it('answers 422, not 500, for days that match YYYY-MM-DD but are not on the calendar', async () => {
    for (const from of ['2026-02-30', '2026-04-31', '0000-01-01']) {
      const res = await callEndpoint(endpointNamed('GET /reports/revenue'), { key: acmeKey, query: { from, to: '2026-12-31' } });
      expectProblem(res, 422);
      expect(Object.keys(res.json.errors as object)).toEqual(['from']);
      expectProblem(await callEndpoint(endpointNamed('GET /orders'), { key: acmeKey, query: { from } }), 422);
    }
    expect(
      (await callEndpoint(endpointNamed('GET /reports/revenue'), { key: acmeKey, query: { from: '2028-02-29', to: '2028-03-01' } })).status,
    ).toBe(200);
  });
});

describe('cross-tenant ids', () => {
  it.each(WITH_ID.map((e) => [e.name, e] as const))(
    '%s: an own id succeeds; another tenant’s id is the same 404 as a missing one and changes nothing there',
    async (_, e) => {
      const own = await callEndpoint(e, { key: acmeKey, id: await targetOf(e, acme), body: validBody(e, acme) });
      expect(own.status, own.text).toBe(200);

      const foreignId = await targetOf(e, globex);
      const table = TABLE[e.takes!];
      const rowBefore = await rowOf(ops(), table, foreignId);
      const globexBefore = await rowCounts(ops(), globex.id);

      const foreign = await callEndpoint(e, { key: acmeKey, id: foreignId, body: validBody(e, acme) });
      const missing = await callEndpoint(e, { key: acmeKey, id: randomUUID(), body: validBody(e, acme) });
      expectProblem(foreign, 404);
      expect(foreign.json).toEqual(missing.json);
      expect(foreign.text).not.toContain(globex.canary);

      expect(await rowOf(ops(), table, foreignId)).toEqual(rowBefore);
      expect(await rowCounts(ops(), globex.id)).toEqual(globexBefore);
    },
  );

  it('lists hold exactly the own tenant’s rows; another tenant’s never appear, by filter or by cursor', async () => {
    // A tenant of its own, so the first page is the whole list.
    const initech = await seedTenant(ops(), uniqueSlug('initech'));
    const key = await createKey(initech, 'read');
    for (const [name, ids, foreign] of [
      ['GET /orders', initech.orderIds, globex.orderIds],
      ['GET /customers', initech.customerIds, globex.customerIds],
      ['GET /products', initech.productIds, globex.productIds],
    ] as const) {
      const list = await callEndpoint(endpointNamed(name), { key });
      expect(list.status).toBe(200);
      expect(list.json.data!.map((row) => row.id).sort()).toEqual([...ids].sort());
      expect(list.text).not.toContain(globex.canary);
      const afterForeign = await callEndpoint(endpointNamed(name), { key, query: { cursor: foreign[0]! } });
      expect(afterForeign.json.data).toEqual([]);
      const afterOwn = await callEndpoint(endpointNamed(name), { key, query: { cursor: ids[0]! } });
      expect(afterOwn.status).toBe(200);
    }
    const byForeignCustomer = await callEndpoint(endpointNamed('GET /orders'), { key, query: { customerId: globex.customerIds[0]! } });
    expect(byForeignCustomer.status).toBe(200);
    expect(byForeignCustomer.json.data).toEqual([]);
    const byOwnCustomer = await callEndpoint(endpointNamed('GET /orders'), { key, query: { customerId: initech.customerIds[0]! } });
    expect(byOwnCustomer.json.data!.map((o) => o.id)).toEqual([initech.orderIds[0]]);
  });
});

describe('another tenant’s ids inside a body', () => {
  const create = () => endpointNamed('POST /orders');

  it('an order for another tenant’s customer or product is a 422 naming the field, and nothing is written anywhere', async () => {
    const acmeBefore = await rowCounts(ops(), acme.id);
    const globexBefore = await rowCounts(ops(), globex.id);

    const foreignCustomer = await callEndpoint(create(), {
      key: acmeKey,
      body: { customerId: globex.customerIds[0], lines: [{ productId: acme.productIds[0], quantity: 1 }] },
    });
    expectProblem(foreignCustomer, 422);
    expect(Object.keys(foreignCustomer.json.errors as object)).toEqual(['customerId']);

    const foreignProduct = await callEndpoint(create(), {
      key: acmeKey,
      body: {
        customerId: acme.customerIds[0],
        lines: [
          { productId: acme.productIds[0], quantity: 1 },
          { productId: globex.productIds[0], quantity: 1 },
        ],
      },
    });
    expectProblem(foreignProduct, 422);
    expect(Object.keys(foreignProduct.json.errors as object)).toEqual(['lines.1.productId']);

    expect(await rowCounts(ops(), acme.id)).toEqual(acmeBefore);
    expect(await rowCounts(ops(), globex.id)).toEqual(globexBefore);
    // Positive control: the same order with own ids is placed.
    expect((await callEndpoint(create(), { key: acmeKey, body: validBody(create(), acme) })).status).toBe(201);
  });

  it('moving an order to another tenant’s customer or product is refused and the order is unchanged', async () => {
    const e = endpointNamed('PATCH /orders/{id}');
    const id = await newOrder(acme);
    const before = await rowOf(ops(), 'orders', id);
    const items = await withClient(ops(), (db) => db.query('SELECT product_id FROM order_items WHERE order_id = $1', [id]));

    expectProblem(await callEndpoint(e, { key: acmeKey, id, body: { version: 1, customerId: globex.customerIds[0] } }), 422);
    expectProblem(
      await callEndpoint(e, { key: acmeKey, id, body: { version: 1, lines: [{ productId: globex.productIds[0], quantity: 3 }] } }),
      422,
    );

    expect(await rowOf(ops(), 'orders', id)).toEqual(before);
    expect((await withClient(ops(), (db) => db.query('SELECT product_id FROM order_items WHERE order_id = $1', [id]))).rows).toEqual(
      items.rows,
    );
  });
});

describe('optimistic concurrency', () => {
  it.each([
    ['PATCH /customers/{id}', 'customer', { name: 'First writer' }, { name: 'Second writer' }],
    ['PATCH /products/{id}', 'product', { name: 'First writer' }, { name: 'Second writer' }],
    ['PATCH /orders/{id}', 'order', { notes: 'First writer' }, { notes: 'Second writer' }],
  ] as const)('%s with a stale version is a 409, and the first change stays', async (name, kind, first, second) => {
    const e = endpointNamed(name);
    const id = await newRecord(kind, acme);
    const saved = await callEndpoint(e, { key: acmeKey, id, body: { version: 1, ...first } });
    expect(saved.status, saved.text).toBe(200);
    expect(saved.json.version).toBe(2);

    const stale = await callEndpoint(e, { key: acmeKey, id, body: { version: 1, ...second } });
    expectProblem(stale, 409);
    expect(await rowOf(ops(), TABLE[kind], id)).toMatchObject({ version: 2, ...first });
  });
});

describe('Idempotency-Key', () => {
  const customers = () => endpointNamed('POST /customers');
  const keyRows = (tenantId: string, key: string) =>
    withClient(
      ops(),
      async (db) =>
        (
          await db.query<{ n: number }>('SELECT count(*)::int AS n FROM idempotency_keys WHERE tenant_id = $1 AND key = $2', [
            tenantId,
            key,
          ])
        ).rows[0]!.n,
    );
  const customersWithEmail = (tenantId: string, email: string) =>
    withClient(
      ops(),
      async (db) =>
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE tenant_id = $1 AND email = $2', [tenantId, email]))
          .rows[0]!.n,
    );

  it('the same key and body replay the first response; one row is written', async () => {
    const body = { name: 'Idem Potent', email: `idem-${unique()}@acme.test` };
    const headers = { 'idempotency-key': randomUUID() };
    const first = await callEndpoint(customers(), { key: acmeKey, body, headers });
    const second = await callEndpoint(customers(), { key: acmeKey, body, headers });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.json).toEqual(first.json);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await customersWithEmail(acme.id, body.email)).toBe(1);
  });

  it('the same key with another body or on another endpoint is a 422 naming Idempotency-Key, and writes nothing', async () => {
    const headers = { 'idempotency-key': randomUUID() };
    expect(
      (await callEndpoint(customers(), { key: acmeKey, body: { name: 'One', email: `one-${unique()}@acme.test` }, headers })).status,
    ).toBe(201);
    const before = await rowCounts(ops(), acme.id);

    const otherBody = await callEndpoint(customers(), { key: acmeKey, body: { name: 'Two', email: `two-${unique()}@acme.test` }, headers });
    expectProblem(otherBody, 422);
    expect(Object.keys(otherBody.json.errors as object)).toEqual(['Idempotency-Key']);
    const products = endpointNamed('POST /products');
    expectProblem(await callEndpoint(products, { key: acmeKey, body: validBody(products, acme), headers }), 422);
    expect(await rowCounts(ops(), acme.id)).toEqual(before);
  });

  it('keys are per tenant: another tenant may use the same key string for its own request', async () => {
    const headers = { 'idempotency-key': `order-import-${unique()}` };
    const acmeBody = { name: 'Acme side', email: `same-key-${unique()}@acme.test` };
    const globexBody = { name: 'Globex side', email: `same-key-${unique()}@globex.test` };
    const atAcme = await callEndpoint(customers(), { key: acmeKey, body: acmeBody, headers });
    const atGlobex = await callEndpoint(customers(), { key: globexKey, body: globexBody, headers });
    expect(atAcme.status).toBe(201);
    expect(atGlobex.status).toBe(201);
    expect(atGlobex.headers.get('idempotent-replayed')).toBeNull();
    expect(atGlobex.json.id).not.toBe(atAcme.json.id);
    expect(await customersWithEmail(globex.id, globexBody.email)).toBe(1);

    const acmeAgain = await callEndpoint(customers(), { key: acmeKey, body: acmeBody, headers });
    expect(acmeAgain.json).toEqual(atAcme.json);
    expect(await keyRows(acme.id, headers['idempotency-key'])).toBe(1);
    expect(await keyRows(globex.id, headers['idempotency-key'])).toBe(1);
  });

  it('a request that fails leaves no record, so a retry with the same key and a fixed body succeeds', async () => {
    const key = randomUUID();
    const headers = { 'idempotency-key': key };
    // Refused by the schema, before any work…
    expectProblem(await callEndpoint(customers(), { key: acmeKey, body: { name: 'Fixed later', email: 'not-an-email' }, headers }), 422);
    expect(await keyRows(acme.id, key)).toBe(0);
    const fixed = await callEndpoint(customers(), {
      key: acmeKey,
      body: { name: 'Fixed later', email: `fixed-${unique()}@acme.test` },
      headers,
    });
    expect(fixed.status).toBe(201);
    expect(await keyRows(acme.id, key)).toBe(1);

    // …and refused by the handler, inside the transaction the record is written in.
    const orderKey = randomUUID();
    const order = endpointNamed('POST /orders');
    const failed = await callEndpoint(order, {
      key: acmeKey,
      body: { customerId: globex.customerIds[0], lines: [{ productId: acme.productIds[0], quantity: 1 }] },
      headers: { 'idempotency-key': orderKey },
    });
    expectProblem(failed, 422);
    expect(await keyRows(acme.id, orderKey)).toBe(0);
    const retried = await callEndpoint(order, { key: acmeKey, body: validBody(order, acme), headers: { 'idempotency-key': orderKey } });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('concurrent duplicates with one key write once, and every one gets the first answer', async () => {
    const body = { name: 'Racing', email: `race-${unique()}@acme.test` };
    const headers = { 'idempotency-key': randomUUID() };
    const results = await Promise.all(Array.from({ length: 6 }, () => callEndpoint(customers(), { key: acmeKey, body, headers })));
    expect(results.map((r) => r.status)).toEqual(Array(6).fill(201));
    expect(new Set(results.map((r) => r.json.id)).size).toBe(1);
    expect(results.filter((r) => r.headers.get('idempotent-replayed') === 'true')).toHaveLength(5);
    expect(await customersWithEmail(acme.id, body.email)).toBe(1);
  });

  it('a retried payment replays its answer instead of paying twice (without the key it is a 409)', async () => {
    const pay = endpointNamed('POST /orders/{id}/pay');
    const id = await newOrder(acme);
    const headers = { 'idempotency-key': randomUUID() };
    const first = await callEndpoint(pay, { key: acmeKey, id, body: { method: 'card' }, headers });
    const retry = await callEndpoint(pay, { key: acmeKey, id, body: { method: 'card' }, headers });
    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expectProblem(await callEndpoint(pay, { key: acmeKey, id, body: { method: 'card' } }), 409);
    const payments = await withClient(ops(), (db) => db.query('SELECT amount FROM payments WHERE order_id = $1', [id]));
    expect(payments.rowCount).toBe(1);
  });

  it('an expired record no longer binds its key', async () => {
    const headers = { 'idempotency-key': randomUUID() };
    expect(
      (await callEndpoint(customers(), { key: acmeKey, body: { name: 'Yesterday', email: `old-${unique()}@acme.test` }, headers })).status,
    ).toBe(201);
    await withClient(ops(), (db) =>
      db.query(`UPDATE idempotency_keys SET expires_at = now() - interval '1 second' WHERE tenant_id = $1 AND key = $2`, [
        acme.id,
        headers['idempotency-key'],
      ]),
    );
    const reused = await callEndpoint(customers(), { key: acmeKey, body: { name: 'Today', email: `new-${unique()}@acme.test` }, headers });
    expect(reused.status).toBe(201);
    expect(reused.json.name).toBe('Today');
  });

  it('refuses an Idempotency-Key that is empty, too long or not visible ASCII (400)', async () => {
    const before = await rowCounts(ops(), acme.id);
    for (const key of ['', 'x'.repeat(256), 'two words', 'caf\u00e9']) {
      const res = await callEndpoint(customers(), {
        key: acmeKey,
        body: validBody(customers(), acme),
        headers: { 'idempotency-key': key },
      });
      expectProblem(res, 400);
    }
    expect(await rowCounts(ops(), acme.id)).toEqual(before);
  });
});

describe('rate-limit headers', () => {
  it('every authenticated answer, success or error, carries the RateLimit headers', async () => {
    const answers = [
      await callEndpoint(endpointNamed('GET /orders'), { key: acmeKey }),
      await callEndpoint(endpointNamed('GET /orders/{id}'), { key: acmeKey, id: randomUUID() }),
      await callEndpoint(endpointNamed('POST /customers'), { key: acmeKey, body: {} }),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 422]);
    for (const res of answers) {
      expect(res.headers.get('ratelimit-limit')).toMatch(/^\d+$/);
      expect(res.headers.get('ratelimit-reset')).toMatch(/^\d+$/);
      expect(res.headers.get('ratelimit-policy')).toMatch(/^\d+;w=60;scope="(tenant|key)"$/);
      expect(res.headers.get('retry-after')).toBeNull();
    }
    const remaining = answers.map((a) => Number(a.headers.get('ratelimit-remaining')));
    expect(remaining[1]).toBeLessThan(remaining[0]!);
    expect(remaining[2]).toBeLessThan(remaining[1]!);
  });
});
