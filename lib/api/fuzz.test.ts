import { randomInt } from 'node:crypto';

import { beforeAll, expect, it } from 'vitest';

import {
  createKey,
  ENDPOINTS,
  send,
  setPlan,
  uniqueSlug,
  UNKNOWN_PATH_ROUTE,
  WRITABLE_TABLES,
  type ApiResponse,
  type Endpoint,
  type HttpMethod,
  type RouteModule,
} from '@/test/api';
import { pointAppAt } from '@/test/app-env';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, withClient, type SeededTenant } from '@/test/fixtures';

// 1,200 broken requests with a valid key, against every endpoint and method: junk JSON (wrong
// types, huge numbers, unicode, NUL, unpaired surrogates, prototype-pollution keys, deep nesting),
// malformed JSON, wrong content types, bodies over 64 KB, junk query strings, malformed, random and
// other tenants' ids, stale versions, random Idempotency-Keys. Every request is built to be wrong
// in at least one way, so none may succeed and nothing may be written, in either tenant. None may
// answer 5xx, and every error is problem+json.
//
// The PRNG is seeded; a failure prints the seed. Replay with FUZZ_SEED=<seed> npx vitest run lib/api/fuzz.test.ts

const database = setupTestDatabase();
pointAppAt(database);
const ops = () => database.current.urls.ops;

const REQUESTS = 1_200;
const CONCURRENCY = 6;
const SEED = Number(process.env.FUZZ_SEED ?? randomInt(2 ** 31));

let acme: SeededTenant;
let globex: SeededTenant;
let key: string;
let readKey: string;
/** acme's orders by state: the fuzz must never find one it could legitimately act on. */
let own: { pending: string; paid: string; cancelled: string };

beforeAll(async () => {
  acme = await seedTenant(ops(), uniqueSlug('acme'));
  globex = await seedTenant(ops(), uniqueSlug('globex'));
  // Enterprise limits: 1,200 requests in a minute must meet validation, not the rate limiter.
  await setPlan(ops(), acme.id, 'enterprise');
  await setPlan(ops(), globex.id, 'enterprise');
  key = await createKey(acme);
  readKey = await createKey(acme, 'read');
  const [pending, paid, cancelled] = acme.orderIds as [string, string, string];
  own = { pending, paid, cancelled };
  await withClient(ops(), async (db) => {
    for (const t of [acme, globex]) {
      await db.query(`UPDATE orders SET status = 'paid', paid_at = now() WHERE id = $1`, [t.orderIds[1]]);
      await db.query(`INSERT INTO payments (tenant_id, order_id, amount) SELECT tenant_id, id, total FROM orders WHERE id = $1`, [
        t.orderIds[1],
      ]);
      await db.query(`UPDATE orders SET status = 'cancelled', cancelled_at = now() WHERE id = $1`, [t.orderIds[2]]);
    }
  });
});

// ── A seeded PRNG (mulberry32) and what it draws ─────────────────────────────────────────────────

class Dice {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }
  uuid(): string {
    const hex = (n: number) => Array.from({ length: n }, () => this.int(0, 15).toString(16)).join('');
    return `${hex(8)}-${hex(4)}-4${hex(3)}-${this.pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
  }
}

/** A JSON value as text is built, so keys like __proto__ stay plain keys and numbers can overflow. */
type Json = null | boolean | number | string | Json[] | { entries: [string, Json][] } | { raw: string };

function render(value: Json): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(render).join(',')}]`;
  if ('raw' in value) return value.raw;
  return `{${value.entries.map(([k, v]) => `${JSON.stringify(k)}:${render(v)}`).join(',')}}`;
}

