import { migrationLedger, type Allowlist } from '@bulkhead/tenancy/audit';

import { PLACED_TABLES } from '../../tenancy/placement';

// What Bulkhead's isolation audit accepts on purpose, each entry with the reason a reviewer can
// check. Keep it short: every line here is a place where the schema departs from "every table has a
// tenant_id, forced RLS and the one policy shape", so every line needs a reason that still holds.
//
// Object names are what the audit prints: tables and indexes schema-qualified (public.users),
// functions with their argument types (bulkhead.user_session(uuid)), policies and constraints as
// "<name> ON <table>". The shape (Allowlist) and its helpers are the kit's (@bulkhead/tenancy/audit).

// ── Reasons shared by several entries ────────────────────────────────────────────────────────────

const DEFINER_POLICY =
  'Applies only to the definer role, which is NOLOGIN and which the runtime role is not a member of: ' +
  'it takes effect solely inside the allowlisted SECURITY DEFINER functions (check 25), and those ' +
  'functions, not this policy, decide which rows they read or write.';

const DEFINER_FUNCTION =
  'Owned by the definer role, which owns no table, cannot bypass RLS and reaches rows only through ' +
  'its own policies; search_path pinned with pg_temp last; EXECUTE granted to the runtime role only.';

const TRUSTS_USER_ID =
  ' It acts on the user id the caller passes: the database cannot tell the signed-in user from any ' +
  'other, so the app must pass only the id from the verified session.';

// The definer role's own policies (migrations 3–5): each is "true" on purpose, see DEFINER_POLICY.
const definerPolicies: [policy: string, table: string, checks: [number, string][]][] = [
  ['pre_tenant_lookup', 'tenants', [[15, 'policy-always-true']]],
  ['pre_tenant_lookup', 'users', [[15, 'policy-always-true']]],
  ['pre_tenant_lookup', 'memberships', [[15, 'policy-always-true']]],
  ['provisioning', 'tenants', [[16, 'write-check-always-true']]],
  ['provisioning', 'users', [[16, 'write-check-always-true']]],
  ['provisioning', 'memberships', [[16, 'write-check-always-true']]],
  [
    'redeem_invitation',
    'invitations',
    [
      [15, 'policy-always-true'],
      [16, 'write-check-always-true'],
    ],
  ],
  [
    'tenant_placements_definer',
    'tenant_placements',
    [
      [15, 'policy-always-true'],
      [16, 'write-check-always-true'],
    ],
  ],
  [
    'account_tokens_definer',
    'account_tokens',
    [
      [15, 'policy-always-true'],
      [16, 'write-check-always-true'],
    ],
  ],
  [
    'account_changes',
    'users',
    [
      [15, 'policy-always-true'],
      [16, 'write-check-always-true'],
    ],
  ],
  ['membership_events', 'audit_events', [[16, 'write-check-always-true']]],
  // An online move's capture trigger runs as whoever writes — inside a definer function too (docs/moves.md).
  ['move_capture', 'move_fences', [[15, 'policy-always-true']]],
  ['move_capture', 'move_changes', [[16, 'write-check-always-true']]],
  ['api_key_lookup', 'api_keys', [[15, 'policy-always-true']]],
  [
    'plan_change',
    'tenants',
    [
      [15, 'policy-always-true'],
      [16, 'write-check-always-true'],
    ],
  ],
  [
    'two_factor_definer',
    'user_two_factor',
    [
      [15, 'policy-always-true'],
      [16, 'write-check-always-true'],
    ],
  ],
];

