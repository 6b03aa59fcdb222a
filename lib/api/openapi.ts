import { OpenApiGeneratorV31, OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

import { can, ROLES, SCOPE_PERMISSIONS, type ApiKeyScope, type Permission } from '../auth/permissions';
import { PLAN_NAMES, PLANS } from '../billing/plans';
import { ERROR_STATUS, type ErrorCode } from '../errors';
import { PAGE_SIZE } from '../pagination';
import { MAX_BODY_BYTES } from './body';
import { IDEMPOTENCY_TTL_MS } from './idempotency';
import * as s from './schemas';

// The OpenAPI 3.1 document of /api/v1, generated from the zod schemas the handlers parse with
// (./schemas.ts) and from the one error-code → status map (lib/errors.ts), so the reference cannot
// drift from what the API does: a new field, a tightened limit or a new error code changes the
// document with it. Served at /api/v1/openapi.json and rendered as /docs/api.

// ── Shared pieces ─────────────────────────────────────────────────────────────────────────────────

/** RFC 9457 problem details: the one error body of the API (lib/http/problem.ts writes it). */
export const problemOut = z
  .object({
    type: z.string().meta({
      description: 'A URI naming the error code, https://bulkhead.dev/problems/<code>.',
      example: 'https://bulkhead.dev/problems/not_found',
    }),
    title: z.string().meta({ description: 'A short, fixed summary of the code.', example: 'Not found' }),
    status: z.number().int().meta({ description: 'The HTTP status, repeated.', example: 404 }),
    detail: z.string().meta({ description: 'What went wrong this time, in words a person can act on.', example: 'No such order.' }),
    errors: z
      .record(z.string(), z.array(z.string()))
      .optional()
      .meta({
        description:
          "Every invalid field with its messages, keyed by the field's dotted path ('lines.0.quantity'); unknown fields are named too.",
        example: { email: ['Enter a valid email address.'], colour: ['Unknown field; remove it or check its spelling.'] },
      }),
    requestId: z
      .string()
      .optional()
      .meta({ description: 'On a 500 only: quote it when you report the problem; the details are in our log under it.' }),
  })
  .meta({ id: 'Problem' });

export const revenueReportOut = s.revenueReportOut;

const recordId = (what: string) =>
  z.object({
    id: z
      .uuid()
      .meta({ description: `The ${what}'s id. An id of another workspace's ${what} is the same 404 as one that does not exist.` }),
  });

/** What each error code means, for every operation; an operation may say it more precisely. */
export const ERROR_MEANINGS: Readonly<Record<ErrorCode, string>> = {
  bad_request:
    'The body is not valid JSON, a body was sent to an endpoint that takes none, or an Idempotency-Key is not 1–255 visible ASCII characters.',
  unauthorized: 'No API key, a malformed Authorization header, or a key that is unknown, revoked, or whose creator has left the workspace.',
  forbidden: "The key's scope or its creator's current role does not allow this operation, or the workspace is suspended.",
  quota_exceeded: "The workspace's plan limit is reached; an owner can change the plan under Settings → Billing.",
  not_found: "No such record — and the same answer for another workspace's id, so an id never reveals that it exists.",
  method_not_allowed: 'The path exists but does not take this method; the Allow header lists those it takes.',
  conflict: 'The record changed since you read it (send the version you read), or its state does not allow this.',
  payload_too_large: `The body is larger than ${MAX_BODY_BYTES / 1024} KB.`,
  unsupported_media_type: 'A body was sent with a Content-Type other than application/json.',
  validation_failed:
    'A field or query parameter is not valid, or unknown: errors names each one. Or an Idempotency-Key was reused for a different request.',
  rate_limited: "This key's or this workspace's requests per minute are used up; wait Retry-After seconds.",
  internal: 'Something failed on our side and nothing was changed; requestId identifies the request in our log.',
  tenant_busy:
    'The workspace already runs as many database operations at once as its plan allows (by default free 2, pro 4, enterprise 8), and this request waited its bounded time for a turn; nothing was changed. Retry after Retry-After seconds: other workspaces are not affected.',
  statement_timeout:
    "A database query of this request ran longer than the plan's statement timeout (by default free 5 s, pro 15 s, enterprise 60 s) and was stopped; nothing was changed. Narrow the request (a shorter date range, a more selective filter) before retrying: the same request would take as long again, so there is no Retry-After.",
  tenant_moving:
    'The workspace is moving to another tier, and its writes are paused for a second or two while the last changes are copied and checked; nothing was changed. Retry after Retry-After seconds: the retry goes to the workspace in its new home. Reads are never paused.',
};

// ── Headers and security ──────────────────────────────────────────────────────────────────────────

const IDEMPOTENCY_HOURS = IDEMPOTENCY_TTL_MS / 3_600_000;
const idempotencyKeyParameter = {
  name: 'Idempotency-Key',
  in: 'header' as const,
  required: false,
  description:
    `Makes a retry safe: the same key with the same request within ${IDEMPOTENCY_HOURS} hours returns the first response (with Idempotent-Replayed: true) and writes nothing again; ` +
    'the same key with a different request is a 422. A request that failed leaves no record and may be retried with its key. Keys are per workspace; a UUID is a good choice.',
  schema: { type: 'string' as const, minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]{1,255}$' },
  example: '5b0f5a4e-8a47-4d53-9d55-2f0bd4c3e0d1',
};

const HEADERS = {
  'X-Request-Id': {
    description: 'The id of this request in our logs (your own X-Request-Id when it is 1–64 letters, digits, _ or -).',
    schema: { type: 'string' },
  },
  'RateLimit-Limit': {
    description: 'Requests per minute allowed to the tighter of this key and this workspace.',
    schema: { type: 'integer' },
  },
  'RateLimit-Remaining': { description: 'Requests left in the current window.', schema: { type: 'integer' } },
  'RateLimit-Reset': { description: 'Seconds until the window resets.', schema: { type: 'integer' } },
  'RateLimit-Policy': { description: 'The limit, its window and its scope, e.g. 600;w=60;scope="key".', schema: { type: 'string' } },
  'Retry-After': {
    description:
      'Seconds to wait before the next request (on a 429, and on a 503 tenant_busy or tenant_moving; never on a 503 statement_timeout).',
    schema: { type: 'integer' },
  },
  'Idempotent-Replayed': {
    description: 'true when this is the stored response of an earlier request with the same Idempotency-Key.',
    schema: { type: 'string', const: 'true' },
  },
} as const;
type HeaderName = keyof typeof HEADERS;

const headerRefs = (...names: HeaderName[]) => Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
const RATE_LIMIT_HEADERS: HeaderName[] = ['RateLimit-Limit', 'RateLimit-Remaining', 'RateLimit-Reset', 'RateLimit-Policy'];

export const SECURITY_SCHEME = 'apiKey';

/** The narrowest key scope that allows `permission`, and the creator roles under which it does. */
export function keyRequirement(permission: Permission): { scope: ApiKeyScope; roles: string[] } {
  const scope: ApiKeyScope = SCOPE_PERMISSIONS.read.has(permission) ? 'read' : 'read_write';
  return { scope, roles: ROLES.filter((role) => can(role, permission)) };
}

// ── Operations ────────────────────────────────────────────────────────────────────────────────────

type Tag = 'Orders' | 'Customers' | 'Products' | 'Reports';

export interface Operation {
  method: 'get' | 'post' | 'patch';
  /** Below /api/v1, with `{id}` for the record id. */
  path: string;
  operationId: string;
  tag: Tag;
  summary: string;
  description?: string;
  /** The permission the route file gives apiRoute(). */
  permission: Permission;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required?: boolean; example: unknown };
  /** An example query string for the curl sample. */
  exampleQuery?: string;
  success: { status: 200 | 201; description: string; schema: z.ZodType };
  /** Codes this operation may answer beyond those every operation of its kind may, with what they mean here. */
  errors?: Partial<Record<ErrorCode, string>>;
}

