import type { KnownRecords, TenantUnderTest } from './support/tenants';

// The registry of leak cases: every page, route handler and server action of app/ is listed here
// with how it is attacked from another tenant — or, for the few that hold no tenant data, why not.
// e2e/leaks/meta.spec.ts fails when a route or an action exists without an entry.

export interface TenantPageCase {
  /** The route as the file system names it, e.g. /t/[tenant]/orders/[id]. */
  route: string;
  /** The path of this page for `tenant`, with that tenant's record ids. */
  path: (tenant: TenantUnderTest, records: KnownRecords) => string;
  /** The page shows rows that carry the tenant's canary (the positive control looks for it). */
  showsCanary: boolean;
  /** The page takes a record id, so it is also attacked with the other tenant's id (IDOR). */
  idor?: (tenant: TenantUnderTest, foreign: KnownRecords) => string;
}

export const TENANT_PAGES: TenantPageCase[] = [
  { route: '/t/[tenant]', path: (t) => `/t/${t.slug}`, showsCanary: true },
  { route: '/t/[tenant]/orders', path: (t) => `/t/${t.slug}/orders`, showsCanary: true },
  { route: '/t/[tenant]/orders/new', path: (t) => `/t/${t.slug}/orders/new`, showsCanary: true },
  {
    route: '/t/[tenant]/orders/[id]',
    path: (t, r) => `/t/${t.slug}/orders/${r.orderId}`,
    showsCanary: true,
    idor: (t, f) => `/t/${t.slug}/orders/${f.orderId}`,
  },
  {
    route: '/t/[tenant]/orders/[id]/edit',
    path: (t, r) => `/t/${t.slug}/orders/${r.orderId}/edit`,
    showsCanary: false,
    idor: (t, f) => `/t/${t.slug}/orders/${f.orderId}/edit`,
  },
  { route: '/t/[tenant]/customers', path: (t) => `/t/${t.slug}/customers`, showsCanary: true },
  { route: '/t/[tenant]/customers/new', path: (t) => `/t/${t.slug}/customers/new`, showsCanary: false },
  {
    route: '/t/[tenant]/customers/[id]',
    path: (t, r) => `/t/${t.slug}/customers/${r.customerId}`,
    showsCanary: true,
    idor: (t, f) => `/t/${t.slug}/customers/${f.customerId}`,
  },
  { route: '/t/[tenant]/products', path: (t) => `/t/${t.slug}/products`, showsCanary: true },
  { route: '/t/[tenant]/products/new', path: (t) => `/t/${t.slug}/products/new`, showsCanary: false },
  {
    route: '/t/[tenant]/products/[id]',
    path: (t, r) => `/t/${t.slug}/products/${r.productId}`,
    showsCanary: true,
    idor: (t, f) => `/t/${t.slug}/products/${f.productId}`,
  },
  { route: '/t/[tenant]/reports', path: (t) => `/t/${t.slug}/reports?from=2020-01-01&to=2030-12-31&granularity=month`, showsCanary: true },
  { route: '/t/[tenant]/audit', path: (t) => `/t/${t.slug}/audit`, showsCanary: false },
  { route: '/t/[tenant]/members', path: (t) => `/t/${t.slug}/members`, showsCanary: false },
  { route: '/t/[tenant]/settings', path: (t) => `/t/${t.slug}/settings`, showsCanary: false },
  { route: '/t/[tenant]/settings/billing', path: (t) => `/t/${t.slug}/settings/billing`, showsCanary: false },
  { route: '/t/[tenant]/settings/api-keys', path: (t) => `/t/${t.slug}/settings/api-keys`, showsCanary: false },
];

export interface TenantRouteCase {
  route: string;
  path: (tenant: TenantUnderTest) => string;
  showsCanary: boolean;
}

export const TENANT_ROUTE_HANDLERS: TenantRouteCase[] = [
  {
    route: '/t/[tenant]/reports/revenue.csv',
    path: (t) => `/t/${t.slug}/reports/revenue.csv?from=2020-01-01&to=2030-12-31&granularity=month&table=customers`,
    showsCanary: true,
  },
];

/**
 * The REST API (e2e/leaks/api.spec.ts), called with each tenant's demo API key. Every case runs
 * twice: with the caller's own records, answering `own` (the positive control: the route works
 * and finds the record), and with the other tenant's records, answering `foreign` — 404 for an id
 * in the path, a field error for an id in the body — and leaving that tenant's record unchanged.
 * Writes are built to be refused even with the caller's own records (a stale version, an order
 * already paid), so the suite never changes the demo data.
 */
