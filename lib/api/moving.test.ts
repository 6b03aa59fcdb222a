// A workspace moving between tiers (docs/moves.md), during the freeze: the copy it is leaving refuses
// its writes (SQLSTATE BH503), and the app renders that as its third refusal, tenant_moving. Every
// API write answers 503 problem+json with Retry-After: 2 and writes nothing; every read answers 200;
// a form shows the moving message inline with what was typed; another workspace in the same tables
// writes as usual. The idempotency key of a refused POST stays free, so the retry runs.
//
// Frozen for real, as the mover does it: the capture triggers on the shared tables (owner role) and
// a closed fence row (ops role); lib/db/moves.test.ts covers the mover itself.
import { TENANT_MOVING_MESSAGE, TenantMovingError } from '@bulkhead/tenancy';
import { installCapture, removeCapture } from '@bulkhead/tenancy/admin';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { createCustomerAction } from '@/app/t/[tenant]/customers/actions';
import { openApiDocument } from '@/lib/api/openapi';
import type { SignedInUser } from '@/lib/auth/session';
import { PLACED_TABLE_ORDER } from '@/lib/db/tiers';
import { adoptAsAppError, unavailableOf, withUnavailableDigest } from '@/lib/errors';
import { problemFrom } from '@/lib/http/problem';
import { callEndpoint, createKey, endpointNamed, ENDPOINTS, rowCounts, uniqueSlug, type ApiResponse, type Endpoint } from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

// A server action outside Next's request scope: the signed-in person is the frozen workspace's
// owner, and the request's headers are empty. Everything below (membership, rate limit, the
// tenant context, the service, PostgreSQL) is real.
const session = vi.hoisted(() => ({ user: undefined as SignedInUser | undefined }));
// (Auth.js itself does not load outside Next: the session module is replaced, not wrapped.)
vi.mock('@/lib/auth/session', () => ({
  currentUser: async () => session.user ?? null,
  requireUser: async () => {
    if (!session.user) throw new Error('no session in this test');
    return session.user;
  },
}));
vi.mock('next/headers', async (importOriginal) => ({
  ...(await importOriginal<typeof import('next/headers')>()),
  headers: async () => new Headers(),
}));

const database = setupTestDatabase();
pointAppAt(database);
const ops = () => database.current.urls.ops;

const WRITES = ENDPOINTS.filter((e) => e.method !== 'GET');
const READS = ENDPOINTS.filter((e) => e.method === 'GET');

/** Freezes `tenantId`'s writes in the shared tables, as a move's freeze does; returns the thaw. */
async function freeze(tenantId: string): Promise<() => Promise<void>> {
  const owner = database.current.urls.migration;
  await withClient(owner, (db) => installCapture(db, 'public', PLACED_TABLE_ORDER, tenantId));
  await withClient(ops(), (db) =>
    db.query(`INSERT INTO move_fences (tenant_id, move_id, frozen) VALUES ($1, gen_random_uuid(), true)`, [tenantId]),
  );
  let thawed: Promise<void> | undefined;
  return () =>
    (thawed ??= (async () => {
      await withClient(ops(), (db) => db.query(`DELETE FROM move_fences WHERE tenant_id = $1`, [tenantId]));
      await withClient(owner, (db) => removeCapture(db, 'public', PLACED_TABLE_ORDER, tenantId));
    })());
}

let thaw: (() => Promise<void>) | undefined;
afterEach(async () => {
  await thaw?.();
  thaw = undefined;
  session.user = undefined;
});

function expectMoving(res: ApiResponse, name: string) {
  expect(res.status, `${name}: ${res.text}`).toBe(503);
  expect(res.headers.get('content-type'), name).toBe('application/problem+json');
  expect(res.headers.get('retry-after'), name).toBe('2');
  expect(res.headers.get('x-request-id'), name).toBeTruthy();
  expect(res.json, name).toEqual({
    type: 'https://bulkhead.dev/problems/tenant_moving',
    title: 'Workspace moving',
    status: 503,
    detail: TENANT_MOVING_MESSAGE,
  });
}

describe('the moving refusal', () => {
  it('is a 503 problem with Retry-After: 2 and a message a person can act on', async () => {
    const res = problemFrom(adoptAsAppError(new TenantMovingError()), 'r1');
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('2');
    expect(await res.json()).toMatchObject({ type: 'https://bulkhead.dev/problems/tenant_moving', title: 'Workspace moving' });
    expect(TENANT_MOVING_MESSAGE).toBe('Your workspace is moving to its new home. Back in a few seconds: nothing was changed; try again.');
  });

  it('carries a digest an error boundary can read, with nothing of the tenant', () => {
    const moving = withUnavailableDigest(adoptAsAppError(new TenantMovingError()));
    expect((moving as { digest?: string }).digest).toBe('bulkhead:tenant_moving');
    expect(unavailableOf(moving)).toEqual({ code: 'tenant_moving' });
    // What a production build hands the boundary: a bare error with the digest.
    expect(unavailableOf(Object.assign(new Error('withheld'), { digest: 'bulkhead:tenant_moving' }))).toEqual({ code: 'tenant_moving' });
    expect(unavailableOf(Object.assign(new Error('withheld'), { digest: 'bulkhead:tenant_moving:2' }))).toBeUndefined();
  });

  it('is documented on every endpoint that writes, with Retry-After, and on no read', () => {
    type Responses = Record<string, { description?: string; headers?: Record<string, unknown> }>;
    const paths = openApiDocument().paths as unknown as Record<string, Record<string, { responses: Responses }>>;
    for (const e of ENDPOINTS) {
      const unavailable = paths[e.path]![e.method.toLowerCase()]!.responses['503']!;
      expect(unavailable.description?.includes('tenant_moving:'), e.name).toBe(e.method !== 'GET');
      expect(Object.keys(unavailable.headers ?? {}), e.name).toContain('Retry-After');
    }
  });
});