const TEXTS = [
  '',
  ' ',
  'a',
  'Zürich',
  '東京',
  '👩‍👩‍👧',
  'e\u0301',
  '\u202eRTL',
  'zero\u200bwidth',
  '\ufeffBOM',
  'NaN',
  'Infinity',
  '-Infinity',
  '1e309',
  '0x1F',
  '١٢٣',
  'null',
  'undefined',
  'true',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${7*7}',
  '{{7*7}}',
  '%00',
  '../../etc/passwd',
  'NUL\u0000byte',
  'half \ud83d',
  '\udc00 low',
  '2026-02-30',
  '9999-99-99',
  '-1',
  '1.5',
  'DROP TABLE orders;',
] as const;
const NUMBERS = [0, -0, 1, -1, 1.5, 0.1, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1, 2 ** 53 + 2, 1e15, 1e308, -1e308, 5e-324, 100_000_001] as const;
const RAW_NUMBERS = ['1e400', '-1e400', '123456789012345678901234567890', '1E2', '-0.0', '0.0000000000000000000001'] as const;

function text(d: Dice): string {
  switch (d.int(0, 3)) {
    case 0:
      return d.pick(TEXTS);
    case 1:
      return d.pick(['x', 'é', '字', '🙂', 'ab ']).repeat(d.int(100, 20_000));
    case 2:
      return Array.from({ length: d.int(1, 40) }, () => String.fromCharCode(d.int(32, 126))).join('');
    default:
      return Array.from({ length: d.int(1, 12) }, () => String.fromCharCode(d.int(0, 0xffff))).join('');
  }
}

function scalar(d: Dice): Json {
  switch (d.int(0, 4)) {
    case 0:
      return null;
    case 1:
      return d.chance(0.5);
    case 2:
      return d.chance(0.5) ? d.pick(NUMBERS) : d.int(-1_000_000, 1_000_000) / d.pick([1, 3, 100]);
    case 3:
      return { raw: d.pick(RAW_NUMBERS) };
    default:
      return text(d);
  }
}

