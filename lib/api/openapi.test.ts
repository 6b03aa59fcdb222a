import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';

import { GET as getOpenApiJson } from '@/app/api/v1/openapi.json/route';
import type { RevenueReport } from '@/lib/billing/report';
import { ERROR_STATUS } from '@/lib/errors';

import { openApiDocument, OPERATIONS, revenueReportOut } from './openapi';
import type { ApiHandler } from './route';

// The document is generated, so what is worth testing is that it covers the API as built: every
// route file under app/api/v1, found on disk, and every method it really implements (asked of the
// handler itself: an apiRoute() answers a request without a key with 401, otherMethods() with 405).

const V1 = fileURLToPath(new URL('../../app/api/v1', import.meta.url));
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const ANY_ID = '01970a3e-7c2b-7d4e-9a51-3f6c2e8b1d04';
type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
type OperationDoc = {
  security?: Record<string, string[]>[];
  parameters?: { $ref?: string; name?: string }[];
  responses: Record<string, { content?: Record<string, unknown> }>;
};

function routeFiles(dir = V1): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '[...path]' || entry.name === 'openapi.json' ? [] : routeFiles(path);
    return entry.name === 'route.ts' ? [path] : [];
  });
}

/** app/api/v1/orders/[id]/pay/route.ts → /orders/{id}/pay */
const openApiPathOf = (file: string) => `/${relative(V1, file).split(sep).slice(0, -1).join('/')}`.replace(/\[(\w+)\]/g, '{$1}');

async function implementedMethods(file: string): Promise<string[]> {
  const handlers = (await import(pathToFileURL(file).href)) as Partial<Record<(typeof METHODS)[number], Handler>>;
  const implemented: string[] = [];
  for (const method of METHODS) {
    const handler = handlers[method];
    if (!handler) continue;
    const response = await handler(new Request(`http://localhost/api/v1${openApiPathOf(file)}`, { method }), {
      params: Promise.resolve({ id: ANY_ID }),
    });
    expect([401, 405], `${method} ${file}`).toContain(response.status);
    if (response.status === 401) implemented.push(method.toLowerCase());
  }
  return implemented;
}

const doc = openApiDocument();
const operations = Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
  Object.entries(item as Record<string, OperationDoc>).map(([method, operation]) => ({
    path,
    method,
    operation,
    name: `${method.toUpperCase()} ${path}`,
  })),
);
const problemStatuses = (operation: OperationDoc) =>
  Object.entries(operation.responses)
    .filter(([, response]) => response.content?.['application/problem+json'])
    .map(([status]) => Number(status));

describe('the OpenAPI document', () => {
  it('is an OpenAPI 3.1 document with a bearer API-key scheme', () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    expect(doc.components?.securitySchemes?.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('documents every method of every route file under app/api/v1, and nothing else', async () => {
    const files = routeFiles();
    expect(files.length).toBeGreaterThanOrEqual(9);
    const built = (
      await Promise.all(
        files.map(async (file) => (await implementedMethods(file)).map((method) => `${method.toUpperCase()} ${openApiPathOf(file)}`)),
      )
    ).flat();
    expect(operations.map((op) => op.name).sort()).toEqual(built.sort());
  });

  it('says of every operation what its route file does: permission, query and body schemas, success status', async () => {
    const files = routeFiles();
    const compared: string[] = [];
    for (const file of files) {
      const handlers = (await import(pathToFileURL(file).href)) as Partial<Record<(typeof METHODS)[number], Partial<ApiHandler>>>;
      for (const method of METHODS) {
        const options = handlers[method]?.options;
        if (!options) continue; // otherMethods(): a 405, not an operation
        const path = openApiPathOf(file);
        const op = OPERATIONS.find((o) => o.method === method.toLowerCase() && o.path === path);
        const name = `${method} ${path}`;
        expect(op, name).toBeDefined();
        expect(op!.permission, name).toBe(options.permission);
        expect(op!.query, `${name}: query schema`).toBe(options.query);
        expect(op!.body?.schema, `${name}: body schema`).toBe(options.body);
        expect(op!.success.status, `${name}: status`).toBe(options.status ?? 200);
        compared.push(name);
      }
    }
    expect(compared.sort()).toEqual(OPERATIONS.map((o) => `${o.method.toUpperCase()} ${o.path}`).sort());
  });

  it.each(operations)('$name needs an API key and documents its problem responses', ({ path, operation }) => {
    expect(operation.security?.[0]?.apiKey).toBeDefined();
    const statuses = problemStatuses(operation);
    expect(statuses).toContain(401);
    if (path.includes('{id}')) expect(statuses).toContain(404);
    expect(statuses.some((status) => status === 404 || status === 422 || status === 400)).toBe(true);
  });

  it.each(operations.filter((op) => op.method === 'post'))('$name documents the Idempotency-Key header', ({ operation }) => {
    expect(operation.parameters).toContainEqual({ $ref: '#/components/parameters/IdempotencyKey' });
    expect(doc.components?.parameters?.IdempotencyKey).toMatchObject({ name: 'Idempotency-Key', in: 'header' });
  });

  it('answers every error code of lib/errors.ts somewhere, with its status', () => {
    const documented = new Set(operations.flatMap(({ operation }) => problemStatuses(operation)));
    documented.add(405); // a path's other methods: components.responses.MethodNotAllowed
    expect(doc.components?.responses?.MethodNotAllowed).toBeDefined();
    expect([...documented].sort()).toEqual([...new Set(Object.values(ERROR_STATUS))].sort());
  });

  it('describes the revenue report with the type the report function returns', () => {
    expectTypeOf<z.infer<typeof revenueReportOut>>().toEqualTypeOf<RevenueReport>();
  });
});

describe('GET /api/v1/openapi.json', () => {
  it('serves the document as public, cacheable JSON', async () => {
    const response = getOpenApiJson();
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(response.headers.get('cache-control')).toContain('public');
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(doc)));
  });
});