describe('a workspace frozen by its move', () => {
  let moving: SeededTenant;
  let movingKey: string;
  let other: SeededTenant;
  let otherKey: string;

  beforeAll(async () => {
    [moving, other] = await Promise.all([seedTenant(ops(), uniqueSlug('moving'), 3), seedTenant(ops(), uniqueSlug('staying'), 1)]);
    [movingKey, otherKey] = [await createKey(moving), await createKey(other)];
    // A paid order, so that a refund reaches its write; and each key's last-used stamp written now.
    const paid = await callEndpoint(endpointNamed('POST /orders/{id}/pay'), { key: movingKey, id: moving.orderIds[0], body: {} });
    expect(paid.status, paid.text).toBe(200);
    expect((await callEndpoint(endpointNamed('GET /orders'), { key: otherKey })).status).toBe(200);
  });

  /** A request `e` accepts for the moving workspace, so that nothing but the freeze can refuse it. */
  function validCall(e: Endpoint, seq: number, headers?: Record<string, string>) {
    const bodies: Record<NonNullable<Endpoint['body']>, unknown> = {
      orderCreate: { customerId: moving.customerIds[0], lines: [{ productId: moving.productIds[0], quantity: 1 }] },
      orderUpdate: { version: 1, notes: 'Written during the freeze' },
      orderPay: {},
      orderRefund: { amount: 1 },
      customerCreate: { name: `Moving ${seq}`, email: `moving-${seq}@example.test` },
      customerUpdate: { version: 1, name: 'Renamed during the freeze' },
      productCreate: { sku: `MOVING-${seq}`, name: `Moving ${seq}`, unitPrice: 100 },
      productUpdate: { version: 1, name: 'Renamed during the freeze' },
    };
    // The paid order for a refund; a pending one for everything else an order takes.
    const order = e.name === 'POST /orders/{id}/refund' || e.method === 'GET' ? moving.orderIds[0] : moving.orderIds[1];
    const ids = { order, customer: moving.customerIds[0], product: moving.productIds[0] };
    return callEndpoint(e, {
      key: movingKey,
      headers,
      id: e.takes ? ids[e.takes] : undefined,
      body: e.body ? bodies[e.body] : e.method === 'POST' ? {} : undefined,
      query: e.query === 'revenue' ? { from: '2020-01-01', to: '2030-12-31' } : undefined,
    });
  }

  it('answers every API write 503 tenant_moving with Retry-After: 2, writes nothing, and names nothing of another workspace', async () => {
    const before = await rowCounts(ops(), moving.id);
    thaw = await freeze(moving.id);
    for (const [seq, e] of WRITES.entries()) {
      const res = await validCall(e, seq);
      expectMoving(res, e.name);
      expect(res.text).not.toContain(other.canary);
      expect(res.text).not.toContain(other.slug);
    }
    expect(await rowCounts(ops(), moving.id)).toEqual(before);
  });

  it('answers every API read 200 meanwhile, and another workspace writes as usual', async () => {
    thaw = await freeze(moving.id);
    for (const [seq, e] of READS.entries()) {
      const res = await validCall(e, seq);
      expect(res.status, `${e.name}: ${res.text}`).toBe(200);
    }
    const created = await callEndpoint(endpointNamed('POST /customers'), {
      key: otherKey,
      body: { name: 'Written beside the move', email: 'beside@example.test' },
    });
    expect(created.status, created.text).toBe(201);
    expect(created.text).not.toContain(moving.canary);
  });

  it('leaves the Idempotency-Key of a refused POST free: the retry after the freeze runs', async () => {
    const create = endpointNamed('POST /customers');
    const request = {
      key: movingKey,
      headers: { 'idempotency-key': `moving-${uniqueSlug('k')}` },
      body: { name: 'Retried after the move', email: 'retried@example.test' },
    };
    thaw = await freeze(moving.id);
    expectMoving(await callEndpoint(create, request), create.name);
    await thaw();
    const retried = await callEndpoint(create, request);
    expect(retried.status, retried.text).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });

  it('shows the moving message inline in a form (creating a customer), with what was typed', async () => {
    session.user = { id: moving.userId, email: `owner@${moving.slug}.test`, name: 'Owner', emailVerified: true };
    const before = await rowCounts(ops(), moving.id);
    const form = new FormData();
    form.set('name', 'Typed during the freeze');
    form.set('email', 'typed@example.test');
    thaw = await freeze(moving.id);
    expect(await createCustomerAction(moving.slug, undefined, form)).toEqual({
      ok: false,
      code: 'tenant_moving',
      formError: TENANT_MOVING_MESSAGE,
      fieldErrors: undefined,
      values: { name: 'Typed during the freeze', email: 'typed@example.test' },
    });
    expect(await rowCounts(ops(), moving.id)).toEqual(before);
  });
});
