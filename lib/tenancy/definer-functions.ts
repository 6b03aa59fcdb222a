import { definerGateway } from '@bulkhead/tenancy';

import { appPool } from '../db/pool';
import { adoptAsAppError } from '../errors';
import type { MembershipRole } from './context';

// The app's SECURITY DEFINER functions (prisma/migrations/*_pre_tenant_lookups, *_sign_up,
// *_two_factor, …), one wrapper each: the questions asked before a tenant is known (which tenant a
// slug names, whose key this is, who is signing in) and the changes that belong to a person rather
// than a tenant (sign-up, invitations, account tokens, two-factor), some of which write. This file
// is their only caller, through the kit's definer gateway; everything else reaches tenant data
// through a tenant context. Pages and components never import it (lint): they ask lib/account or
// lib/auth.

/**
 * Where a tenant's data lives (prisma/migrations/*_tenant_placements): in the shared tables, in a
 * schema of its own in this database, or in a database of its own on a server that configuration
 * names. Resolved in the same round trip as the membership or the API key.
 */
export type Placement =
  | { tier: 'shared'; region: string }
  | { tier: 'schema'; schemaName: string; region: string }
  | { tier: 'database'; databaseTarget: string; databaseName: string; region: string };

interface PlacementColumns {
  tier: Placement['tier'];
  schema_name: string | null;
  database_target: string | null;
  database_name: string | null;
  region: string;
}
const PLACEMENT_COLUMNS = ['tier', 'schema_name', 'database_target', 'database_name', 'region'] as const;

/** A placement row as the type it is; the table's check constraint guarantees the tier's fields. */
function placementOf(row: PlacementColumns): Placement {
  if (row.tier === 'schema') return { tier: 'schema', schemaName: row.schema_name!, region: row.region };
  if (row.tier === 'database')
    return { tier: 'database', databaseTarget: row.database_target!, databaseName: row.database_name!, region: row.region };
  return { tier: 'shared', region: row.region };
}

export interface ResolvedMembership {
  tenantId: string;
  placement: Placement;
  role: MembershipRole;
  plan: 'free' | 'pro' | 'enterprise';
  status: 'active' | 'suspended' | 'offboarding';
  /** The workspace requires two-factor sign-in of its members. */
  requireTwoFactor: boolean;
  /** This user has two-factor sign-in on. */
  userTwoFactor: boolean;
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
  /** Whether the address has been proven (a link mailed to it, or a provider that verified it). */
  emailVerified: boolean;
}

// Every call goes through the kit's definer gateway: a function name, bound parameters, the
// columns to read — no SQL text here. The pool is read at call time (tests point it elsewhere).
const definer = definerGateway({ pool: appPool, errors: { moving: adoptAsAppError } });

/** One scalar function's value, as the one row `{ [as]: value }` the callers below destructure. */
async function scalar<T extends Record<string, unknown>>(fn: string, args: unknown[], as: keyof T & string): Promise<T[]> {
  return [{ [as]: await definer.value(fn, args) } as T];
}

/** The tenant a URL slug names, if this user is a member of it. Nothing otherwise (→ 404). */
export async function resolveMembership(slug: string, userId: string): Promise<ResolvedMembership | undefined> {
  const [row] = await definer.rows<
    PlacementColumns & {
      tenant_id: string;
      role: MembershipRole;
      plan: ResolvedMembership['plan'];
      status: ResolvedMembership['status'];
      require_two_factor: boolean;
      user_two_factor: boolean;
    }
  >(
    'resolve_membership',
    [slug, userId],
    ['tenant_id', 'role', 'plan', 'status', 'require_two_factor', 'user_two_factor', ...PLACEMENT_COLUMNS],
  );
  return (
    row && {
      tenantId: row.tenant_id,
      placement: placementOf(row),
      role: row.role,
      plan: row.plan,
      status: row.status,
      requireTwoFactor: row.require_two_factor,
      userTwoFactor: row.user_two_factor,
    }
  );
}

export async function userForSignIn(email: string): Promise<SignInRecord | undefined> {
  const [row] = await definer.rows<{ id: string; password_hash: string | null; session_version: number }>(
    'user_for_sign_in',
    [email],
    ['id', 'password_hash', 'session_version'],
  );
  return row && { id: row.id, passwordHash: row.password_hash, sessionVersion: row.session_version };
}

export async function userSession(userId: string): Promise<SessionRecord | undefined> {
  const [row] = await definer.rows<{ session_version: number; name: string | null; email: string; email_verified: boolean }>(
    'user_session',
    [userId],
    ['session_version', 'name', 'email', 'email_verified'],
  );
  return row && { sessionVersion: row.session_version, name: row.name, email: row.email, emailVerified: row.email_verified };
}

