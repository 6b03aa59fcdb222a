import { randomBytes } from 'node:crypto';

import * as unknownRoute from '@/app/api/v1/[...path]/route';
import * as customerRoute from '@/app/api/v1/customers/[id]/route';
import * as customersRoute from '@/app/api/v1/customers/route';
import * as cancelRoute from '@/app/api/v1/orders/[id]/cancel/route';
import * as payRoute from '@/app/api/v1/orders/[id]/pay/route';
import * as refundRoute from '@/app/api/v1/orders/[id]/refund/route';
import * as orderRoute from '@/app/api/v1/orders/[id]/route';
import * as ordersRoute from '@/app/api/v1/orders/route';
import * as productRoute from '@/app/api/v1/products/[id]/route';
import * as productsRoute from '@/app/api/v1/products/route';
import * as revenueRoute from '@/app/api/v1/reports/revenue/route';
import { createApiKey, type ApiKeyScope } from '@/lib/api-keys/service';
import type { Permission } from '@/lib/auth/permissions';
import type { PlanName } from '@/lib/billing/plans';
import { runInTenant, type MembershipRole } from '@/lib/tenancy';

import { withClient, type SeededTenant } from './fixtures';

// Calling the API's route handlers directly, as Next.js would: a Request in, a Response out, no
// server in between. Everything below the handler is real — the key lookup, the rate limiter's
// store, the tenant context, PostgreSQL.

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type RouteModule = Partial<Record<HttpMethod, Handler>>;

/** Who a test key acts for: the tenant's owner unless said otherwise. */
export interface KeyCreator {
  userId: string;
  role: MembershipRole;
}

/** A new API key of `tenant`, created by its owner (or by `creator`). */
export async function createKey(
  tenant: SeededTenant,
  scope: ApiKeyScope = 'read_write',
  name = `test key ${scope}`,
  creator?: KeyCreator,
): Promise<string> {
  const by = creator ?? { userId: tenant.userId, role: 'owner' };
  const context = {
    tenantId: tenant.id,
    actorType: 'user' as const,
    actorId: by.userId,
    actorLabel: `${by.role}@${tenant.slug}.test`,
    role: by.role,
  };
  const { key } = await runInTenant(context, () => createApiKey({ name, scope }));
  return key;
}

export interface CallOptions {
  key?: string;
  body?: unknown;
  /** A raw body, sent as is (for malformed-input tests). */
  rawBody?: string;
  headers?: Record<string, string>;
  params?: Record<string, string>;
  query?: Record<string, string>;
}

export type ApiResponse = Awaited<ReturnType<typeof send>>;

export async function call(route: RouteModule, method: HttpMethod, path: string, options: CallOptions = {}) {
  const url = new URL(`http://localhost${path}`);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}) };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  return send(route, new Request(url, { method, headers: { ...headers, ...options.headers }, body }), options.params);
}

