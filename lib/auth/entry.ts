import { randomUUID } from 'node:crypto';

import { headers } from 'next/headers';
import { forbidden, notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { z } from 'zod';

import { publicActionWith, refusal } from '../actions/client';
import { PLANS } from '../billing/plans';
import { AppError, fieldErrorsOf, withUnavailableDigest } from '../errors';
import { problem, problemFrom } from '../http/problem';
import { rateLimiter, rateLimitMessage } from '../rate-limit';
import { routeOf, runInTenant, type MembershipRole, type TenantContext } from '../tenancy';
import { resolveMembership, type Placement } from '../tenancy/definer-functions';
import { can, forbiddenMessage, type Permission } from './permissions';
import { currentUser, requireUser, type SignedInUser } from './session';

export { fieldErrorsOf };

// The entry wrappers: the only way a page, server action or route handler reaches tenant data.
// Each one resolves, in order: the signed-in user (session + session version) → the tenant the
// URL's slug names, if the user is a member (else 404, the same as no such tenant) → the
// permission, a required argument (else 403 inside one's own tenant) → input parsing → the tenant
// context, opened here and nowhere else. Next.js does not carry AsyncLocalStorage from a layout
// into its pages, so every entry opens the context itself, and pages fetch inside the callback and
// pass data down as props.

export interface TenantAccess {
  tenantId: string;
  slug: string;
  role: MembershipRole;
  plan: 'free' | 'pro' | 'enterprise';
  user: SignedInUser;
  /** The workspace requires two-factor sign-in of its members (its settings page shows the rule). */
  requireTwoFactor: boolean;
  /** The signed-in user has two-factor sign-in on. */
  userTwoFactor: boolean;
  /** Where the workspace's data lives (docs/tiers.md); resolved with the membership. */
  placement: Placement;
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

async function requestId(): Promise<string> {
  const header = (await headers()).get('x-request-id');
  return header && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
}

/** A member of a workspace that requires two-factor, without it: refused entry until they enrol. */
const TWO_FACTOR_REQUIRED = Symbol('two-factor required');

async function membership(slug: string, user: SignedInUser): Promise<TenantAccess | typeof TWO_FACTOR_REQUIRED | undefined> {
  if (!SLUG.test(slug)) return undefined;
  const found = await resolveMembership(slug, user.id);
  if (!found || found.status !== 'active') return undefined;
  // Checked after membership, so a non-member learns nothing about a workspace's rule (same 404).
  if (found.requireTwoFactor && !found.userTwoFactor) return TWO_FACTOR_REQUIRED;
  return {
    tenantId: found.tenantId,
    slug,
    role: found.role,
    plan: found.plan,
    user,
    requireTwoFactor: found.requireTwoFactor,
    userTwoFactor: found.userTwoFactor,
    placement: found.placement,
  };
}

/** What a member without two-factor is told by an action or a route of a workspace that requires it; pages send them to enrol. */
export const TWO_FACTOR_FIRST =
  'This workspace requires two-factor sign-in. Turn it on for your account at /account/two-factor, then try again.';

/** Where a page sends a member without two-factor, for a workspace that requires it. */
export const twoFactorEnrolmentPath = (slug: string) => `/account/two-factor?required=${encodeURIComponent(slug)}`;

/** What an unverified user is told by an action or a route; pages send them to /verify-email. */
export const VERIFY_EMAIL_FIRST =
  'Confirm your email address first: open the link we sent you, or ask for a new one on the “Confirm your email” page.';

/**
 * The user's access to the tenant `slug`, once per request; 404 when there is none. A user whose
 * address is not verified yet reaches no workspace: they are sent to confirm it first (which is
 * what makes an account registered with someone else's address useless to its registrant).
 */
export const tenantAccess = cache(async (slug: string): Promise<TenantAccess> => {
  const user = await requireUser(`/t/${slug}`);
  if (!user.emailVerified) redirect('/verify-email');
  const access = await membership(slug, user);
  if (access === TWO_FACTOR_REQUIRED) redirect(twoFactorEnrolmentPath(slug));
  if (!access) notFound();
  return access;
});

async function contextOf(access: TenantAccess): Promise<TenantContext> {
  return {
    tenantId: access.tenantId,
    actorType: 'user',
    actorId: access.user.id,
    actorLabel: access.user.email,
    role: access.role,
    plan: access.plan,
    placement: routeOf(access.placement),
    requestId: await requestId(),
  };
}

/**
 * A server-rendered page (or streamed section) of tenant `slug`, needing `permission`. When the
 * workspace is busy or a query ran too long, the error leaves with a digest that says which
 * (lib/errors.ts), so whatever catches it — components/ui/unavailable.tsx in place of the data, or
 * app/t/[tenant]/error.tsx — can say what happened, even in a production build.
 */
export async function tenantPage<T>(slug: string, permission: Permission, render: (access: TenantAccess) => Promise<T>): Promise<T> {
  const access = await tenantAccess(slug);
  if (!can(access.role, permission)) forbidden();
  try {
    return await runInTenant(await contextOf(access), () => render(access));
  } catch (error) {
    throw withUnavailableDigest(error);
  }
}

export type { ActionResult } from '../actions/client';
export type { Placement } from '../tenancy/definer-functions';
export { failure } from '../actions/client';

/**
 * A server action of tenant `slug`, on the action builder (lib/actions/client.ts). Use as
 * `action.bind(null, slug)` with useActionState. In order: the session (and a confirmed address) →
 * membership of the tenant the slug names (else "Not found", the same as no such tenant) → the
 * permission → the tenant's request budget (form submissions spend the same per-tenant budget as
 * its API keys) → the form's inputs, every field error at once → the work, inside the tenant's
 * context.
 */
export function tenantAction<Schema extends z.ZodType, Result>(
  options: { input: Schema; permission: Permission },
  work: (input: z.infer<Schema>, access: TenantAccess) => Promise<Result>,
) {
  return publicActionWith<[slug: string]>()
    .use(async (_context, [slug]) => {
      const user = await currentUser();
      if (!user) return refusal('unauthorized', 'Your session has ended. Sign in again.');
      if (!user.emailVerified) return refusal('forbidden', VERIFY_EMAIL_FIRST);
      const access = await membership(slug, user);
      if (access === TWO_FACTOR_REQUIRED) return refusal('forbidden', TWO_FACTOR_FIRST);
      if (!access) return refusal('not_found', 'Not found.');
      if (!can(access.role, options.permission)) return refusal('forbidden', forbiddenMessage(options.permission));
      const limit = await rateLimiter().consume({ tenantId: access.tenantId, limits: PLANS[access.plan] });
      if (!limit.allowed) return refusal('rate_limited', rateLimitMessage(limit));
      return { access };
    })
    .wrap(async (context, run) => runInTenant(await contextOf(context.access), run))
    .action(options.input as z.ZodType<z.infer<Schema>>, (input, context) => work(input, context.access));
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A record id from the URL; anything that cannot be one is the same 404 as a missing record. */
export function recordId(value: string): string {
  if (!UUID.test(value)) notFound();
  return value.toLowerCase();
}

/** Runs a page body; a not_found AppError from a service becomes the 404 page. */
export async function orNotFound<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }
}

/**
 * A route handler under /t/[tenant]/…, needing `permission`. Answers problem+json: 401 without a
 * session, 404 for a tenant the user is not a member of (the same as no such tenant), 403 for a
 * permission the role lacks inside one's own tenant.
 */
export function tenantRoute<Params extends { tenant: string }>(
  permission: Permission,
  handler: (request: Request, access: TenantAccess, params: Params) => Promise<Response>,
) {
  return async (request: Request, { params }: { params: Promise<Params> }): Promise<Response> => {
    const resolved = await params;
    const user = await currentUser();
    if (!user) return problem('unauthorized', 'Sign in to continue.');
    if (!user.emailVerified) return problem('forbidden', VERIFY_EMAIL_FIRST);
    const access = await membership(resolved.tenant, user);
    if (access === TWO_FACTOR_REQUIRED) return problem('forbidden', TWO_FACTOR_FIRST);
    if (!access) return problem('not_found', 'Not found.');
    if (!can(access.role, permission)) return problem('forbidden', forbiddenMessage(permission));
    const context = await contextOf(access);
    try {
      return await runInTenant(context, () => handler(request, access, resolved));
    } catch (error) {
      return problemFrom(error, context.requestId);
    }
  };
}