function junk(d: Dice, depth = 0): Json {
  const roll = d.int(0, depth > 2 ? 4 : 8);
  if (roll <= 4) return scalar(d);
  if (roll === 5) return Array.from({ length: d.int(0, 4) }, () => junk(d, depth + 1));
  if (roll === 6)
    return {
      entries: Array.from(
        { length: d.int(0, 4) },
        () => [d.chance(0.5) ? d.pick(UNKNOWN_KEYS) : text(d).slice(0, 30), junk(d, depth + 1)] as [string, Json],
      ),
    };
  if (roll === 7) {
    const n = d.int(50, 20_000);
    return d.chance(0.5) ? { raw: `${'['.repeat(n)}${']'.repeat(n)}` } : { raw: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}` };
  }
  return { raw: `[${Array.from({ length: d.int(100, 5_000) }, () => d.int(0, 9)).join(',')}]` };
}

/** Keys no request schema has: each one alone makes a body invalid. */
const UNKNOWN_KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'id',
  'tenantId',
  'tenant_id',
  'createdAt',
  'status',
  '',
  ' ',
  '💥',
  '$where',
  'a.b',
  '0',
  'x'.repeat(300),
] as const;

const FIELDS: Record<NonNullable<Endpoint['body']>, readonly string[]> = {
  orderCreate: ['customerId', 'notes', 'lines'],
  orderUpdate: ['version', 'customerId', 'notes', 'lines'],
  orderPay: ['method'],
  orderRefund: ['amount', 'reason'],
  customerCreate: ['name', 'email', 'phone', 'company', 'notes'],
  customerUpdate: ['version', 'name', 'email', 'phone', 'company', 'notes'],
  productCreate: ['sku', 'name', 'description', 'unitPrice'],
  productUpdate: ['version', 'sku', 'name', 'description', 'unitPrice'],
};
const QUERY_PARAMS: Record<NonNullable<Endpoint['query']>, readonly string[]> = {
  orderList: ['cursor', 'status', 'customerId', 'from', 'to', 'search', 'sort'],
  catalogueList: ['cursor', 'search', 'archived'],
  revenue: ['from', 'to', 'granularity'],
};

// ── What a request is made of ──────────────────────────────────────────────────────────────────

interface FuzzRequest {
  /** Which kind of wrong this request is, for the report. */
  kind: string;
  route: RouteModule;
  method: HttpMethod;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  body?: string;
}

const idsOf = (t: SeededTenant, kind: Endpoint['takes']) =>
  kind === 'order' ? t.orderIds : kind === 'customer' ? t.customerIds : t.productIds;

function malformedId(d: Dice): string {
  const foreign = d.pick(globex.orderIds);
  return d.pick([
    '',
    'abc',
    '1',
    '-1',
    '0',
    'null',
    'undefined',
    `${foreign}x`,
    foreign.replaceAll('-', ''),
    '../customers',
    '%00',
    ` ${foreign}`,
    '東京',
    "1' OR '1'='1",
    '00000000-0000-0000-0000-00000000000g',
    foreign.slice(0, 35),
  ]);
}

/** An id that names nothing acme may touch: another tenant's (of any kind), a random one, or junk. */
function strangerId(d: Dice, kind: Endpoint['takes']): string {
  switch (d.int(0, 3)) {
    case 0:
      return d.pick(idsOf(globex, kind));
    case 1:
      return d.pick([...globex.orderIds, ...globex.customerIds, ...globex.productIds]).toUpperCase();
    case 2:
      return d.chance(0.1) ? '00000000-0000-0000-0000-000000000000' : d.uuid();
    default:
      return malformedId(d);
  }
}

/** Any id at all, acme's own included: for requests already broken some other way. */
const anyId = (d: Dice, kind: Endpoint['takes']) => (d.chance(0.5) ? d.pick(idsOf(acme, kind)) : strangerId(d, kind));

function idempotencyKey(d: Dice): string {
  return d.pick([
    'retry-1',
    'retry-2',
    'retry-3',
    d.uuid(),
    'x'.repeat(d.int(250, 300)),
    'with space',
    'caf\u00e9',
    '',
    '\t',
    String.fromCharCode(d.int(0x21, 0x7e)).repeat(d.int(1, 8)),
  ]);
}

/** Headers around a valid key: sometimes an Idempotency-Key, a junk request id, a lying length. */
function headersFor(d: Dice, method: HttpMethod, contentType?: string): Record<string, string> {
  const headers: Record<string, string> = { authorization: `${d.pick(['Bearer', 'bearer', 'BEARER'])} ${key}` };
  if (contentType !== undefined) headers['content-type'] = contentType;
  if (method === 'POST' && d.chance(0.4)) headers['idempotency-key'] = idempotencyKey(d);
  if (d.chance(0.1)) headers['x-request-id'] = d.pick(['', 'a b', 'x'.repeat(100), '<id>', 'ok-id_1']);
  if (d.chance(0.05)) headers['content-length'] = d.pick(['99999999', '-1', 'abc']);
  return headers;
}

function target(d: Dice, e: Endpoint, id: string): Pick<FuzzRequest, 'route' | 'method' | 'path' | 'params'> {
  return {
    route: e.route,
    method: e.method,
    path: `/api/v1${e.path.replace('{id}', encodeURIComponent(id))}`,
    params: e.takes ? { id } : {},
  };
}

// A body that would be accepted if everything else about its request were right.
function plausibleBody(d: Dice, e: Endpoint, version: number): Json | undefined {
  const line = (): Json => ({
    entries: [
      ['productId', d.pick(acme.productIds)],
      ['quantity', d.int(1, 10)],
    ],
  });
  switch (e.body) {
    case 'orderCreate':
      return {
        entries: [
          ['customerId', d.pick(acme.customerIds)],
          ['lines', [line()]],
        ],
      };
    case 'orderUpdate':
      return {
        entries: [
          ['version', version],
          ['notes', 'Please ring twice'],
        ],
      };
    case 'orderPay':
      return d.chance(0.5) ? { entries: [] } : { entries: [['method', d.pick(['manual', 'card', 'bank_transfer'])]] };
    case 'orderRefund':
      return {
        entries: [
          ['amount', d.int(1, 1001)],
          ['reason', 'Fuzz'],
        ],
      };
    case 'customerCreate':
      return {
        entries: [
          ['name', 'Fuzz Customer'],
          ['email', `fuzz${d.int(0, 1e6)}@example.test`],
        ],
      };
    case 'customerUpdate':
    case 'productUpdate':
      return {
        entries: [
          ['version', version],
          ['name', 'Fuzzed'],
        ],
      };
    case 'productCreate':
      return {
        entries: [
          ['sku', `FUZZ-${d.int(0, 1e6)}`],
          ['name', 'Fuzz product'],
          ['unitPrice', d.int(0, 100_000)],
        ],
      };
    case undefined:
      return undefined;
  }
}

const STALE_VERSIONS = [2, 3, 99, 2 ** 31 - 1, 2 ** 31, 2 ** 53 - 1] as const;

/**
 * A well-formed request the handler must refuse: an id of another tenant or of nothing, a stale
 * version, an order in a state that forbids the action, a foreign id inside the body, a taken SKU.
 */
function semantic(d: Dice, e: Endpoint): Omit<FuzzRequest, 'kind' | 'headers'> & { body?: string } {
  const stranger = e.takes && d.chance(0.4);
  if (stranger) {
    const id = strangerId(d, e.takes);
    const body = plausibleBody(d, e, 1);
    return { ...target(d, e, id), body: body === undefined ? undefined : render(body) };
  }
  const bodyOf = (value: Json | undefined) => (value === undefined ? undefined : render(value));
  switch (e.name) {
    case 'POST /orders': {
      const foreignOrRandom = () => (d.chance(0.5) ? d.pick(globex.productIds) : d.uuid());
      const badCustomer = d.chance(0.5);
      const lines: Json[] = Array.from({ length: d.int(1, 3) }, () => ({
        entries: [
          ['productId', d.pick(acme.productIds)],
          ['quantity', d.int(1, 10_000)],
        ] as [string, Json][],
      }));
      if (!badCustomer) (lines[d.int(0, lines.length - 1)] as { entries: [string, Json][] }).entries[0]![1] = foreignOrRandom();
      const customerId = badCustomer ? (d.chance(0.5) ? d.pick(globex.customerIds) : d.uuid()) : d.pick(acme.customerIds);
      return {
        ...target(d, e, ''),
        body: render({
          entries: [
            ['customerId', customerId],
            ['lines', lines],
          ],
        }),
      };
    }
    case 'POST /orders/{id}/pay':
      return { ...target(d, e, d.pick([own.paid, own.cancelled])), body: bodyOf(plausibleBody(d, e, 1)) };
    case 'POST /orders/{id}/cancel':
      return target(d, e, d.pick([own.paid, own.cancelled]));
    case 'POST /orders/{id}/refund':
      return d.chance(0.5)
        ? { ...target(d, e, d.pick([own.pending, own.cancelled])), body: bodyOf(plausibleBody(d, e, 1)) }
        : { ...target(d, e, own.paid), body: render({ entries: [['amount', d.int(1_002, 100_000_000)]] }) };
    case 'POST /customers': {
      const broken: [string, Json] = d.pick<[string, Json]>([
        ['name', 'n'.repeat(d.int(121, 500))],
        ['email', d.pick(['no-at-sign', 'a@', '@b', 'a b@c.d', text(d)])],
        ['phone', '1'.repeat(d.int(41, 100))],
        ['notes', `nul\u0000${text(d)}`],
        ['company', 'half \ud800'],
      ]);
      return { ...target(d, e, ''), body: render({ entries: [['name', 'Fuzz Customer'], ['email', 'fuzz@example.test'], broken] }) };
    }
    case 'POST /products': {
      // JSON keeps the last of a repeated key: the broken field overrides its good value.
      const broken: [string, Json] = d.pick<[string, Json]>([
        ['sku', d.pick(acme.productIds.map((_, i) => `${acme.canary}-SKU-${i}`))],
        ['sku', d.pick(['has space', 'semi;colon', 'ümlaut', ''])],
        ['unitPrice', d.pick([-1, 100_000_001, 1.5, 2 ** 31])],
      ]);
      return { ...target(d, e, ''), body: render({ entries: [['sku', 'FUZZ-OK'], ['name', 'Fuzz product'], ['unitPrice', 1], broken] }) };
    }
    case 'GET /reports/revenue': {
      const t = target(d, e, '');
      const query = d.pick([
        'from=2026-12-31&to=2026-01-01',
        'from=2020-01-01&to=2026-12-31&granularity=day',
        'from=0001-01-01&to=9999-12-31&granularity=week',
      ]);
      return { ...t, path: `${t.path}?${query}` };
    }
    default: {
      if (e.method === 'GET') return target(d, e, strangerId(d, e.takes));
      // A PATCH of an own record with a version someone else has moved past.
      return { ...target(d, e, d.pick(idsOf(acme, e.takes))), body: bodyOf(plausibleBody(d, e, d.pick(STALE_VERSIONS))) };
    }
  }
}

/** A JSON object with some of the schema's fields (junk values) and at least one it does not know. */
function objectWithUnknownKey(d: Dice, e: Endpoint): Json {
  const known = e.body ? FIELDS[e.body] : [];
  const entries: [string, Json][] = known.filter(() => d.chance(0.5)).map((field) => [field, d.chance(0.3) ? junk(d) : scalar(d)]);
  const unknown = d.pick(UNKNOWN_KEYS.filter((k) => !known.includes(k)));
  entries.splice(d.int(0, entries.length), 0, [unknown, junk(d)]);
  return { entries };
}

function malformedJson(d: Dice): string {
  const whole = render(junk(d));
  const broken = d.pick([
    () => whole.slice(0, d.int(0, Math.max(0, whole.length - 1))),
    () => `${whole}}`,
    () => `{'single': 'quotes'}`,
    () => `{"a": 1,}`,
    () => d.pick(['NaN', 'undefined', 'Infinity', '{a: 1}', '[1,,2]', '"unterminated', '\u0000', '{"a": "\\x41"}', '{"a": 01}', '--1']),
    () => `${whole} trailing`,
  ])();
  // Whitespace is an empty body, which some schemas accept; and a prefix may still parse.
  const isJson = (s: string) => {
    try {
      JSON.parse(s);
      return true;
    } catch {
      return false;
    }
  };
  return broken.trim() === '' || isJson(broken) ? `{${broken}` : broken;
}

function junkQuery(d: Dice, e: Endpoint): string {
  const known = e.query ? QUERY_PARAMS[e.query] : [];
  const value = () =>
    d.chance(0.5)
      ? d.pick([...TEXTS, 'paid', 'placed_desc', 'true', '2026-01-01', d.uuid(), d.pick(globex.customerIds)])
      : text(d).slice(0, 200);
  const encode = (s: string) => (d.chance(0.8) ? encodeURIComponent(s.toWellFormed()) : s.toWellFormed().replace(/[#&\s]/g, ''));
  const pairs: string[] = [];
  // What makes it wrong, first (so it survives whatever follows): an unknown or a repeated name.
  const culprit = d.chance(0.7)
    ? d.pick([...UNKNOWN_KEYS.filter((k) => k.trim() && !known.includes(k)), 'Status', 'limit', 'page', 'tenant'])
    : undefined;
  if (culprit) pairs.push(`${encodeURIComponent(culprit.toWellFormed())}=${encode(value())}`);
  else {
    const name = d.pick(known);
    pairs.push(`${name}=${encode(value())}`, `${name}=${encode(value())}`);
  }
  for (let i = d.int(0, 5); i > 0; i--) pairs.push(`${d.chance(0.8) ? d.pick(known) : encode(text(d).slice(0, 20))}=${encode(value())}`);
  pairs.push(...(d.chance(0.1) ? [d.pick(['%ZZ', '%00', '=', '&&', '%E0%A4%A'])] : []));
  return pairs.join('&');
}

const WITH_BODY = ENDPOINTS.filter((e) => e.method !== 'GET');
const WITH_QUERY = ENDPOINTS.filter((e) => e.query);
const WITH_ID = ENDPOINTS.filter((e) => e.takes);
/** Endpoints a well-formed request can still be refused by (a list with valid filters cannot). */
const REFUSABLE = ENDPOINTS.filter((e) => e.takes || e.method !== 'GET' || e.query === 'revenue');
const WRONG_CONTENT_TYPES = [
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/jsonx',
  'application/json5',
  'json',
  '*/*',
  'application/vnd.api+xml',
];
/** Each route module and the methods it exports that are not one of its endpoints. */
const REFUSED_METHODS = [...new Set(ENDPOINTS.map((e) => e.route))].flatMap((route) =>
  (Object.keys(route) as HttpMethod[])
    .filter((m) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].includes(m) && !ENDPOINTS.some((e) => e.route === route && e.method === m))
    .map((method) => ({ route, method, path: ENDPOINTS.find((e) => e.route === route)!.path })),
);

function fuzzRequest(d: Dice): FuzzRequest {
  const roll = d.next();
  if (roll < 0.25) {
    const e = d.pick(WITH_BODY);
    const body = d.chance(0.2)
      ? render(d.pick([null, true, 42, 'text', [], [{ entries: [] }]] as Json[]))
      : render(objectWithUnknownKey(d, e));
    return { kind: 'junk body', ...target(d, e, anyId(d, e.takes)), headers: headersFor(d, e.method, 'application/json'), body };
  }
  if (roll < 0.5) {
    const e = d.pick(REFUSABLE);
    const request = semantic(d, e);
    return {
      kind: 'refused by the handler',
      ...request,
      headers: headersFor(d, e.method, request.body === undefined ? undefined : 'application/json; charset=utf-8'),
    };
  }
  if (roll < 0.58) {
    const e = d.pick(WITH_BODY);
    return {
      kind: 'malformed JSON',
      ...target(d, e, anyId(d, e.takes)),
      headers: headersFor(d, e.method, 'application/json'),
      body: malformedJson(d),
    };
  }
  if (roll < 0.66) {
    const e = d.pick(WITH_BODY);
    const body = plausibleBody(d, e, 1) ?? { entries: [] };
    const contentType = d.chance(0.2) ? undefined : d.pick(WRONG_CONTENT_TYPES);
    return {
      kind: 'wrong content type',
      ...target(d, e, d.pick(idsOf(acme, e.takes))),
      headers: headersFor(d, e.method, contentType),
      body: render(body),
    };
  }
  if (roll < 0.7) {
    const e = d.pick(WITH_BODY);
    const body = render(plausibleBody(d, e, 1) ?? { entries: [['pad', '']] });
    const padded = `${body.slice(0, -1)}${' '.repeat(d.int(64 * 1024, 200 * 1024))}${body.slice(-1)}`;
    return {
      kind: 'oversized body',
      ...target(d, e, d.pick(idsOf(acme, e.takes))),
      headers: headersFor(d, e.method, 'application/json'),
      body: padded,
    };
  }
  if (roll < 0.82) {
    const e = d.pick(WITH_QUERY);
    const t = target(d, e, '');
    return { kind: 'junk query', ...t, path: `${t.path}?${junkQuery(d, e)}`, headers: headersFor(d, 'GET') };
  }
  if (roll < 0.9) {
    const e = d.pick(WITH_ID);
    const body = e.method === 'GET' ? undefined : d.chance(0.5) ? plausibleBody(d, e, 1) : junk(d);
    return {
      kind: 'bad id',
      ...target(d, e, d.chance(0.5) ? malformedId(d) : strangerId(d, e.takes)),
      headers: headersFor(d, e.method, 'application/json'),
      body: body === undefined ? undefined : render(body),
    };
  }
  if (roll < 0.95) {
    const { route, method, path } = d.pick(REFUSED_METHODS);
    const id = d.pick(acme.orderIds);
    return {
      kind: 'method not allowed',
      route,
      method,
      path: `/api/v1${path.replace('{id}', id)}`,
      params: { id },
      headers: headersFor(d, method, 'application/json'),
      body: method === 'GET' ? undefined : render(junk(d)),
    };
  }
  if (roll < 0.98) {
    const method = d.pick<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);
    const path = `/api/v1/${d.pick(['order', 'orders/x/y/z', 'v2/orders', 'customers/../orders', 'admin', 'tenants', encodeURIComponent(text(d).slice(0, 30).toWellFormed())])}`;
    return {
      kind: 'unknown path',
      route: UNKNOWN_PATH_ROUTE,
      method,
      path,
      params: {},
      headers: headersFor(d, method),
      body: method === 'GET' ? undefined : render(junk(d)),
    };
  }
  // A read-only key on a write its scope forbids; everything else about the request is right.
  const e = d.pick(WITH_BODY);
  const id = e.path.endsWith('/refund') ? own.paid : e.takes === 'order' ? own.pending : d.pick(idsOf(acme, e.takes));
  const body = plausibleBody(d, e, 1);
  return {
    kind: 'read-only key',
    ...target(d, e, id),
    headers: { authorization: `Bearer ${readKey}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : render(body),
  };
}