const orderPage = s.page(s.orderSummaryOut, 'OrderPage');
const customerPage = s.page(s.customerOut, 'CustomerPage');
const productPage = s.page(s.productOut, 'ProductPage');
const EXAMPLE_ID = {
  customer: '01970a3e-7c2b-7d4e-9a51-3f6c2e8b1d04',
  product: '01970a3e-7c2b-7d4e-9a51-3f6c2e8b1d05',
};
const listNote = (what: string) => `${PAGE_SIZE} ${what} a page; pass nextCursor as cursor for the next page (null on the last).`;
const versionConflict = (what: string) => `Someone changed this ${what} since you read its version; read it again and reapply your change.`;

/** Every operation of /api/v1; lib/api/openapi.test.ts checks each against its route file's apiRoute() options. */
export const OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/orders',
    operationId: 'listOrders',
    tag: 'Orders',
    summary: 'List orders',
    description: `Newest first unless sort says otherwise. search matches the order number (#1042 or 1042) and the customer's name or email. ${listNote('orders')}`,
    permission: 'orders.view',
    query: s.orderListQuery,
    exampleQuery: 'status=paid&sort=total_desc',
    success: { status: 200, description: 'A page of orders.', schema: orderPage },
  },
  {
    method: 'post',
    path: '/orders',
    operationId: 'createOrder',
    tag: 'Orders',
    summary: 'Create an order',
    description: 'Prices come from the catalogue at the time of the order, never from the request. The order starts as pending.',
    permission: 'orders.create',
    body: {
      schema: s.orderCreate,
      example: { customerId: EXAMPLE_ID.customer, notes: 'Deliver after 2 pm', lines: [{ productId: EXAMPLE_ID.product, quantity: 2 }] },
    },
    success: { status: 201, description: 'The new order.', schema: s.orderOut },
    errors: {
      quota_exceeded: "The plan's orders per month are used up.",
      validation_failed: 'A field is not valid, or the customer or a product is unknown or archived: errors names each.',
    },
  },
  {
    method: 'get',
    path: '/orders/{id}',
    operationId: 'getOrder',
    tag: 'Orders',
    summary: 'Get an order',
    description: 'With its lines, payments and refunds.',
    permission: 'orders.view',
    success: { status: 200, description: 'The order.', schema: s.orderOut },
  },
  {
    method: 'patch',
    path: '/orders/{id}',
    operationId: 'updateOrder',
    tag: 'Orders',
    summary: 'Update an order',
    description: 'Only an unpaid order can be edited. Omitted fields keep their value; lines, when given, replace all lines.',
    permission: 'orders.update',
    body: {
      schema: s.orderUpdate,
      example: { version: 1, notes: 'Leave at the front desk', lines: [{ productId: EXAMPLE_ID.product, quantity: 3 }] },
    },
    success: { status: 200, description: 'The updated order.', schema: s.orderOut },
    errors: { conflict: `${versionConflict('order')} Or the order is no longer editable (paid, refunded or cancelled).` },
  },
  {
    method: 'post',
    path: '/orders/{id}/pay',
    operationId: 'payOrder',
    tag: 'Orders',
    summary: 'Mark an order paid',
    description: 'Records one payment of the order total. The body is optional; method defaults to manual.',
    permission: 'orders.pay',
    body: { schema: s.orderPay, required: false, example: { method: 'card' } },
    success: { status: 200, description: 'The paid order.', schema: s.orderOut },
    errors: { conflict: 'The order is not unpaid (already paid, refunded or cancelled), or its total is zero.' },
  },
  {
    method: 'post',
    path: '/orders/{id}/refund',
    operationId: 'refundOrder',
    tag: 'Orders',
    summary: 'Refund an order',
    description: 'A full or partial refund, at most the order’s refundable amount. The order becomes partially_refunded or refunded.',
    permission: 'orders.refund',
    body: { schema: s.orderRefund, example: { amount: 1250, reason: 'Damaged in transit' } },
    success: { status: 200, description: 'The refunded order.', schema: s.orderOut },
    errors: {
      conflict: 'Only a paid or partially refunded order can be refunded.',
      validation_failed: 'A field is not valid, or amount is more than can still be refunded: errors names each.',
    },
  },
  {
    method: 'post',
    path: '/orders/{id}/cancel',
    operationId: 'cancelOrder',
    tag: 'Orders',
    summary: 'Cancel an order',
    description: 'Only an unpaid order can be cancelled; refund a paid one instead. Send no body or an empty object.',
    permission: 'orders.cancel',
    body: { schema: s.orderCancel, required: false, example: {} },
    success: { status: 200, description: 'The cancelled order.', schema: s.orderOut },
    errors: { conflict: 'The order is not unpaid: refund it instead.' },
  },
  {
    method: 'get',
    path: '/customers',
    operationId: 'listCustomers',
    tag: 'Customers',
    summary: 'List customers',
    description: `By name. search matches name, email and company; archived=true lists the archived ones instead. ${listNote('customers')}`,
    permission: 'customers.view',
    query: s.catalogueListQuery,
    exampleQuery: 'search=acme',
    success: { status: 200, description: 'A page of customers.', schema: customerPage },
  },
  {
    method: 'post',
    path: '/customers',
    operationId: 'createCustomer',
    tag: 'Customers',
    summary: 'Create a customer',
    permission: 'customers.create',
    body: { schema: s.customerCreate, example: { name: 'Ada Lovelace', email: 'ada@example.com', company: 'Analytical Engines Ltd' } },
    success: { status: 201, description: 'The new customer.', schema: s.customerOut },
  },
  {
    method: 'get',
    path: '/customers/{id}',
    operationId: 'getCustomer',
    tag: 'Customers',
    summary: 'Get a customer',
    permission: 'customers.view',
    success: { status: 200, description: 'The customer.', schema: s.customerOut },
  },
  {
    method: 'patch',
    path: '/customers/{id}',
    operationId: 'updateCustomer',
    tag: 'Customers',
    summary: 'Update a customer',
    description: 'Omitted fields keep their value; null clears an optional one.',
    permission: 'customers.update',
    body: { schema: s.customerUpdate, example: { version: 1, phone: '+44 20 7946 0958' } },
    success: { status: 200, description: 'The updated customer.', schema: s.customerOut },
    errors: { conflict: versionConflict('customer') },
  },
  {
    method: 'get',
    path: '/products',
    operationId: 'listProducts',
    tag: 'Products',
    summary: 'List products',
    description: `By name. search matches name and SKU; archived=true lists the archived ones instead. ${listNote('products')}`,
    permission: 'products.view',
    query: s.catalogueListQuery,
    exampleQuery: 'search=widget',
    success: { status: 200, description: 'A page of products.', schema: productPage },
  },
  {
    method: 'post',
    path: '/products',
    operationId: 'createProduct',
    tag: 'Products',
    summary: 'Create a product',
    description: 'unitPrice is in minor units of the workspace currency.',
    permission: 'products.create',
    body: { schema: s.productCreate, example: { sku: 'WID-042', name: 'Widget, large', unitPrice: 1999 } },
    success: { status: 201, description: 'The new product.', schema: s.productOut },
    errors: { conflict: 'Another product already has this SKU (errors.sku says so).' },
  },
  {
    method: 'get',
    path: '/products/{id}',
    operationId: 'getProduct',
    tag: 'Products',
    summary: 'Get a product',
    permission: 'products.view',
    success: { status: 200, description: 'The product.', schema: s.productOut },
  },
  {
    method: 'patch',
    path: '/products/{id}',
    operationId: 'updateProduct',
    tag: 'Products',
    summary: 'Update a product',
    description: 'Omitted fields keep their value. A new price applies to orders placed from now on.',
    permission: 'products.update',
    body: { schema: s.productUpdate, example: { version: 1, unitPrice: 2499 } },
    success: { status: 200, description: 'The updated product.', schema: s.productOut },
    errors: { conflict: `${versionConflict('product')} Or another product already has this SKU.` },
  },
  {
    method: 'get',
    path: '/reports/revenue',
    operationId: 'getRevenueReport',
    tag: 'Reports',
    summary: 'Revenue report',
    description:
      "Payments and refunds in the range, bucketed by day, ISO week or month of the workspace's time zone, with breakdowns by order status, product and customer. from and to are inclusive days in that time zone; at most 1,000 buckets.",
    permission: 'revenue.view',
    query: s.revenueQuery,
    exampleQuery: 'from=2026-01-01&to=2026-06-30&granularity=month',
    success: { status: 200, description: 'The report.', schema: revenueReportOut },
    errors: { validation_failed: 'A parameter is not valid or unknown, to is before from, or the range has more than 1,000 buckets.' },
  },
];

