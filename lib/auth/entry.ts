import { randomUUID } from 'node:crypto';
import { headers } from 'next/headers';
import { forbidden, notFound, unstable_rethrow } from 'next/navigation';
import { cache } from 'react';
import { z } from 'zod';
import { AppError, type ErrorCode, type FieldErrors } from '../errors';
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

/** A server-rendered page of tenant `slug`, needing `permission`. */
export async function tenantPage<T>(slug: string, permission: Permission, render: (access: TenantAccess) => Promise<T>): Promise<T> {
  const access = await tenantAccess(slug);
  if (!can(access.role, permission)) forbidden();
  return runInTenant(await contextOf(access), () => render(access));
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

export function fieldErrorsOf(error: z.ZodError): FieldErrors {
  const fields: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.') || 'form';
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}