// ── The run ─────────────────────────────────────────────────────────────────────────────────────

/** Everything the API could have written, per tenant (api_keys without last_used_at, which requests stamp). */
async function snapshot(tenantId: string) {
  return withClient(ops(), async (db) => {
    const tables: Record<string, unknown[]> = {};
    for (const table of WRITABLE_TABLES) {
      const columns = table === 'api_keys' ? 'id, name, scope, revoked_at' : '*';
      tables[table] = (await db.query(`SELECT ${columns} FROM ${table} WHERE tenant_id = $1 ORDER BY id`, [tenantId])).rows;
    }
    return tables;
  });
}

const VALIDATION = new Set([400, 404, 405, 413, 415, 422]);

it(`${REQUESTS} broken requests: no 5xx, every error problem+json, nothing written in either tenant`, { timeout: 120_000 }, async () => {
  console.info(`API fuzz seed ${SEED} — replay with FUZZ_SEED=${SEED} npx vitest run lib/api/fuzz.test.ts`);
  const before = { acme: await snapshot(acme.id), globex: await snapshot(globex.id) };

  const d = new Dice(SEED);
  const requests = Array.from({ length: REQUESTS }, () => fuzzRequest(d));
  const answers: ApiResponse[] = new Array(requests.length);
  let nextIndex = 0;
  const worker = async () => {
    for (let i = nextIndex++; i < requests.length; i = nextIndex++) {
      const r = requests[i]!;
      const request = new Request(`http://localhost${r.path}`, { method: r.method, headers: r.headers, body: r.body });
      answers[i] = await send(r.route, request, r.params);
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));

  const describeCase = (i: number) => {
    const r = requests[i]!;
    return `#${i} [${r.kind}] ${r.method} ${r.path.slice(0, 160)} ${JSON.stringify(r.headers).slice(0, 200)} body=${JSON.stringify((r.body ?? '').slice(0, 200))} → ${answers[i]!.status} ${answers[i]!.text.slice(0, 300)}`;
  };
  const wrong = answers.flatMap((res, i) => {
    const problems: string[] = [];
    if (res.status >= 500) problems.push('server error');
    if (res.status < 400) problems.push('a broken request succeeded');
    if (res.status >= 400 && res.headers.get('content-type') !== 'application/problem+json') problems.push('error is not problem+json');
    if (res.status >= 400 && res.json?.status !== res.status) problems.push('problem body disagrees with the status');
    return problems.length ? [`${problems.join(', ')}: ${describeCase(i)}`] : [];
  });
  expect(wrong.slice(0, 10), `seed ${SEED}: ${wrong.length} wrong answers`).toEqual([]);

  const byStatus = answers.reduce<Record<number, number>>((acc, res) => ({ ...acc, [res.status]: (acc[res.status] ?? 0) + 1 }), {});
  const byKind = requests.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.kind]: (acc[r.kind] ?? 0) + 1 }), {});
  console.info(`statuses ${JSON.stringify(byStatus)}; kinds ${JSON.stringify(byKind)}`);
  const validation = answers.filter((res) => VALIDATION.has(res.status)).length;
  expect(validation, `seed ${SEED}: only ${validation} of ${answers.length} answers came from validation`).toBeGreaterThanOrEqual(
    answers.length / 2,
  );
  // Every kind of wrong was tried.
  expect(Object.keys(byKind).sort()).toEqual(
    [
      'bad id',
      'junk body',
      'junk query',
      'malformed JSON',
      'method not allowed',
      'oversized body',
      'read-only key',
      'refused by the handler',
      'unknown path',
      'wrong content type',
    ].sort(),
  );

  expect(await snapshot(acme.id), `seed ${SEED}: something was written in the fuzzed tenant`).toEqual(before.acme);
  expect(await snapshot(globex.id), `seed ${SEED}: something was written in the other tenant`).toEqual(before.globex);
});