/** The error codes `op` can answer, in status order: what every operation of its shape meets, plus its own. */
function errorCodesOf(op: Operation): ErrorCode[] {
  // Every operation runs on the tenant's share of the pool, under its plan's statement timeout.
  const codes = new Set<ErrorCode>(['unauthorized', 'forbidden', 'rate_limited', 'internal', 'tenant_busy', 'statement_timeout']);
  if (op.path.includes('{id}')) codes.add('not_found');
  // A write meets the freeze of a workspace moving between tiers; a read never does.
  if (op.method !== 'get') codes.add('bad_request').add('payload_too_large').add('tenant_moving');
  if (op.body) codes.add('unsupported_media_type');
  if (op.body || op.query || op.method === 'post') codes.add('validation_failed');
  for (const code of Object.keys(op.errors ?? {}) as ErrorCode[]) codes.add(code);
  return [...codes].sort((a, b) => ERROR_STATUS[a] - ERROR_STATUS[b]);
}

/** What `code` means for `op`: its own words, else the general meaning narrowed to the operation's shape. */
function meaningOf(op: Operation, code: ErrorCode): string {
  const post = op.method === 'post';
  switch (code) {
    case 'bad_request':
      return [
        op.body ? 'The body is not valid JSON.' : 'A body was sent; this endpoint takes none.',
        post ? 'Or the Idempotency-Key is not 1–255 visible ASCII characters.' : '',
      ]
        .join(' ')
        .trim();
    case 'validation_failed': {
      const invalid =
        op.errors?.validation_failed ??
        (op.body
          ? 'A field is not valid, or unknown: errors names each one.'
          : op.query
            ? 'A query parameter is not valid, unknown or repeated: errors names each one.'
            : '');
      if (!post) return invalid;
      const reused = `the Idempotency-Key was used for a different request in the last ${IDEMPOTENCY_HOURS} hours.`;
      return invalid ? `${invalid} Also when ${reused}` : `When ${reused}`;
    }
    default:
      return op.errors?.[code] ?? ERROR_MEANINGS[code];
  }
}

