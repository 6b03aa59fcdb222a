import { randomUUID } from 'node:crypto';
import { headers } from 'next/headers';
import { forbidden, notFound, unstable_rethrow } from 'next/navigation';
import { cache } from 'react';
import { z } from 'zod';
import { AppError, fieldErrorsOf, withUnavailableDigest, type ErrorCode, type FieldErrors } from '../errors';

export { fieldErrorsOf };
import { problem, problemFrom } from '../http/problem';
import { rateLimiter, rateLimitMessage } from '../rate-limit';
import { runInTenant, type MembershipRole, type TenantContext } from '../tenancy';
import { resolveMembership } from '../tenancy/lookups';
import { can, forbiddenMessage, type Permission } from './permissions';
import { currentUser, requireUser, type SignedInUser } from './session';

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
}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/;

async function requestId(): Promise<string> {
  const header = (await headers()).get('x-request-id');
  return header && /^[\w-]{1,64}$/.test(header) ? header : randomUUID();
}

async function membership(slug: string, user: SignedInUser): Promise<TenantAccess | undefined> {
  if (!SLUG.test(slug)) return undefined;
  const found = await resolveMembership(slug, user.id);
  if (!found || found.status !== 'active') return undefined;
  return { tenantId: found.tenantId, slug, role: found.role, plan: found.plan, user };
}

/** The user's access to the tenant `slug`, once per request; 404 when there is none. */
export const tenantAccess = cache(async (slug: string): Promise<TenantAccess> => {
  const user = await requireUser(`/t/${slug}`);
  const access = await membership(slug, user);
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

export type ActionResult<T = undefined> =
  | { ok: true; data: T; message?: string }
  | { ok: false; code: ErrorCode; formError?: string; fieldErrors?: FieldErrors; values?: Record<string, string> };

function formValues(formData: FormData): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [key, value] of formData.entries()) if (typeof value === 'string' && !key.startsWith('$')) values[key] = value;
  return values;
}

export function failure(error: unknown, values?: Record<string, string>): Extract<ActionResult, { ok: false }> {
  if (error instanceof AppError) return { ok: false, code: error.code, formError: error.fieldErrors ? undefined : error.detail, fieldErrors: error.fieldErrors, values };
  console.error('action failed:', error);
  return { ok: false, code: 'internal', formError: 'Something went wrong on our side. Nothing was saved; please try again.', values };
}

/**
 * A server action of tenant `slug`. Use as `action.bind(null, slug)` with useActionState; the form
 * gets every field error at once and its inputs back when something is refused.
 */
export function tenantAction<Schema extends z.ZodType, Result>(
  options: { input: Schema; permission: Permission },
  work: (input: z.infer<Schema>, access: TenantAccess) => Promise<Result>,
) {
  return async (slug: string, _previous: unknown, formData: FormData): Promise<ActionResult<Result>> => {
    const values = formValues(formData);
    const user = await currentUser();
    if (!user) return { ok: false, code: 'unauthorized', formError: 'Your session has ended. Sign in again.', values };
    const access = await membership(slug, user);
    if (!access) return { ok: false, code: 'not_found', formError: 'Not found.', values };
    if (!can(access.role, options.permission)) return { ok: false, code: 'forbidden', formError: forbiddenMessage(options.permission), values };
    // Form submissions spend the same per-tenant budget as the tenant's API keys.
    const limit = await rateLimiter().consume({ tenantId: access.tenantId, plan: access.plan });
    if (!limit.allowed) return { ok: false, code: 'rate_limited', formError: rateLimitMessage(limit), values };
    const parsed = options.input.safeParse(values);
    if (!parsed.success) return { ok: false, code: 'validation_failed', fieldErrors: fieldErrorsOf(parsed.error), values };
    try {
      const data = await runInTenant(await contextOf(access), () => work(parsed.data, access));
      return { ok: true, data };
    } catch (error) {
      unstable_rethrow(error); // redirect() and notFound() are control flow, not failures
      return failure(error, values);
    }
  };
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
    const access = await membership(resolved.tenant, user);
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
