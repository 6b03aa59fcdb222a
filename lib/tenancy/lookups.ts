import type pg from 'pg';
import { appPool } from '../db/pool';
import type { MembershipRole } from './context';

// The questions asked before a tenant is known, each answered by one SECURITY DEFINER function
// (prisma/migrations/*_pre_tenant_lookups, *_sign_up). This file is the only caller: everything
// else reaches tenant data through a tenant context.

export interface ResolvedMembership {
  tenantId: string;
  role: MembershipRole;
  plan: 'free' | 'pro' | 'enterprise';
  status: 'active' | 'suspended' | 'offboarding';
}

export interface TenantChoice {
  tenantId: string;
  slug: string;
  name: string;
  role: MembershipRole;
}

export interface SignInRecord {
  id: string;
  passwordHash: string | null;
  sessionVersion: number;
}

export interface SessionRecord {
  sessionVersion: number;
  name: string | null;
  email: string;
}

async function rows<T extends pg.QueryResultRow>(sql: string, params: unknown[], pool: pg.Pool = appPool()): Promise<T[]> {
  return (await pool.query<T>(sql, params)).rows;
}

/** The tenant a URL slug names, if this user is a member of it. Nothing otherwise (→ 404). */
export async function resolveMembership(slug: string, userId: string): Promise<ResolvedMembership | undefined> {
  const [row] = await rows<{ tenant_id: string; role: MembershipRole; plan: ResolvedMembership['plan']; status: ResolvedMembership['status'] }>(
    'SELECT tenant_id, role, plan, status FROM bulkhead.resolve_membership($1, $2)',
    [slug, userId],
  );
  return row && { tenantId: row.tenant_id, role: row.role, plan: row.plan, status: row.status };
}

export async function userForSignIn(email: string): Promise<SignInRecord | undefined> {
  const [row] = await rows<{ id: string; password_hash: string | null; session_version: number }>(
    'SELECT id, password_hash, session_version FROM bulkhead.user_for_sign_in($1)',
    [email],
  );
  return row && { id: row.id, passwordHash: row.password_hash, sessionVersion: row.session_version };
}

export async function userSession(userId: string): Promise<SessionRecord | undefined> {
  const [row] = await rows<{ session_version: number; name: string | null; email: string }>(
    'SELECT session_version, name, email FROM bulkhead.user_session($1)',
    [userId],
  );
  return row && { sessionVersion: row.session_version, name: row.name, email: row.email };
}

export async function userTenants(userId: string): Promise<TenantChoice[]> {
  const result = await rows<{ tenant_id: string; slug: string; name: string; role: MembershipRole }>(
    'SELECT tenant_id, slug, name, role FROM bulkhead.user_tenants($1)',
    [userId],
  );
  return result.map((r) => ({ tenantId: r.tenant_id, slug: r.slug, name: r.name, role: r.role }));
}

export class UniqueTakenError extends Error {
  constructor(readonly field: 'email' | 'slug') {
    super(field === 'email' ? 'An account with this email already exists.' : 'This workspace address is taken.');
    this.name = 'UniqueTakenError';
  }
}

function rethrowUnique(error: unknown): never {
  const pgError = error as { code?: string; constraint?: string };
  if (pgError.code === '23505') throw new UniqueTakenError(pgError.constraint === 'users_email_key' ? 'email' : 'slug');
  throw error;
}

export async function signUp(input: { email: string; name: string; passwordHash: string; tenantName: string; slug: string }): Promise<{ userId: string; tenantId: string }> {
  try {
    const [row] = await rows<{ user_id: string; tenant_id: string }>(
      'SELECT user_id, tenant_id FROM bulkhead.sign_up($1, $2, $3, $4, $5)',
      [input.email, input.name, input.passwordHash, input.tenantName, input.slug],
    );
    return { userId: row!.user_id, tenantId: row!.tenant_id };
  } catch (error) {
    rethrowUnique(error);
  }
}

export async function createTenant(input: { userId: string; tenantName: string; slug: string }): Promise<string> {
  try {
    const [row] = await rows<{ id: string }>('SELECT bulkhead.create_tenant($1, $2, $3) AS id', [input.userId, input.tenantName, input.slug]);
    return row!.id;
  } catch (error) {
    rethrowUnique(error);
  }
}