function errorResponses(op: Operation): RouteConfig['responses'] {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(op)) byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      status,
      {
        description: codes.map((code) => `${code}: ${meaningOf(op, code)}`).join('\n\n'),
        headers: headerRefs(
          'X-Request-Id',
          ...(status === 429
            ? [...RATE_LIMIT_HEADERS, 'Retry-After' as const]
            : codes.includes('tenant_busy') || codes.includes('tenant_moving')
              ? ['Retry-After' as const]
              : []),
        ),
        content: { 'application/problem+json': { schema: problemOut } },
      },
    ]),
  );
}

function curlSample(op: Operation): string {
  const path = op.path.replace('{id}', '$ID') + (op.exampleQuery ? `?${op.exampleQuery}` : '');
  const lines = [
    `curl${op.method === 'get' ? '' : ` -X ${op.method.toUpperCase()}`} "$BULKHEAD_URL/api/v1${path}"`,
    '-H "Authorization: Bearer $BULKHEAD_API_KEY"',
  ];
  if (op.method === 'post') lines.push('-H "Idempotency-Key: $(uuidgen)"');
  if (op.body) lines.push('-H "Content-Type: application/json"', `-d '${JSON.stringify(op.body.example)}'`);
  return lines.join(' \\\n  ');
}

function routeOf(op: Operation): RouteConfig {
  const { scope, roles } = keyRequirement(op.permission);
  return {
    method: op.method,
    path: op.path,
    operationId: op.operationId,
    tags: [op.tag],
    summary: op.summary,
    description: op.description,
    // OpenAPI 3.1 lets a non-OAuth scheme list the roles it needs: here the key's scope.
    security: [{ [SECURITY_SCHEME]: [scope] }],
    'x-permission': op.permission,
    'x-creator-roles': roles,
    'x-codeSamples': [{ lang: 'Shell', label: 'curl', source: curlSample(op) }],
    ...(op.method === 'post' ? { parameters: [{ $ref: '#/components/parameters/IdempotencyKey' }] } : {}),
    request: {
      params: op.path.includes('{id}') ? recordId(op.tag.toLowerCase().replace(/s$/, '')) : undefined,
      query: op.query,
      body: op.body
        ? { required: op.body.required ?? true, content: { 'application/json': { schema: op.body.schema, example: op.body.example } } }
        : undefined,
    },
    responses: {
      [op.success.status]: {
        description: op.success.description,
        headers: headerRefs('X-Request-Id', ...RATE_LIMIT_HEADERS, ...(op.method === 'post' ? (['Idempotent-Replayed'] as const) : [])),
        content: { 'application/json': { schema: op.success.schema } },
      },
      ...errorResponses(op),
    },
  };
}