export interface ApiRouteCase {
  route: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: (records: ApiRecords) => string;
  /** The body, given whose records fill it: 'own' is built to be refused without a write too. */
  body?: (records: ApiRecords, side: 'own' | 'foreign') => unknown;
  own: number;
  foreign: number;
  /** For a refused body: the field the foreign answer must name (the attack was seen, not a typo). */
  foreignField?: string;
  /** The answer with the caller's own records carries the caller's canary. */
  showsCanary: boolean;
}

export interface ApiRecords {
  customerId: string;
  productId: string;
  /** An order that is paid (so pay, cancel and edit are refused for its state, not its tenant). */
  paidOrderId: string;
}

const STALE = { version: 1_000_000 };
export const API_ROUTES: ApiRouteCase[] = [
  {
    route: '/api/v1/orders',
    method: 'GET',
    path: (r) => `/api/v1/orders?customerId=${r.customerId}`,
    own: 200,
    foreign: 200,
    showsCanary: true,
  },
  {
    route: '/api/v1/orders',
    method: 'POST',
    path: () => '/api/v1/orders',
    // Own: refused for its quantity. Foreign: a valid order naming the other tenant's customer and product.
    body: (r, side) => ({ customerId: r.customerId, lines: [{ productId: r.productId, quantity: side === 'own' ? 0 : 1 }] }),
    own: 422,
    foreign: 422,
    foreignField: 'customerId',
    showsCanary: false,
  },
  {
    route: '/api/v1/orders/[id]',
    method: 'GET',
    path: (r) => `/api/v1/orders/${r.paidOrderId}`,
    own: 200,
    foreign: 404,
    showsCanary: true,
  },
  {
    route: '/api/v1/orders/[id]',
    method: 'PATCH',
    path: (r) => `/api/v1/orders/${r.paidOrderId}`,
    body: () => ({ ...STALE, notes: 'Pwned' }),
    own: 409,
    foreign: 404,
    showsCanary: false,
  },
  {
    route: '/api/v1/orders/[id]/pay',
    method: 'POST',
    path: (r) => `/api/v1/orders/${r.paidOrderId}/pay`,
    body: () => ({}),
    own: 409,
    foreign: 404,
    showsCanary: false,
  },
  {
    route: '/api/v1/orders/[id]/refund',
    method: 'POST',
    path: (r) => `/api/v1/orders/${r.paidOrderId}/refund`,
    body: () => ({ amount: 99_999_999 }),
    own: 422,
    foreign: 404,
    showsCanary: false,
  },
  {
    route: '/api/v1/orders/[id]/cancel',
    method: 'POST',
    path: (r) => `/api/v1/orders/${r.paidOrderId}/cancel`,
    own: 409,
    foreign: 404,
    showsCanary: false,
  },
  { route: '/api/v1/customers', method: 'GET', path: () => '/api/v1/customers', own: 200, foreign: 200, showsCanary: true },
  {
    route: '/api/v1/customers',
    method: 'POST',
    path: () => '/api/v1/customers',
    body: (_r, side) =>
      side === 'own' ? { name: '', email: 'x@example.test' } : { name: 'Forged', email: 'x@example.test', tenantId: 'globex' },
    own: 422,
    foreign: 422,
    foreignField: 'tenantId',
    showsCanary: false,
  },
  {
    route: '/api/v1/customers/[id]',
    method: 'GET',
    path: (r) => `/api/v1/customers/${r.customerId}`,
    own: 200,
    foreign: 404,
    showsCanary: true,
  },
  {
    route: '/api/v1/customers/[id]',
    method: 'PATCH',
    path: (r) => `/api/v1/customers/${r.customerId}`,
    body: () => ({ ...STALE, name: 'Pwned' }),
    own: 409,
    foreign: 404,
    showsCanary: false,
  },
  { route: '/api/v1/products', method: 'GET', path: () => '/api/v1/products', own: 200, foreign: 200, showsCanary: true },
  {
    route: '/api/v1/products',
    method: 'POST',
    path: () => '/api/v1/products',
    body: (_r, side) =>
      side === 'own' ? { sku: 'X', name: 'X', unitPrice: -1 } : { sku: 'FORGED-1', name: 'Forged', unitPrice: 100, tenant_id: 'globex' },
    own: 422,
    foreign: 422,
    foreignField: 'tenant_id',
    showsCanary: false,
  },
  {
    route: '/api/v1/products/[id]',
    method: 'GET',
    path: (r) => `/api/v1/products/${r.productId}`,
    own: 200,
    foreign: 404,
    showsCanary: true,
  },
  {
    route: '/api/v1/products/[id]',
    method: 'PATCH',
    path: (r) => `/api/v1/products/${r.productId}`,
    body: () => ({ ...STALE, name: 'Pwned' }),
    own: 409,
    foreign: 404,
    showsCanary: false,
  },
  {
    route: '/api/v1/reports/revenue',
    method: 'GET',
    path: () => '/api/v1/reports/revenue?from=2020-01-01&to=2030-12-31&granularity=month',
    own: 200,
    foreign: 200,
    showsCanary: true,
  },
];

