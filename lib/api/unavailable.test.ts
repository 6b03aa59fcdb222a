// The pool's two refusals as the API answers them: every endpoint says 503 tenant_busy (with
// Retry-After) while its workspace holds its whole share, and 503 statement_timeout (without: the
// same request would run as long again) when a statement outlives the plan's limit. Neither writes
// anything, so an idempotent POST refused this way runs again when retried with its key.
//
// Held for real (e2e/support/ops.ts): an ops connection locks one order row, and `share` writes
// to that row block on it, each holding one slot of the tenant's share, until the lock is released. Short limits (set before
// the app first reads its environment) keep it quick: a 1.5 s wait for a slot, a 300 ms statement limit
// on the free plan and none that matters on pro.
import { StatementTimeoutError, TenantBusyError } from '@bulkhead/tenancy';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';

import { lockRow } from '@/e2e/support/ops';
import { adoptAsAppError, AppError, unavailableOf, withUnavailableDigest } from '@/lib/errors';
import { problemFrom } from '@/lib/http/problem';
import {
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
} from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, type SeededTenant } from '@/test/fixtures';

process.env.TENANT_QUEUE_WAIT_MS = '1500';
process.env.TENANT_STATEMENT_TIMEOUT_MS = 'free=300,pro=60000,enterprise=60000';

const database = setupTestDatabase();
pointAppAt(database);
const ops = () => database.current.urls.ops;

const PRO_SHARE = 4;
const WAIT_MS = 1_500;
const cancel = endpointNamed('POST /orders/{id}/cancel');
const listOrders = endpointNamed('GET /orders');

function expectProblem(res: ApiResponse, code: 'tenant_busy' | 'statement_timeout') {
  expect(res.status, res.text).toBe(503);
  expect(res.headers.get('content-type')).toBe('application/problem+json');
  expect(res.json).toMatchObject({ type: `https://bulkhead.dev/problems/${code}`, status: 503 });
  expect(res.headers.get('x-request-id')).toBeTruthy();
}

let releaseAll: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(releaseAll.map((release) => release()));
  releaseAll = [];
});

/** `share` cancels of `orderId` blocked on a lock, each holding one of the tenant's slots. */
async function holdShare(key: string, orderId: string, share: number) {
  const lock = await lockRow(ops(), 'orders', orderId);
  releaseAll.push(lock.release);
  const held = Array.from({ length: share }, () => callEndpoint(cancel, { key, id: orderId }));
  await lock.blocking(share);
  return {
    /** Lets them through; their answers (one 200, the rest 409: the order is cancelled by then). */
    release: async () => {
      await lock.release();
      return Promise.all(held);
    },
  };
}

/** A request `e` accepts for `tenant`, so that nothing but the pool can refuse it. */
function validCall(e: Endpoint, tenant: SeededTenant, key: string, seq: number) {
  const bodies: Record<NonNullable<Endpoint['body']>, unknown> = {
    orderCreate: { customerId: tenant.customerIds[0], lines: [{ productId: tenant.productIds[0], quantity: 1 }] },
    orderUpdate: { version: 1 },
    orderPay: {},
    orderRefund: { amount: 1 },
    customerCreate: { name: `Busy ${seq}`, email: `busy-${seq}@example.test` },
    customerUpdate: { version: 1 },
    productCreate: { sku: `BUSY-${seq}`, name: `Busy ${seq}`, unitPrice: 100 },
    productUpdate: { version: 1 },
  };
  const ids = { order: tenant.orderIds[0], customer: tenant.customerIds[0], product: tenant.productIds[0] };
  return callEndpoint(e, {
    key,
    id: e.takes ? ids[e.takes] : undefined,
    body: e.body ? bodies[e.body] : e.name === cancel.name ? {} : undefined,
    query: e.query === 'revenue' ? { from: '2020-01-01', to: '2030-12-31' } : undefined,
  });
}

describe('the refusals as problems', () => {
  it('tenant_busy is a 503 with Retry-After; statement_timeout a 503 without', async () => {
    const busy = problemFrom(adoptAsAppError(new TenantBusyError(4, 5_200)), 'r1');
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('6');
    expect(await busy.json()).toMatchObject({ type: 'https://bulkhead.dev/problems/tenant_busy', title: 'Workspace busy', status: 503 });
    const timeout = problemFrom(adoptAsAppError(new StatementTimeoutError(15_000, 'pro', 'interactive')), 'r2');
    expect(timeout.status).toBe(503);
    expect(timeout.headers.get('retry-after')).toBeNull();
    expect((await timeout.json()).detail).toMatch(/15 s your pro plan allows.*Narrow the request/);
  });

  it('are recognised when thrown by another copy of the modules (Next.js bundles them once per route)', async () => {
    vi.resetModules();
    const other = await import('@/lib/errors');
    expect(other.AppError).not.toBe(AppError);
    const error = other.adoptAsAppError(new TenantBusyError(2, 1_000));
    expect(error instanceof AppError).toBe(true);
    expect(problemFrom(error).status).toBe(503);
    expect(new Error('x') instanceof AppError).toBe(false);
    // The kit's error as it is, not adopted, is an unknown error: a 500.
    expect(new TenantBusyError(2, 1_000) instanceof AppError).toBe(false);
  });

  it('carry a digest an error boundary can read, with nothing but the code and a number', () => {
    const busy = withUnavailableDigest(adoptAsAppError(new TenantBusyError(4, 5_000)));
    expect((busy as { digest?: string }).digest).toBe('bulkhead:tenant_busy:4');
    const timeout = withUnavailableDigest(adoptAsAppError(new StatementTimeoutError(5_000, 'free', 'interactive')));
    expect((timeout as { digest?: string }).digest).toBe('bulkhead:statement_timeout:5000');
    // What a production build hands the boundary: a bare error with the digest.
    expect(unavailableOf(Object.assign(new Error('withheld'), { digest: 'bulkhead:tenant_busy:4' }))).toEqual({
      code: 'tenant_busy',
      share: 4,
    });
    expect(unavailableOf(Object.assign(new Error('withheld'), { digest: 'bulkhead:statement_timeout:5000' }))).toEqual({
      code: 'statement_timeout',
      limitMs: 5_000,
    });
    expect(unavailableOf(Object.assign(new Error('withheld'), { digest: '1234567' }))).toBeUndefined();
    const other = withUnavailableDigest(new AppError('conflict', 'x'));
    expect((other as { digest?: string }).digest).toBeUndefined();
  });
});