// ── The document ──────────────────────────────────────────────────────────────────────────────────

const TAGS: { name: Tag; description: string }[] = [
  {
    name: 'Orders',
    description: 'Orders with their lines, payments and refunds. Amounts are computed from the catalogue, in minor units.',
  },
  { name: 'Customers', description: 'The people and companies orders are placed for.' },
  { name: 'Products', description: 'The catalogue: SKU, name and unit price in minor units.' },
  { name: 'Reports', description: "Revenue in the workspace's currency and time zone." },
];

const rateLimitLines = PLAN_NAMES.map(
  (plan) =>
    `${PLANS[plan].label}: ${PLANS[plan].keyRequestsPerMinute.toLocaleString('en-US')} per key, ${PLANS[plan].tenantRequestsPerMinute.toLocaleString('en-US')} per workspace`,
);

const DESCRIPTION = `The REST API of one Bulkhead workspace. The API key is the only thing a request says about its workspace: no path, header or body field can name another one, and another workspace's id answers the same 404 as an id that does not exist.

- **Authentication**: \`Authorization: Bearer bk_live_…\`. Owners and admins create keys under Settings → API keys (/t/<workspace>/settings/api-keys). A \`read\` key can only read; a \`read_write\` key can also write. A key never does more than its creator's current role allows.
- **Rate limits** (requests per minute): ${rateLimitLines.join('; ')}. Every answer carries RateLimit-* headers; a 429 carries Retry-After.
- **Idempotency**: send an Idempotency-Key header with a POST to retry it safely for ${IDEMPOTENCY_HOURS} hours.
- **Errors**: RFC 9457 problem+json (\`type\`, \`title\`, \`status\`, \`detail\`, \`errors\` per field). Unknown body fields and query parameters are errors, not ignored. Other methods on a path answer 405 with an Allow header; bodies over ${MAX_BODY_BYTES / 1024} KB 413; non-JSON bodies 415.
- **Pagination**: lists return \`{ data, nextCursor }\`; pass nextCursor as \`cursor\` for the next page.
- **Money**: integers in minor units (cents) of the workspace's currency: 1250 is 12.50.

Human-readable reference: /docs/api.`;

