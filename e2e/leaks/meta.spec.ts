import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

import { expect, test } from '@playwright/test';

import { ERROR_STATUS } from '../../lib/errors';
import {
  API_ROUTES,
  NON_TENANT_ROUTES,
  PERSONAL_ACTIONS,
  POOL_REFUSALS,
  TENANT_ACTIONS,
  TENANT_PAGES,
  TENANT_ROUTE_HANDLERS,
} from './registry';

// Every route of app/ and every server action must have a leak case (or a reason it holds no
// tenant data). A new page without one fails here, naming it and saying where to add it.

const root = path.resolve(import.meta.dirname, '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? files(full) : [full];
  });
}

/** app/(auth)/sign-in/page.tsx → /sign-in ; app/t/[tenant]/page.tsx → /t/[tenant] */
function routeOf(file: string): string {
  const parts = path
    .relative(path.join(root, 'app'), path.dirname(file))
    .split(path.sep)
    .filter((p) => p && !/^\(.*\)$/.test(p));
  return `/${parts.join('/')}`;
}

test('every page and route handler in app/ has a leak case', () => {
  const routes = files(path.join(root, 'app'))
    .filter((f) => /\/(page\.tsx|route\.ts)$/.test(f))
    .map(routeOf);
  const registered = new Set([
    ...TENANT_PAGES.map((p) => p.route),
    ...TENANT_ROUTE_HANDLERS.map((r) => r.route),
    ...API_ROUTES.map((r) => r.route),
    ...Object.keys(NON_TENANT_ROUTES),
  ]);
  const missing = routes.filter((r) => !registered.has(r));
  expect(
    missing,
    `Routes without a leak case: ${missing.join(', ')}. Add each to e2e/leaks/registry.ts (TENANT_PAGES for a page under /t/[tenant], TENANT_ROUTE_HANDLERS for a route handler, API_ROUTES for /api/v1, NON_TENANT_ROUTES with the reason it holds no tenant data).`,
  ).toEqual([]);
  const stale = [...registered].filter((r) => !routes.includes(r));
  expect(stale, `Registry entries for routes that no longer exist: ${stale.join(', ')}`).toEqual([]);
  expect(routes.filter((r) => r.startsWith('/t/')).every((r) => !(r in NON_TENANT_ROUTES))).toBe(true);
});

test('every method of every API route has a leak case', () => {
  const apiFiles = files(path.join(root, 'app', 'api', 'v1')).filter((f) => f.endsWith('route.ts'));
  const implemented = apiFiles.flatMap((f) =>
    [...readFileSync(f, 'utf8').matchAll(/^export const (GET|POST|PATCH|PUT|DELETE) = apiRoute\(/gm)].map((m) => `${m[1]} ${routeOf(f)}`),
  );
  expect(implemented.length).toBeGreaterThan(10);
  const cased = new Set(API_ROUTES.map((c) => `${c.method} ${c.route}`));
  const missing = implemented.filter((m) => !cased.has(m));
  expect(missing, `API methods without a leak case: ${missing.join(', ')}. Add each to API_ROUTES in e2e/leaks/registry.ts.`).toEqual([]);
});

test('every server action has a leak case', () => {
  const actions = files(root)
    // Matched inside the repo: a checkout at /work/wt-e2e/ is not e2e/.
    .filter((f) => /\.(ts|tsx)$/.test(f) && !/node_modules|\.next|lib\/db\/generated|e2e\//.test(path.relative(root, f)))
    .filter((f) => /^\s*['"]use server['"]/m.test(readFileSync(f, 'utf8').split('\n').slice(0, 3).join('\n')))
    .flatMap((f) =>
      [...readFileSync(f, 'utf8').matchAll(/^export (?:async function|const) (\w+)/gm)].map((m) => `${path.relative(root, f)}#${m[1]}`),
    );
  expect(actions.length).toBeGreaterThan(10);
  const registered = { ...TENANT_ACTIONS, ...PERSONAL_ACTIONS };
  const missing = actions.filter((a) => !(a in registered));
  expect(
    missing,
    `Server actions without a leak case: ${missing.join(', ')}. Add each to TENANT_ACTIONS (with its attack) or PERSONAL_ACTIONS (with the reason) in e2e/leaks/registry.ts.`,
  ).toEqual([]);
  const stale = Object.keys(registered).filter((a) => !actions.includes(a));
  expect(stale, `Registry entries for actions that no longer exist: ${stale.join(', ')}`).toEqual([]);
  const tenantModules = actions.filter((a) => a.startsWith('app/t/'));
  expect(
    tenantModules.every((a) => a in TENANT_ACTIONS),
    'actions under app/t/ belong in TENANT_ACTIONS',
  ).toBe(true);
});

test('every refusal of the shared pool (a 503) has a case', () => {
  const refusals = Object.entries(ERROR_STATUS)
    .filter(([, status]) => status === 503)
    .map(([code]) => code);
  expect(refusals.length).toBeGreaterThan(0);
  const missing = refusals.filter((code) => !(code in POOL_REFUSALS));
  expect(
    missing,
    `503 codes without a case: ${missing.join(', ')}. Add each to POOL_REFUSALS in e2e/leaks/registry.ts, naming the spec or test that covers it.`,
  ).toEqual([]);
  expect(
    Object.keys(POOL_REFUSALS).filter((code) => !refusals.includes(code)),
    'POOL_REFUSALS entries that are not 503 codes',
  ).toEqual([]);
  for (const [code, where] of Object.entries(POOL_REFUSALS)) {
    const files = [...where.matchAll(/[\w/.-]+\.(?:spec|test)\.ts/g)].map((m) => m[0]);
    expect(files.length, `${code}: name the spec or test`).toBeGreaterThan(0);
    for (const file of files) expect(existsSync(path.join(root, file)), `${code}: ${file} exists`).toBe(true);
  }
});