/**
 * The kit's refusals: the shared pool's two and a moving workspace's (every 503 code of
 * lib/errors.ts; e2e/leaks/meta.spec.ts checks the list): where each is shown to name nothing of
 * another workspace, and where its answer and page are checked.
 */
export const POOL_REFUSALS: Record<string, string> = {
  tenant_busy:
    'e2e/leaks/busy.spec.ts: a workspace holding its whole share gets a 503 problem with Retry-After, the busy notice in its orders page and the busy error in a form, with nothing of Acme or Globex in any of them, while Globex is served; lib/api/unavailable.test.ts: every endpoint answers it',
  statement_timeout:
    'lib/api/unavailable.test.ts: a 503 problem without Retry-After, nothing written, the idempotency key free for a retry; components/ui/unavailable.test.ts: the page notice (limit, narrow the date range); lib/tenancy/timeouts.test.ts: the limits by plan',
  tenant_moving:
    'e2e/leaks/moving.spec.ts: a workspace frozen by its move gets a 503 problem with Retry-After: 2 on a write and the moving error in a form, with nothing of another workspace in either, while its reads answer and another workspace writes; lib/api/moving.test.ts: every write endpoint answers it and every read 200; components/ui/unavailable.test.ts: the page notice',
};

/** Routes outside /t/[tenant] and why they hold no tenant data (each is still checked: no canary). */
export const NON_TENANT_ROUTES: Record<string, string> = {
  '/': 'marketing page',
  '/sign-in': 'sign-in form',
  '/sign-up': 'sign-up form',
  '/forgot-password': 'asks for an email; answers the same whether it exists',
  '/reset-password/[token]': 'a new-password form for a token',
  '/confirm-email/[token]': 'a button that redeems an email-change token (POST); shows no tenant data',
  '/verify-email': 'the signed-in, unverified person’s own address and a resend button',
  '/verify-email/[token]': 'a button that redeems a verification token (POST); shows no tenant data',
  '/invite/[token]': 'shows the inviting tenant’s name to the token holder only',
  '/account': 'the signed-in person’s own account',
  '/account/two-factor':
    'the signed-in person’s own second factor (enrolment QR code, status); ?required= names only a workspace slug the person was sent from',
  '/sign-in/two-factor': 'the code form of a pending sign-in; shows nothing of any tenant',
  '/tenants': 'the signed-in person’s own workspaces',
  '/dev/mail': 'development outbox (404 in any production build, whatever the flags)',
  '/api/health': 'version and database status, no tenant',
  '/api/auth/[...nextauth]': 'Auth.js endpoints',
  '/api/v1/openapi.json': 'the API description, generated from the request and response schemas',
  '/api/v1/[...path]': 'problem+json 404 for any unknown API path',
  '/docs/api': 'the API reference, rendered from the OpenAPI document',
};

/**
 * Server actions. Tenant actions are attacked with the other tenant's record ids in their form
 * fields (e2e/leaks/actions.spec.ts); the others act only on the signed-in person.
 */