/** Hands a ready-made Request to the route's handler for its method, and reads the answer. */
export async function send(route: RouteModule, request: Request, params: Record<string, string> = {}) {
  const handler = route[request.method as HttpMethod];
  if (!handler) throw new Error(`${new URL(request.url).pathname} exports no ${request.method}`);
  const response = await handler(request, { params: Promise.resolve(params) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    headers: response.headers,
    json: json as Record<string, unknown> & { data?: Record<string, unknown>[] },
    text,
  };
}

// ── The API's endpoints, as data ──────────────────────────────────────────────────────────────

export type RecordKind = 'order' | 'customer' | 'product';

export interface Endpoint {
  /** 'POST /orders/{id}/pay' */
  name: string;
  route: RouteModule;
  method: 'GET' | 'POST' | 'PATCH';
  /** The path under /api/v1, with `{id}` where the record id goes. */
  path: string;
  permission: Permission;
  /** The kind of record the `{id}` names, for endpoints that take one. */
  takes?: RecordKind;
  /** What the endpoint's body schema reads; absent for endpoints that take no body. */
  body?:
    'orderCreate' | 'orderUpdate' | 'orderPay' | 'orderRefund' | 'customerCreate' | 'customerUpdate' | 'productCreate' | 'productUpdate';
  /** What its query schema reads; absent for endpoints that take no query. */
  query?: 'orderList' | 'catalogueList' | 'revenue';
}

const endpoint = (e: Omit<Endpoint, 'name'>): Endpoint => ({ ...e, name: `${e.method} ${e.path}` });

export const ENDPOINTS: readonly Endpoint[] = [
  endpoint({ route: ordersRoute, method: 'GET', path: '/orders', permission: 'orders.view', query: 'orderList' }),
  endpoint({ route: ordersRoute, method: 'POST', path: '/orders', permission: 'orders.create', body: 'orderCreate' }),
  endpoint({ route: orderRoute, method: 'GET', path: '/orders/{id}', permission: 'orders.view', takes: 'order' }),
  endpoint({ route: orderRoute, method: 'PATCH', path: '/orders/{id}', permission: 'orders.update', takes: 'order', body: 'orderUpdate' }),
  endpoint({ route: payRoute, method: 'POST', path: '/orders/{id}/pay', permission: 'orders.pay', takes: 'order', body: 'orderPay' }),
  endpoint({
    route: refundRoute,
    method: 'POST',
    path: '/orders/{id}/refund',
    permission: 'orders.refund',
    takes: 'order',
    body: 'orderRefund',
  }),
  endpoint({ route: cancelRoute, method: 'POST', path: '/orders/{id}/cancel', permission: 'orders.cancel', takes: 'order' }),
  endpoint({ route: customersRoute, method: 'GET', path: '/customers', permission: 'customers.view', query: 'catalogueList' }),
  endpoint({ route: customersRoute, method: 'POST', path: '/customers', permission: 'customers.create', body: 'customerCreate' }),
  endpoint({ route: customerRoute, method: 'GET', path: '/customers/{id}', permission: 'customers.view', takes: 'customer' }),
  endpoint({
    route: customerRoute,
    method: 'PATCH',
    path: '/customers/{id}',
    permission: 'customers.update',
    takes: 'customer',
    body: 'customerUpdate',
  }),
  endpoint({ route: productsRoute, method: 'GET', path: '/products', permission: 'products.view', query: 'catalogueList' }),
  endpoint({ route: productsRoute, method: 'POST', path: '/products', permission: 'products.create', body: 'productCreate' }),
  endpoint({ route: productRoute, method: 'GET', path: '/products/{id}', permission: 'products.view', takes: 'product' }),
  endpoint({
    route: productRoute,
    method: 'PATCH',
    path: '/products/{id}',
    permission: 'products.update',
    takes: 'product',
    body: 'productUpdate',
  }),
  endpoint({ route: revenueRoute, method: 'GET', path: '/reports/revenue', permission: 'revenue.view', query: 'revenue' }),
];

export const endpointNamed = (name: string): Endpoint => {
  const found = ENDPOINTS.find((e) => e.name === name);
  if (!found) throw new Error(`No endpoint ${name}`);
  return found;
};

/** The catch-all of every other path under /api/v1. */
export const UNKNOWN_PATH_ROUTE: RouteModule = unknownRoute;

/** Calls `endpoint` with `id` in its path (when it takes one). */
export function callEndpoint(e: Endpoint, options: CallOptions & { id?: string; method?: HttpMethod } = {}) {
  const { id = '', method = e.method, ...rest } = options;
  const path = `/api/v1${e.path.replace('{id}', encodeURIComponent(id))}`;
  return call(e.route, method, path, e.takes ? { ...rest, params: { id, ...rest.params } } : rest);
}

// ── Test data through the ops role (BYPASSRLS): set-up and after-the-fact checks ──────────────

/** A slug no other test of this database uses. */
export const uniqueSlug = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

export async function setPlan(opsUrl: string, tenantId: string, plan: PlanName): Promise<void> {
  await withClient(opsUrl, (db) => db.query('UPDATE tenants SET plan = $2 WHERE id = $1', [tenantId, plan]));
}

/** A new person with `role` in `tenant`; returns what createKey needs to act as them. */
export async function addMember(opsUrl: string, tenant: SeededTenant, role: MembershipRole): Promise<KeyCreator> {
  return withClient(opsUrl, async (db) => {
    const email = `${role}-${randomBytes(4).toString('hex')}@${tenant.slug}.test`;
    const { rows } = await db.query<{ id: string }>('INSERT INTO users (email, name) VALUES ($1, $2) RETURNING id', [email, `A ${role}`]);
    const userId = rows[0]!.id;
    await db.query('INSERT INTO memberships (tenant_id, user_id, role) VALUES ($1, $2, $3)', [tenant.id, userId, role]);
    return { userId, role };
  });
}

/** Every table an API request could write, counted per tenant. */
export const WRITABLE_TABLES = [
  'customers',
  'products',
  'orders',
  'order_items',
  'payments',
  'refunds',
  'api_keys',
  'idempotency_keys',
  'audit_events',
] as const;
export type RowCounts = Record<(typeof WRITABLE_TABLES)[number], number>;

export async function rowCounts(opsUrl: string, tenantId: string): Promise<RowCounts> {
  return withClient(opsUrl, async (db) => {
    const counts = {} as RowCounts;
    for (const table of WRITABLE_TABLES) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tenant_id = $1`, [tenantId]);
      counts[table] = rows[0]!.n;
    }
    return counts;
  });
}

/** One row as the ops role sees it, every column, to compare before and after a refused request. */
export async function rowOf(
  opsUrl: string,
  table: 'orders' | 'customers' | 'products',
  id: string,
): Promise<Record<string, unknown> | undefined> {
  return withClient(opsUrl, async (db) => (await db.query(`SELECT * FROM ${table} WHERE id = $1`, [id])).rows[0]);
}