function buildDocument() {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', SECURITY_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'bk_live_…',
    description:
      'A workspace API key, `bk_live_` followed by 43 characters. Shown once, when it is created; stored only as a hash. The required scope (read or read_write) is listed per operation.',
  });
  registry.registerComponent('parameters', 'IdempotencyKey', idempotencyKeyParameter);
  for (const [name, header] of Object.entries(HEADERS)) registry.registerComponent('headers', name, header);
  registry.registerComponent('responses', 'MethodNotAllowed', {
    description: `method_not_allowed: ${ERROR_MEANINGS.method_not_allowed}`,
    headers: { Allow: { description: 'The methods this path takes.', schema: { type: 'string' } }, ...headerRefs('X-Request-Id') },
    content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
  });
  for (const op of OPERATIONS) registry.registerPath(routeOf(op));

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: { title: 'Bulkhead API', version: '1.0.0', description: DESCRIPTION },
    servers: [{ url: '/api/v1', description: 'This deployment' }],
    security: [{ [SECURITY_SCHEME]: [] }],
    tags: TAGS,
    externalDocs: { description: 'Reference with examples', url: '/docs/api' },
  });
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;
let built: OpenApiDocument | undefined;

/** The document, built once per process (it depends only on code). */
export function openApiDocument(): OpenApiDocument {
  return (built ??= buildDocument());
}