export const TENANT_ACTIONS: Record<string, string> = {
  'app/t/[tenant]/customers/actions.ts#createCustomerAction': 'writes only to the tenant in context (tenant_id defaults from it)',
  'app/t/[tenant]/customers/actions.ts#updateCustomerAction': 'idor:customer',
  'app/t/[tenant]/customers/actions.ts#archiveCustomerAction': 'idor:customer',
  'app/t/[tenant]/products/actions.ts#createProductAction': 'writes only to the tenant in context (tenant_id defaults from it)',
  'app/t/[tenant]/products/actions.ts#updateProductAction': 'idor:product',
  'app/t/[tenant]/products/actions.ts#archiveProductAction': 'idor:product',
  'app/t/[tenant]/orders/actions.ts#createOrderAction': 'nested:order-with-foreign-customer',
  'app/t/[tenant]/orders/actions.ts#updateOrderAction': 'idor:order',
  'app/t/[tenant]/orders/actions.ts#payOrderAction': 'idor:order',
  'app/t/[tenant]/orders/actions.ts#refundOrderAction': 'idor:order',
  'app/t/[tenant]/orders/actions.ts#cancelOrderAction': 'idor:order',
  'app/t/[tenant]/members/actions.ts#inviteAction': 'writes only to the tenant in context',
  'app/t/[tenant]/members/actions.ts#changeRoleAction': 'idor:member',
  'app/t/[tenant]/members/actions.ts#removeMemberAction': 'idor:member',
  'app/t/[tenant]/members/actions.ts#leaveAction': 'acts on the signed-in person’s own membership',
  'app/t/[tenant]/members/actions.ts#revokeInvitationAction': 'idor:invitation (integration test lib/members/invitations.test.ts)',
  'app/t/[tenant]/settings/actions.ts#updateSettingsAction': 'writes only the tenant in context',
  'app/t/[tenant]/settings/actions.ts#updateTwoFactorRuleAction': 'writes only the tenant in context (its require_two_factor column)',
  'app/t/[tenant]/settings/api-keys/actions.ts#createApiKeyAction': 'writes only to the tenant in context (tenant_id defaults from it)',
  'app/t/[tenant]/settings/api-keys/actions.ts#revokeApiKeyAction': 'idor:api_key',
  'app/t/[tenant]/settings/billing/actions.ts#changePlanAction':
    'changes only the tenant in context (bulkhead.change_plan reads app.tenant_id)',
};

export const PERSONAL_ACTIONS: Record<string, string> = {
  'app/(auth)/sign-in/actions.ts#signInAction': 'credentials of the person signing in',
  'app/(auth)/sign-in/actions-oauth.ts#signInWithGitHubAction': 'starts OAuth for the person signing in',
  'app/(auth)/sign-up/actions.ts#signUpAction': 'creates a new person and tenant',
  'app/(auth)/forgot-password/actions.ts#forgotPasswordAction': 'same answer for any email',
  'app/(auth)/reset-password/[token]/actions.ts#resetPasswordAction': 'token-bound',
  'app/account/actions.ts#changePasswordAction': 'the signed-in person only',
  'app/account/actions.ts#changeEmailAction': 'the signed-in person only',
  'app/account/actions.ts#signOutEverywhereAction': 'the signed-in person only',
  'app/invite/[token]/actions.ts#acceptInviteAction': 'token-bound, email must match (lib/members/invitations.test.ts)',
  'app/invite/[token]/actions.ts#signUpInvitedAction': 'token-bound',
  'app/tenants/actions.ts#createWorkspaceAction': 'creates a new tenant owned by the signed-in person',
  'app/(auth)/verify-email/actions.ts#resendVerificationAction': 'the signed-in person’s own address only',
  'app/(auth)/verify-email/actions.ts#confirmEmailAddressAction': 'token-bound: verifies only the address the token was sent to',
  'app/confirm-email/[token]/actions.ts#confirmEmailChangeAction': 'token-bound',
  'components/shell/actions.ts#signOutAction': 'ends the signed-in person’s session',
  'app/(auth)/sign-in/two-factor/actions.ts#verifySignInCodeAction':
    'the code of the pending sign-in’s own account (e2e/security/two-factor.spec.ts)',
  'app/(auth)/sign-in/two-factor/actions.ts#cancelTwoFactorSignInAction': 'ends the pending sign-in’s own session',
  'app/account/two-factor/actions.ts#confirmTwoFactorAction': 'the signed-in person only',
  'app/account/two-factor/actions.ts#regenerateRecoveryCodesAction': 'the signed-in person only',
  'app/account/two-factor/actions.ts#disableTwoFactorAction': 'the signed-in person only (password and code)',
};
