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

// ── Invitations and account tokens ─────────────────────────────────────────────────────────────

export interface InvitationPreview {
  tenantId: string;
  invitationId: string;
  tenantName: string;
  tenantSlug: string;
  email: string;
  role: MembershipRole;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export async function invitationByToken(tokenHash: string): Promise<InvitationPreview | undefined> {
  const [row] = await rows<{
    tenant_id: string; invitation_id: string; tenant_name: string; tenant_slug: string; email: string;
    role: MembershipRole; expires_at: Date; accepted_at: Date | null; revoked_at: Date | null;
  }>('SELECT * FROM bulkhead.invitation_by_token($1)', [tokenHash]);
  return (
    row && {
      tenantId: row.tenant_id, invitationId: row.invitation_id, tenantName: row.tenant_name, tenantSlug: row.tenant_slug,
      email: row.email, role: row.role, expiresAt: row.expires_at, acceptedAt: row.accepted_at, revokedAt: row.revoked_at,
    }
  );
}

/** Why an invitation or account token could not be used, in words a person can act on. */
export class TokenRefusedError extends Error {
  constructor(readonly reason: 'not_found' | 'used' | 'expired' | 'other_email' | 'unusable') {
    super(
      {
        not_found: 'This invitation link is not valid.',
        used: 'This invitation has already been used or was withdrawn.',
        expired: 'This invitation has expired. Ask for a new one.',
        other_email: 'This invitation was sent to a different email address. Sign in with that address.',
        unusable: 'This link is no longer valid. Request a new one.',
      }[reason],
    );
    this.name = 'TokenRefusedError';
  }
}

function rethrowToken(error: unknown): never {
  const message = (error as { message?: string }).message ?? '';
  const reason = ({
    invitation_not_found: 'not_found',
    invitation_used: 'used',
    invitation_expired: 'expired',
    invitation_other_email: 'other_email',
    invitation_unusable: 'unusable',
    token_unusable: 'unusable',
  } as const)[message as 'token_unusable'];
  if (reason) throw new TokenRefusedError(reason);
  rethrowUnique(error);
}

export async function acceptInvitation(tokenHash: string, userId: string): Promise<string> {
  try {
    const [row] = await rows<{ slug: string }>('SELECT bulkhead.accept_invitation($1, $2) AS slug', [tokenHash, userId]);
    return row!.slug;
  } catch (error) {
    rethrowToken(error);
  }
}

export async function signUpInvited(input: { tokenHash: string; name: string; passwordHash: string }): Promise<{ userId: string; email: string; tenantSlug: string }> {
  try {
    const [row] = await rows<{ user_id: string; email: string; tenant_slug: string }>(
      'SELECT user_id, email, tenant_slug FROM bulkhead.sign_up_invited($1, $2, $3)',
      [input.tokenHash, input.name, input.passwordHash],
    );
    return { userId: row!.user_id, email: row!.email, tenantSlug: row!.tenant_slug };
  } catch (error) {
    rethrowToken(error);
  }
}

/** Stores a reset token if an account has this email; returns its name for the message, or nothing. */
export async function createPasswordResetToken(email: string, tokenHash: string, expiresAt: Date): Promise<{ userId: string; name: string | null } | undefined> {
  const [row] = await rows<{ user_id: string; name: string | null }>(
    'SELECT user_id, name FROM bulkhead.create_account_token($1, $2, $3, $4)',
    [email, 'password_reset', tokenHash, expiresAt],
  );
  return row && { userId: row.user_id, name: row.name };
}

export async function requestEmailChange(userId: string, newEmail: string, tokenHash: string, expiresAt: Date): Promise<void> {
  await rows('SELECT bulkhead.request_email_change($1, $2, $3, $4)', [userId, newEmail, tokenHash, expiresAt]);
}

export async function redeemAccountToken(tokenHash: string, purpose: 'password_reset' | 'email_change', passwordHash?: string): Promise<string> {
  try {
    const [row] = await rows<{ id: string }>('SELECT bulkhead.redeem_account_token($1, $2, $3) AS id', [tokenHash, purpose, passwordHash ?? null]);
    return row!.id;
  } catch (error) {
    rethrowToken(error);
  }
}

export async function setPassword(userId: string, passwordHash: string): Promise<void> {
  await rows('SELECT bulkhead.set_password($1, $2)', [userId, passwordHash]);
}

export async function revokeSessions(userId: string): Promise<void> {
  await rows('SELECT bulkhead.revoke_sessions($1)', [userId]);
}

/** The account for an email an OAuth provider has verified, created on first sign-in. */
export async function userForOAuth(email: string, name: string | null): Promise<{ id: string; sessionVersion: number }> {
  const [row] = await rows<{ id: string; session_version: number }>('SELECT id, session_version FROM bulkhead.user_for_oauth($1, $2)', [email, name]);
  return { id: row!.id, sessionVersion: row!.session_version };
}

export interface ApiKeyRecord {
  keyId: string;
  tenantId: string;
  name: string;
  scope: 'read' | 'read_write';
  plan: 'free' | 'pro' | 'enterprise';
  tenantStatus: 'active' | 'suspended' | 'offboarding';
  /** The creator's role in the tenant now; null once they are no longer a member. */
  creatorRole: MembershipRole | null;
}

/** The unrevoked API key with this sha256, and its tenant. Nothing for an unknown or revoked key. */
export async function apiKeyForHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
  const [row] = await rows<{
    key_id: string;
    tenant_id: string;
    name: string;
    scope: ApiKeyRecord['scope'];
    plan: ApiKeyRecord['plan'];
    tenant_status: ApiKeyRecord['tenantStatus'];
    creator_role: MembershipRole | null;
  }>('SELECT key_id, tenant_id, name, scope, plan, tenant_status, creator_role FROM bulkhead.api_key_for_hash($1)', [keyHash]);
  return (
    row && {
      keyId: row.key_id,
      tenantId: row.tenant_id,
      name: row.name,
      scope: row.scope,
      plan: row.plan,
      tenantStatus: row.tenant_status,
      creatorRole: row.creator_role,
    }
  );
}