// The SECURITY DEFINER functions the runtime role may call (migrations 3–5), and what each trusts.
const definerFunctions: [signature: string, purpose: string][] = [
  [
    'resolve_membership(text,uuid)',
    "Slug → tenant and the caller's role in it, for the user the session names; nothing when not a member.",
  ],
  ['user_for_sign_in(text)', 'Sign-in by email: id, password hash and session version of that one account.'],
  [
    'user_session(uuid)',
    'Is this session still current: session version, name, email and whether it is verified, of one user.' + TRUSTS_USER_ID,
  ],
  ['user_tenants(uuid)', 'The tenant picker: the tenants one user belongs to.' + TRUSTS_USER_ID],
  [
    'sign_up_pending(text,text,text,text,text,text,timestamp with time zone)',
    'Verify-first sign-up: a user, their tenant, the owner membership and a verification token in one transaction — or nothing for an address already registered.',
  ],
  [
    'create_verification_token(uuid,text,timestamp with time zone)',
    'A new verification link for an unverified user; earlier ones stop working.' + TRUSTS_USER_ID,
  ],
  ['create_tenant(uuid,text,text)', 'A signed-in user opens another tenant and becomes its owner.' + TRUSTS_USER_ID],
  ['invitation_by_token(text)', 'What an invitation link shows; needs the hash of a 256-bit token.'],
  ['accept_invitation(text,uuid)', 'Redeems an invitation (single use, matching email) into a membership.' + TRUSTS_USER_ID],
  ['sign_up_invited(text,text,text)', 'Sign-up through an invitation, with the invited email.'],
  [
    'create_account_token(text,text,text,timestamp with time zone)',
    'Password reset step 1: stores a token hash for the account with that email, if any.',
  ],
  [
    'request_email_change(uuid,text,text,timestamp with time zone)',
    'Email change step 1: stores the new address with a token hash.' + TRUSTS_USER_ID,
  ],
  ['redeem_account_token(text,text,text)', 'Step 2 of a reset, email change or verification: redeems a single-use, unexpired token hash.'],
  ['set_password(uuid,text)', 'A signed-in user sets a new password (the app verified the current one).' + TRUSTS_USER_ID],
  ['revoke_sessions(uuid)', "Sign out everywhere: bumps one user's session version." + TRUSTS_USER_ID],
  [
    'user_for_oauth(text,text)',
    'OAuth sign-in: finds or creates the account for an email the provider verified (clearing the password of an account it links to); no tenant, no membership.',
  ],
  [
    'api_key_for_hash(text)',
    "API authentication: the tenant, scope and creator's current role of the unrevoked key with this sha256; needs the hash of a 192-bit key.",
  ],
  [
    'two_factor_state(uuid)',
    "Two-factor sign-in: one user's encrypted TOTP secret (AES-256-GCM, key outside the database), whether it is on, the last used step and the recovery codes left." +
      TRUSTS_USER_ID,
  ],
  [
    'two_factor_begin(uuid,text)',
    'Two-factor enrolment: stores a new unconfirmed encrypted secret for one user; refused once two-factor is on.' + TRUSTS_USER_ID,
  ],
  [
    'two_factor_enable(uuid,bigint,text[])',
    'Two-factor enrolment confirmed: on, with the step its first code used and the recovery code hashes.' + TRUSTS_USER_ID,
  ],
  ['two_factor_use_step(uuid,bigint)', 'Accepts a TOTP time step once (replay refusal), for one user.' + TRUSTS_USER_ID],
  [
    'two_factor_use_recovery_code(uuid,text)',
    'Removes one unused recovery code (by sha256 of an 80-bit code) of one user.' + TRUSTS_USER_ID,
  ],
  [
    'two_factor_set_recovery_codes(uuid,text[])',
    "Replaces one user's recovery code hashes (the app checked a code first)." + TRUSTS_USER_ID,
  ],
  ['two_factor_disable(uuid)', 'Turns two-factor off for one user (the app checked the password and a code first).' + TRUSTS_USER_ID],
  [
    'two_factor_record_pass(uuid,text,timestamp with time zone)',
    "Two-factor step-up: records, briefly, the hash of a pending session's nonce after a correct code." + TRUSTS_USER_ID,
  ],
  ['two_factor_claim_pass(uuid,text)', 'Two-factor step-up: claims that pass once, for the token carrying the nonce.' + TRUSTS_USER_ID],
  [
    'data_region()',
    "Where the data of the tenant in context is: its placement's region and the region it is pinned to (settings page, exports). Reads app.tenant_id, takes no tenant argument, returns two region names.",
  ],
  [
    'change_plan(public."Plan",public."ActorType",uuid,text,text)',
    'The manual billing provider: changes the plan of the tenant in context only (it reads app.tenant_id, takes no tenant argument) and audits it in the same transaction.',
  ],
];