export async function userTenants(userId: string): Promise<TenantChoice[]> {
  const result = await definer.rows<{ tenant_id: string; slug: string; name: string; role: MembershipRole }>(
    'user_tenants',
    [userId],
    ['tenant_id', 'slug', 'name', 'role'],
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

export interface PendingSignUp {
  userId: string;
  /** False when the address was already registered: nothing was created, and the app answers the same. */
  created: boolean;
  name: string | null;
}

/**
 * Verify-first sign-up: the user, their tenant and an email_verify token in one transaction — or,
 * for an address that is already registered, nothing. A taken slug is refused either way (a
 * UniqueTakenError for 'slug'), before the email is looked at.
 */
export async function signUpPending(input: {
  email: string;
  name: string;
  passwordHash: string;
  tenantName: string;
  slug: string;
  tokenHash: string;
  expiresAt: Date;
}): Promise<PendingSignUp> {
  try {
    const [row] = await definer.rows<{ user_id: string; created: boolean; name: string | null }>(
      'sign_up_pending',
      [input.email, input.name, input.passwordHash, input.tenantName, input.slug, input.tokenHash, input.expiresAt],
      ['user_id', 'created', 'name'],
    );
    return { userId: row!.user_id, created: row!.created, name: row!.name };
  } catch (error) {
    rethrowUnique(error);
  }
}

/** A new verification link for an unverified user (earlier ones stop working); nothing once verified. */
export async function createVerificationToken(
  userId: string,
  tokenHash: string,
  expiresAt: Date,
): Promise<{ email: string; name: string | null } | undefined> {
  const [row] = await definer.rows<{ email: string; name: string | null }>(
    'create_verification_token',
    [userId, tokenHash, expiresAt],
    ['email', 'name'],
  );
  return row && { email: row.email, name: row.name };
}

export async function createTenant(input: { userId: string; tenantName: string; slug: string }): Promise<string> {
  try {
    const [row] = await scalar<{ id: string }>('create_tenant', [input.userId, input.tenantName, input.slug], 'id');
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
  const [row] = await definer.rows<{
    tenant_id: string;
    invitation_id: string;
    tenant_name: string;
    tenant_slug: string;
    email: string;
    role: MembershipRole;
    expires_at: Date;
    accepted_at: Date | null;
    revoked_at: Date | null;
  }>('invitation_by_token', [tokenHash]);
  return (
    row && {
      tenantId: row.tenant_id,
      invitationId: row.invitation_id,
      tenantName: row.tenant_name,
      tenantSlug: row.tenant_slug,
      email: row.email,
      role: row.role,
      expiresAt: row.expires_at,
      acceptedAt: row.accepted_at,
      revokedAt: row.revoked_at,
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
  const reason = (
    {
      invitation_not_found: 'not_found',
      invitation_used: 'used',
      invitation_expired: 'expired',
      invitation_other_email: 'other_email',
      invitation_unusable: 'unusable',
      token_unusable: 'unusable',
    } as const
  )[message as 'token_unusable'];
  if (reason) throw new TokenRefusedError(reason);
  rethrowUnique(error);
}

export async function acceptInvitation(tokenHash: string, userId: string): Promise<string> {
  try {
    const [row] = await scalar<{ slug: string }>('accept_invitation', [tokenHash, userId], 'slug');
    return row!.slug;
  } catch (error) {
    rethrowToken(error);
  }
}

export async function signUpInvited(input: {
  tokenHash: string;
  name: string;
  passwordHash: string;
}): Promise<{ userId: string; email: string; tenantSlug: string }> {
  try {
    const [row] = await definer.rows<{ user_id: string; email: string; tenant_slug: string }>(
      'sign_up_invited',
      [input.tokenHash, input.name, input.passwordHash],
      ['user_id', 'email', 'tenant_slug'],
    );
    return { userId: row!.user_id, email: row!.email, tenantSlug: row!.tenant_slug };
  } catch (error) {
    rethrowToken(error);
  }
}

/** Stores a reset token if an account has this email; returns its name for the message, or nothing. */
export async function createPasswordResetToken(
  email: string,
  tokenHash: string,
  expiresAt: Date,
): Promise<{ userId: string; name: string | null } | undefined> {
  const [row] = await definer.rows<{ user_id: string; name: string | null }>(
    'create_account_token',
    [email, 'password_reset', tokenHash, expiresAt],
    ['user_id', 'name'],
  );
  return row && { userId: row.user_id, name: row.name };
}

export async function requestEmailChange(userId: string, newEmail: string, tokenHash: string, expiresAt: Date): Promise<void> {
  await definer.value('request_email_change', [userId, newEmail, tokenHash, expiresAt]);
}

export interface RedeemedToken {
  userId: string;
  /** The account's address before the token was redeemed, and after (they differ only for an email change). */
  oldEmail: string;
  newEmail: string;
}

export async function redeemAccountToken(
  tokenHash: string,
  purpose: 'password_reset' | 'email_change' | 'email_verify',
  passwordHash?: string,
): Promise<RedeemedToken> {
  try {
    const [row] = await definer.rows<{ user_id: string; old_email: string; new_email: string }>(
      'redeem_account_token',
      [tokenHash, purpose, passwordHash ?? null],
      ['user_id', 'old_email', 'new_email'],
    );
    return { userId: row!.user_id, oldEmail: row!.old_email, newEmail: row!.new_email };
  } catch (error) {
    rethrowToken(error);
  }
}

export async function setPassword(userId: string, passwordHash: string): Promise<void> {
  await definer.value('set_password', [userId, passwordHash]);
}

export async function revokeSessions(userId: string): Promise<void> {
  await definer.value('revoke_sessions', [userId]);
}

/**
 * The account for an email an OAuth provider has verified, created on first sign-in. Linking to an
 * existing account verifies its address and, if it had a password, clears that password, ends its
 * sessions and revokes its open tokens (`passwordCleared`: the app tells the address).
 */
export async function userForOAuth(
  email: string,
  name: string | null,
): Promise<{ id: string; sessionVersion: number; passwordCleared: boolean }> {
  const [row] = await definer.rows<{ id: string; session_version: number; password_cleared: boolean }>(
    'user_for_oauth',
    [email, name],
    ['id', 'session_version', 'password_cleared'],
  );
  return { id: row!.id, sessionVersion: row!.session_version, passwordCleared: row!.password_cleared };
}

export interface ApiKeyRecord {
  keyId: string;
  tenantId: string;
  placement: Placement;
  name: string;
  scope: 'read' | 'read_write';
  plan: 'free' | 'pro' | 'enterprise';
  tenantStatus: 'active' | 'suspended' | 'offboarding';
  /** The creator's role in the tenant now; null once they are no longer a member. */
  creatorRole: MembershipRole | null;
}

/** The unrevoked API key with this sha256, and its tenant. Nothing for an unknown or revoked key. */
export async function apiKeyForHash(keyHash: string): Promise<ApiKeyRecord | undefined> {
  const [row] = await definer.rows<
    PlacementColumns & {
      key_id: string;
      tenant_id: string;
      name: string;
      scope: ApiKeyRecord['scope'];
      plan: ApiKeyRecord['plan'];
      tenant_status: ApiKeyRecord['tenantStatus'];
      creator_role: MembershipRole | null;
    }
  >('api_key_for_hash', [keyHash], ['key_id', 'tenant_id', 'name', 'scope', 'plan', 'tenant_status', 'creator_role', ...PLACEMENT_COLUMNS]);
  return (
    row && {
      keyId: row.key_id,
      tenantId: row.tenant_id,
      placement: placementOf(row),
      name: row.name,
      scope: row.scope,
      plan: row.plan,
      tenantStatus: row.tenant_status,
      creatorRole: row.creator_role,
    }
  );
}

// ── Two-factor sign-in ───────────────────────────────────────────────────────────────────────
// A person's second factor (prisma/migrations/*_two_factor). Every function acts on the user id
// the caller passes: only ever the id of the verified session, or of a pending sign-in.

export interface TwoFactorRecord {
  secretEncrypted: string;
  enabled: boolean;
  lastUsedStep: number | null;
  recoveryCodesLeft: number;
}

export async function twoFactorState(userId: string): Promise<TwoFactorRecord | undefined> {
  const [row] = await definer.rows<{
    secret_encrypted: string;
    enabled: boolean;
    last_used_step: string | null;
    recovery_codes_left: number;
  }>('two_factor_state', [userId], ['secret_encrypted', 'enabled', 'last_used_step', 'recovery_codes_left']);
  return (
    row && {
      secretEncrypted: row.secret_encrypted,
      enabled: row.enabled,
      lastUsedStep: row.last_used_step === null ? null : Number(row.last_used_step),
      recoveryCodesLeft: row.recovery_codes_left,
    }
  );
}

async function flag(fn: string, args: unknown[]): Promise<boolean> {
  return (await definer.value<boolean | null>(fn, args)) === true;
}

/** Stores a new unconfirmed secret; false when two-factor is already on. */
export const twoFactorBegin = (userId: string, secretEncrypted: string) => flag('two_factor_begin', [userId, secretEncrypted]);
/** Turns two-factor on with the step its first code used; false when it was on already or the step was used. */
export const twoFactorEnable = (userId: string, step: number, recoveryCodeHashes: string[]) =>
  flag('two_factor_enable', [userId, step, recoveryCodeHashes]);
/** Accepts a code's time step once: false when that step (or a later one) was used before. */
export const twoFactorUseStep = (userId: string, step: number) => flag('two_factor_use_step', [userId, step]);
export const twoFactorSetRecoveryCodes = (userId: string, hashes: string[]) => flag('two_factor_set_recovery_codes', [userId, hashes]);
export const twoFactorDisable = (userId: string) => flag('two_factor_disable', [userId]);
export const twoFactorRecordPass = (userId: string, nonceHash: string, expiresAt: Date) =>
  flag('two_factor_record_pass', [userId, nonceHash, expiresAt]);
export const twoFactorClaimPass = (userId: string, nonceHash: string) => flag('two_factor_claim_pass', [userId, nonceHash]);

/** Removes one unused recovery code; how many are left, or undefined when it was not one. */
export async function twoFactorUseRecoveryCode(userId: string, codeHash: string): Promise<number | undefined> {
  const [row] = await scalar<{ left: number | null }>('two_factor_use_recovery_code', [userId, codeHash], 'left');
  return row?.left ?? undefined;
}
