import { createApiKey, type ApiKeyScope } from '@/lib/api-keys/service';
import { runInTenant } from '@/lib/tenancy';
import type { SeededTenant } from './fixtures';

// Calling the API's route handlers directly, as Next.js would: a Request in, a Response out, no
// server in between. Everything below the handler is real — the key lookup, the rate limiter's
// store, the tenant context, PostgreSQL.

type Handler = (request: Request, context?: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type RouteModule = Partial<Record<'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', Handler>>;

/** A new API key of `tenant`, created by its owner. */
export async function createKey(tenant: SeededTenant, scope: ApiKeyScope = 'read_write', name = `test key ${scope}`): Promise<string> {
  const { key } = await runInTenant({ tenantId: tenant.id, actorType: 'user', actorId: tenant.userId, actorLabel: `owner@${tenant.slug}.test`, role: 'owner' }, () =>
    createApiKey({ name, scope }),
  );
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

export async function call(route: RouteModule, method: keyof RouteModule, path: string, options: CallOptions = {}) {
  const url = new URL(`http://localhost${path}`);
  for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.set(name, value);
  const headers: Record<string, string> = { ...(options.key ? { authorization: `Bearer ${options.key}` } : {}) };
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const request = new Request(url, { method, headers: { ...headers, ...options.headers }, body });
  const handler = route[method];
  if (!handler) throw new Error(`${path} exports no ${method}`);
  const response = await handler(request, { params: Promise.resolve(options.params ?? {}) });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json: json as Record<string, unknown> & { data?: Record<string, unknown>[] }, text };
}