export const BULKHEAD_ALLOWLIST: Allowlist = {
  tablesWithoutTenantData: [
    {
      table: 'public._prisma_migrations',
      reason:
        "Prisma's migration ledger: names and checksums of applied migrations, no tenant data; " +
        'the runtime role holds no privilege on it.',
    },
    {
      table: 'public.rate_limits',
      reason:
        'API rate-limit counters (rate-limiter-flexible), keyed "tenant:<id>" or "key:<id>" and consulted ' +
        'before the request enters a tenant context; points and an expiry only. The runtime role must read and write ' +
        'them for every tenant it serves, so they cannot be under row-level security.',
    },
    {
      table: 'public.database_targets',
      reason:
        'The servers placements name, each with its region (docs/residency.md): control-plane infrastructure, ' +
        'no tenant rows. Forced RLS with a read policy for the definer role only; the runtime role holds no ' +
        "privilege and learns its own data's region solely from bulkhead.data_region().",
    },
    {
      table: 'public.login_attempts',
      reason:
        'Sign-in throttling counters (rate-limiter-flexible), keyed by hashes of an email or a client ' +
        'address and consulted before any tenant is known; no tenant rows. The runtime role must read and write ' +
        'them, so they cannot be under row-level security.',
    },
  ],
  globalTables: [
    {
      table: 'public.tenants',
      tenantKey: 'id',
      reason:
        'One row per tenant, keyed by the tenant id itself: its policy binds id (not tenant_id) to the ' +
        'tenant in context, so the runtime role sees only its own tenant row.',
    },
    {
      table: 'public.users',
      reason:
        'A person may belong to several tenants, so a user row has no single tenant_id; its policy ' +
        'shows a user only while a membership in the tenant in context exists (EXISTS over memberships).',
    },
    {
      table: 'public.account_tokens',
      reason:
        'Password-reset and email-change tokens belong to a person, not a tenant. Forced RLS with a ' +
        'policy for the definer role only; the runtime role holds no privilege and reaches them solely ' +
        'through the account-token definer functions.',
    },
    {
      table: 'public.tenant_placements',
      reason:
        "Where each tenant's data lives (tier, schema, a configured database target): control-plane data, one " +
        'row per tenant, read before the tenant is entered. Forced RLS with a policy for the definer role only; ' +
        'the runtime role holds no privilege and learns a placement solely from resolve_membership and api_key_for_hash.',
    },
    {
      table: 'public.user_two_factor',
      reason:
        "A person's second factor (encrypted TOTP secret, recovery code hashes) belongs to the person, not a " +
        'tenant. Forced RLS with a policy for the definer role only; the runtime role holds no privilege and ' +
        'reaches it solely through the bulkhead.two_factor_* definer functions.',
    },
  ],
  exemptions: [
    ...definerPolicies.flatMap(([policy, table, checks]) =>
      checks.map(([check, code]) => ({ check, object: `${policy} ON public.${table}`, code, reason: DEFINER_POLICY })),
    ),
    ...definerFunctions.map(([signature, purpose]) => ({
      check: 25,
      object: `bulkhead.${signature}`,
      // Only this code: were the owner ever able to bypass RLS or to own tables, the finding would
      // change code and fail the audit again.
      code: 'security-definer-executable',
      reason: `${purpose} ${DEFINER_FUNCTION}`,
    })),
    {
      check: 20,
      object: 'public.memberships_user_id_idx',
      code: 'index-not-led-by-tenant',
      reason:
        '"Which tenants does this user belong to" is asked before any tenant is known, by ' +
        'bulkhead.user_tenants() and bulkhead.resolve_membership(); a tenant-led index cannot serve it.',
    },
    {
      check: 30,
      object: 'public.tenants_slug_key',
      code: 'unique-without-tenant',
      reason: 'Slugs name tenants in URLs and are public by design; sign-up must refuse a taken slug anyway.',
    },
    {
      check: 30,
      object: 'public.invitations_token_hash_key',
      code: 'unique-without-tenant',
      reason:
        'An invitation link is opened before anyone knows the tenant, so it is looked up by token hash ' +
        'alone. The hash of a 256-bit random token: a duplicate-key error reveals nothing guessable.',
    },
    {
      check: 30,
      object: 'public.api_keys_key_hash_key',
      code: 'unique-without-tenant',
      reason:
        'A request carries only its key, so the key is looked up by hash before the tenant is known. The ' +
        'sha256 of 192 random bits: a duplicate-key error reveals nothing guessable.',
    },
    {
      check: 31,
      object: 'memberships_user_id_fkey ON public.memberships',
      code: 'foreign-key-to-global-table',
      reason:
        'A membership is exactly the link from a tenant to a global user, so the key cannot carry ' +
        'tenant_id. The existence oracle it opens needs a user id (random UUIDv7) the caller already knows.',
    },
  ],
};

/**
 * The allowlist of a tenant schema (docs/tiers.md): the schema-tier copy of the placed tables has
 * the shared tables' policies and keys, so it departs from the rule exactly where they do — the
 * same entries, re-qualified with the schema — plus the schema's own migration ledger.
 */
export function tenantSchemaAllowlist(schema: string): Allowlist {
  const placed = new Set<string>(Object.values(PLACED_TABLES));
  const requalify = (object: string) =>
    object.replace(/(^|ON )public\.([a-z_]+)$/, (whole, before: string, table: string) =>
      placed.has(table) ? `${before}${schema}.${table}` : whole,
    );
  return {
    tablesWithoutTenantData: [...BULKHEAD_ALLOWLIST.tablesWithoutTenantData, migrationLedger(schema)],
    globalTables: BULKHEAD_ALLOWLIST.globalTables,
    exemptions: BULKHEAD_ALLOWLIST.exemptions.flatMap((entry) => {
      const object = requalify(entry.object);
      return object === entry.object ? [entry] : [entry, { ...entry, object }];
    }),
  };
}