describe('a workspace holding its whole share', () => {
  let pro: SeededTenant;
  let proKey: string;
  let other: SeededTenant;
  let otherKey: string;

  beforeAll(async () => {
    [pro, other] = await Promise.all([seedTenant(ops(), uniqueSlug('busy'), 3), seedTenant(ops(), uniqueSlug('calm'), 1)]);
    for (const tenant of [pro, other]) await setPlan(ops(), tenant.id, 'pro');
    [proKey, otherKey] = [await createKey(pro), await createKey(other)];
    // Each key's last-used stamp is written now, not by the first request of a test.
    expect((await callEndpoint(listOrders, { key: proKey })).status).toBe(200);
    expect((await callEndpoint(listOrders, { key: otherKey })).status).toBe(200);
  });

  it('is answered 503 tenant_busy with Retry-After after the bounded wait, while another workspace is served meanwhile', async () => {
    const hold = await holdShare(proKey, pro.orderIds[0]!, PRO_SHARE);
    const started = Date.now();
    const timed = (res: Promise<ApiResponse>) => res.then((answer) => ({ answer, ms: Date.now() - started }));
    const [busy, calm] = await Promise.all([
      timed(callEndpoint(listOrders, { key: proKey })),
      timed(callEndpoint(listOrders, { key: otherKey })),
    ]);
    expectProblem(busy.answer, 'tenant_busy');
    expect(busy.ms).toBeGreaterThanOrEqual(WAIT_MS - 50);
    expect(Number(busy.answer.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(busy.answer.json.detail).toMatch(/already running 4 database operations at once, the most its plan allows/);
    expect(busy.answer.text).not.toContain(other.canary);
    expect(calm.answer.status, calm.answer.text).toBe(200);
    // Served while the other workspace still holds every slot of its share: never queued behind it.
    expect(calm.ms).toBeLessThan(busy.ms);
    expect(calm.answer.text).not.toContain(pro.canary);

    const settled = await hold.release();
    expect(settled.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    // Nothing waits any more: the workspace is served again.
    expect((await callEndpoint(listOrders, { key: proKey })).status).toBe(200);
  });

  it('every endpoint answers 503 tenant_busy with Retry-After', async () => {
    const hold = await holdShare(proKey, pro.orderIds[1]!, PRO_SHARE);
    const answers = await Promise.all(ENDPOINTS.map((e, seq) => validCall(e, pro, proKey, seq).then((res) => ({ e, res }))));
    for (const { e, res } of answers) {
      expectProblem(res, 'tenant_busy');
      expect(Number(res.headers.get('retry-after')), e.name).toBeGreaterThanOrEqual(1);
    }
    await hold.release();
  });

  it('an idempotent POST refused as busy wrote nothing, and runs again with its key', async () => {
    const before = await rowCounts(ops(), pro.id);
    const hold = await holdShare(proKey, pro.orderIds[2]!, PRO_SHARE);
    const create = endpointNamed('POST /customers');
    const request = {
      key: proKey,
      headers: { 'idempotency-key': `busy-${uniqueSlug('k')}` },
      body: { name: 'Retried', email: 'retried@example.test' },
    };
    expectProblem(await callEndpoint(create, request), 'tenant_busy');
    expect(await rowCounts(ops(), pro.id)).toEqual(before);
    await hold.release();
    const retried = await callEndpoint(create, request);
    expect(retried.status, retried.text).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    const replayed = await callEndpoint(create, request);
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.json.id).toBe(retried.json.id);
  });
});

describe('a statement past the plan’s limit', () => {
  it('is a 503 statement_timeout without Retry-After; nothing is written, and the same key runs again', async () => {
    const free = await seedTenant(ops(), uniqueSlug('slow'), 1);
    const key = await createKey(free);
    const orderId = free.orderIds[0]!;
    const before = { order: await rowOf(ops(), 'orders', orderId), counts: await rowCounts(ops(), free.id) };

    const lock = await lockRow(ops(), 'orders', orderId);
    releaseAll.push(lock.release);
    const request = { key, id: orderId, headers: { 'idempotency-key': `slow-${uniqueSlug('k')}` } };
    const refused = await callEndpoint(cancel, request);
    expectProblem(refused, 'statement_timeout');
    expect(refused.headers.get('retry-after')).toBeNull();
    expect(refused.json.detail).toMatch(/longer than the 300 ms your free plan allows.*Nothing was changed/);
    await lock.release();

    expect(await rowOf(ops(), 'orders', orderId)).toEqual(before.order);
    expect(await rowCounts(ops(), free.id)).toEqual(before.counts);
    const retried = await callEndpoint(cancel, request);
    expect(retried.status, retried.text).toBe(200);
    expect(retried.json.status).toBe('cancelled');
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
  });
});
