-- Two-factor sign-in (issue 12): a TOTP secret per person (RFC 6238), ten single-use recovery
-- codes, and a per-workspace rule "members must use two-factor" that the membership check enforces.
--
-- The two-factor record belongs to a person, not a tenant: like account_tokens it is under forced
-- row-level security with a policy for the definer role only, and the runtime role reaches it
-- solely through the SECURITY DEFINER functions below (owned by the definer role, search_path
-- pinned, executable by the runtime role).
--
-- What the database holds:
--   secret_encrypted      the TOTP secret, AES-256-GCM under TWO_FACTOR_KEY (the app encrypts; the
--                         database never sees the key or the plain secret);
--   enabled_at            NULL while enrolment is unconfirmed;
--   last_used_step        the newest 30-second time step a code was accepted for: a code for that
--                         step or an older one is refused (no replay inside the ±1 step window);
--   recovery_code_hashes  sha256 of each unused recovery code (80 random bits each, so a fast hash
--                         is enough and the lookup can be one atomic UPDATE);
--   step_up_*             a pending sign-in that has just proven a code: the hash of the nonce its
--                         token carries, claimed once (bulkhead.two_factor_claim_pass).
CREATE TABLE user_two_factor (
  user_id                 uuid           NOT NULL,
  secret_encrypted        text           NOT NULL,
  enabled_at              timestamptz(3),
  last_used_step          bigint,
  recovery_code_hashes    text[]         NOT NULL DEFAULT '{}',
  step_up_nonce_hash      text,
  step_up_expires_at      timestamptz(3),
  created_at              timestamptz(3) NOT NULL DEFAULT now(),
  updated_at              timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT user_two_factor_pkey PRIMARY KEY (user_id),
  CONSTRAINT user_two_factor_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
ALTER TABLE user_two_factor ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_two_factor FORCE ROW LEVEL SECURITY;

-- The workspace rule. Off by default; owners and admins turn it on (the app requires them to use
-- two-factor themselves first).
ALTER TABLE tenants ADD COLUMN require_two_factor boolean NOT NULL DEFAULT false;

-- Slug → tenant and the caller's role (replaces the original), now with the workspace's rule and
-- whether this user has two-factor on, so one lookup per request decides entry.
DROP FUNCTION bulkhead.resolve_membership(text, uuid);
CREATE FUNCTION bulkhead.resolve_membership(p_slug text, p_user_id uuid)
RETURNS TABLE (tenant_id uuid, role "MembershipRole", plan "Plan", status "TenantStatus", require_two_factor boolean, user_two_factor boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT t.id, m.role, t.plan, t.status, t.require_two_factor,
         EXISTS (SELECT 1 FROM public.user_two_factor f WHERE f.user_id = p_user_id AND f.enabled_at IS NOT NULL)
    FROM public.tenants t
    JOIN public.memberships m ON m.tenant_id = t.id
   WHERE t.slug = p_slug AND m.user_id = p_user_id
$$;

-- One person's two-factor state: the encrypted secret (for the app to check a code), whether it is
-- confirmed, the last accepted step and how many recovery codes are left. Nothing for no record.
CREATE FUNCTION bulkhead.two_factor_state(p_user_id uuid)
RETURNS TABLE (secret_encrypted text, enabled boolean, last_used_step bigint, recovery_codes_left integer)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT f.secret_encrypted, f.enabled_at IS NOT NULL, f.last_used_step, cardinality(f.recovery_code_hashes)
    FROM public.user_two_factor f WHERE f.user_id = p_user_id
$$;

-- Enrolment, step 1: a new (unconfirmed) secret. Refused (false) when two-factor is already on, so
-- a stolen session cannot swap the secret of an enrolled account.
CREATE FUNCTION bulkhead.two_factor_begin(p_user_id uuid, p_secret_encrypted text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  INSERT INTO public.user_two_factor AS f (user_id, secret_encrypted) VALUES (p_user_id, p_secret_encrypted)
  ON CONFLICT (user_id) DO UPDATE
     SET secret_encrypted = EXCLUDED.secret_encrypted, last_used_step = NULL, recovery_code_hashes = '{}', updated_at = now()
   WHERE f.enabled_at IS NULL
  RETURNING true
$$;

-- Enrolment, step 2: the first code proved the secret; two-factor is on, with its recovery codes.
-- Atomic with the step it used, so that code cannot be used again.
CREATE FUNCTION bulkhead.two_factor_enable(p_user_id uuid, p_step bigint, p_recovery_code_hashes text[])
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.user_two_factor
     SET enabled_at = now(), last_used_step = p_step, recovery_code_hashes = p_recovery_code_hashes, updated_at = now()
   WHERE user_id = p_user_id AND enabled_at IS NULL AND (last_used_step IS NULL OR last_used_step < p_step)
  RETURNING true
$$;

-- A code was right for time step p_step: accept it only if no code for that step or a later one
-- was accepted before. One UPDATE, so two requests with the same code cannot both pass.
CREATE FUNCTION bulkhead.two_factor_use_step(p_user_id uuid, p_step bigint)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.user_two_factor SET last_used_step = p_step, updated_at = now()
   WHERE user_id = p_user_id AND enabled_at IS NOT NULL AND (last_used_step IS NULL OR last_used_step < p_step)
  RETURNING true
$$;

-- A recovery code (its sha256): removed if it is one of the unused ones; returns how many are left,
-- or nothing when it is not (unknown, or used already).
CREATE FUNCTION bulkhead.two_factor_use_recovery_code(p_user_id uuid, p_code_hash text)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.user_two_factor SET recovery_code_hashes = array_remove(recovery_code_hashes, p_code_hash), updated_at = now()
   WHERE user_id = p_user_id AND enabled_at IS NOT NULL AND p_code_hash = ANY (recovery_code_hashes)
  RETURNING cardinality(recovery_code_hashes)
$$;

-- New recovery codes replace every old one (the app has just checked a code).
CREATE FUNCTION bulkhead.two_factor_set_recovery_codes(p_user_id uuid, p_recovery_code_hashes text[])
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.user_two_factor SET recovery_code_hashes = p_recovery_code_hashes, updated_at = now()
   WHERE user_id = p_user_id AND enabled_at IS NOT NULL
  RETURNING true
$$;

-- Two-factor off (the app has just checked the password and a code): the record goes entirely.
CREATE FUNCTION bulkhead.two_factor_disable(p_user_id uuid)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  WITH gone AS (DELETE FROM public.user_two_factor WHERE user_id = p_user_id RETURNING 1)
  SELECT count(*) > 0 FROM gone
$$;

-- Step-up, part 1: a pending sign-in proved a code; remember the hash of its token's nonce briefly.
CREATE FUNCTION bulkhead.two_factor_record_pass(p_user_id uuid, p_nonce_hash text, p_expires_at timestamptz)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.user_two_factor SET step_up_nonce_hash = p_nonce_hash, step_up_expires_at = p_expires_at, updated_at = now()
   WHERE user_id = p_user_id AND enabled_at IS NOT NULL
  RETURNING true
$$;

-- Step-up, part 2: the token carrying that nonce becomes a full session, once. Auth.js's session
-- update can be triggered by anyone holding the pending cookie, so the update succeeds only
-- against a pass recorded by a correct code.
CREATE FUNCTION bulkhead.two_factor_claim_pass(p_user_id uuid, p_nonce_hash text)
RETURNS boolean
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.user_two_factor SET step_up_nonce_hash = NULL, step_up_expires_at = NULL
   WHERE user_id = p_user_id AND step_up_nonce_hash = p_nonce_hash AND step_up_expires_at > now()
  RETURNING true
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  ops name := bulkhead.role('ops');
  definer name := bulkhead.role('definer');
  fn regprocedure;
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON user_two_factor TO %I', definer);
  EXECUTE format('CREATE POLICY two_factor_definer ON user_two_factor AS PERMISSIVE FOR ALL TO %I USING (true) WITH CHECK (true)', definer);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON user_two_factor TO %I', ops);
  -- The workspace rule is the tenant's to change, in its own context (owners and admins, by the app).
  EXECUTE format('GRANT UPDATE (require_two_factor) ON tenants TO %I', app);
  EXECUTE format('GRANT CREATE ON SCHEMA bulkhead TO %I', definer);
  FOREACH fn IN ARRAY ARRAY[
    'bulkhead.resolve_membership(text, uuid)',
    'bulkhead.two_factor_state(uuid)',
    'bulkhead.two_factor_begin(uuid, text)',
    'bulkhead.two_factor_enable(uuid, bigint, text[])',
    'bulkhead.two_factor_use_step(uuid, bigint)',
    'bulkhead.two_factor_use_recovery_code(uuid, text)',
    'bulkhead.two_factor_set_recovery_codes(uuid, text[])',
    'bulkhead.two_factor_disable(uuid)',
    'bulkhead.two_factor_record_pass(uuid, text, timestamptz)',
    'bulkhead.two_factor_claim_pass(uuid, text)'
  ]::regprocedure[] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', fn, definer);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, app);
  END LOOP;
  EXECUTE format('REVOKE CREATE ON SCHEMA bulkhead FROM %I', definer);
END
$$;
