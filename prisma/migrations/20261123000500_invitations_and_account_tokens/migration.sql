-- Invitations, password resets, email changes and sign-in throttling.
--
-- Tokens are random 256-bit values shown once (in the email); only their sha256 is stored, so a
-- leaked database holds nothing that can be redeemed. Every token is single-use and expires.

-- Invitations are tenant data: created, listed and revoked inside the tenant context.
CREATE TABLE invitations (
  tenant_id   uuid             NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id          uuid             NOT NULL DEFAULT bulkhead.uuid_v7(),
  email       text             NOT NULL,
  role        "MembershipRole" NOT NULL,
  token_hash  text             NOT NULL,
  invited_by  uuid,
  expires_at  timestamptz(3)   NOT NULL,
  accepted_at timestamptz(3),
  revoked_at  timestamptz(3),
  created_at  timestamptz(3)   NOT NULL DEFAULT now(),
  CONSTRAINT invitations_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT invitations_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT invitations_email_lowercase CHECK (email = lower(email))
);
-- Allowlisted in the audit: an invitation link is opened before anyone knows the tenant, so the
-- lookup is by hash alone. The hash of a 256-bit random token: a duplicate-key error reveals nothing.
CREATE UNIQUE INDEX invitations_token_hash_key ON invitations (token_hash);
CREATE INDEX invitations_tenant_id_email_idx ON invitations (tenant_id, email);
SELECT bulkhead.enable_tenant_isolation('invitations');

-- Account tokens belong to a person, not a tenant: reached only through the definer functions.
CREATE TABLE account_tokens (
  id         uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  user_id    uuid           NOT NULL,
  purpose    text           NOT NULL,
  token_hash text           NOT NULL,
  new_email  text,
  expires_at timestamptz(3) NOT NULL,
  used_at    timestamptz(3),
  created_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT account_tokens_pkey PRIMARY KEY (id),
  CONSTRAINT account_tokens_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT account_tokens_purpose CHECK (purpose IN ('password_reset', 'email_change'))
);
CREATE UNIQUE INDEX account_tokens_token_hash_key ON account_tokens (token_hash);
CREATE INDEX account_tokens_user_id_idx ON account_tokens (user_id);
ALTER TABLE account_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE account_tokens FORCE ROW LEVEL SECURITY;

-- Sign-in throttling (rate-limiter-flexible's PostgreSQL store, created here because the runtime
-- role owns nothing). Keys are hashes of an email or a client address; no tenant data.
CREATE TABLE login_attempts (
  key    varchar(255) NOT NULL,
  points integer      NOT NULL DEFAULT 0,
  expire bigint,
  CONSTRAINT login_attempts_pkey PRIMARY KEY (key)
);

-- ── Definer functions ────────────────────────────────────────────────────────────────────────

-- What an invitation link shows before anyone signs in: the workspace and the invited email.
CREATE FUNCTION bulkhead.invitation_by_token(p_token_hash text)
RETURNS TABLE (tenant_id uuid, invitation_id uuid, tenant_name text, tenant_slug text, email text, role "MembershipRole", expires_at timestamptz, accepted_at timestamptz, revoked_at timestamptz)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT i.tenant_id, i.id, t.name, t.slug, i.email, i.role, i.expires_at, i.accepted_at, i.revoked_at
    FROM public.invitations i JOIN public.tenants t ON t.id = i.tenant_id
   WHERE i.token_hash = p_token_hash
$$;

-- Redeems an invitation for an existing user whose email matches it. Single use: the row is locked
-- and marked in the same transaction that creates the membership. Returns the tenant slug, or
-- raises with a reason the app turns into a message.
CREATE FUNCTION bulkhead.accept_invitation(p_token_hash text, p_user_id uuid)
RETURNS text
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v public.invitations%ROWTYPE;
  v_email text;
  v_slug text;
BEGIN
  SELECT * INTO v FROM public.invitations WHERE token_hash = p_token_hash FOR UPDATE;
  IF NOT FOUND THEN RAISE EXCEPTION 'invitation_not_found' USING ERRCODE = 'P0002'; END IF;
  IF v.revoked_at IS NOT NULL OR v.accepted_at IS NOT NULL THEN RAISE EXCEPTION 'invitation_used' USING ERRCODE = 'P0001'; END IF;
  IF v.expires_at < now() THEN RAISE EXCEPTION 'invitation_expired' USING ERRCODE = 'P0001'; END IF;
  SELECT email INTO v_email FROM public.users WHERE id = p_user_id;
  IF v_email IS DISTINCT FROM v.email THEN RAISE EXCEPTION 'invitation_other_email' USING ERRCODE = 'P0001'; END IF;
  INSERT INTO public.memberships (tenant_id, user_id, role) VALUES (v.tenant_id, p_user_id, v.role)
    ON CONFLICT (tenant_id, user_id) DO NOTHING;
  UPDATE public.invitations SET accepted_at = now() WHERE tenant_id = v.tenant_id AND id = v.id;
  INSERT INTO public.audit_events (tenant_id, actor_type, actor_id, action, target_type, target_id, metadata)
    VALUES (v.tenant_id, 'user', p_user_id, 'member.joined', 'user', p_user_id::text, jsonb_build_object('role', v.role, 'invitation', v.id));
  SELECT slug INTO v_slug FROM public.tenants WHERE id = v.tenant_id;
  RETURN v_slug;
END
$$;

-- Signing up through an invitation: the account is created with the invited email.
CREATE FUNCTION bulkhead.sign_up_invited(p_token_hash text, p_name text, p_password_hash text)
RETURNS TABLE (user_id uuid, email text, tenant_slug text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_email text;
  v_user uuid;
BEGIN
  SELECT i.email INTO v_email FROM public.invitations i
   WHERE i.token_hash = p_token_hash AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at >= now();
  IF NOT FOUND THEN RAISE EXCEPTION 'invitation_unusable' USING ERRCODE = 'P0001'; END IF;
  INSERT INTO public.users (email, name, password_hash, email_verified) VALUES (v_email, p_name, p_password_hash, now()) RETURNING id INTO v_user;
  RETURN QUERY SELECT v_user, v_email, bulkhead.accept_invitation(p_token_hash, v_user);
END
$$;

-- Password reset, step 1: store a token for the account with this email, if there is one. Returns
-- the user's name for the email (NULL when there is no account; the app answers the same either way).
CREATE FUNCTION bulkhead.create_account_token(p_email text, p_purpose text, p_token_hash text, p_expires_at timestamptz)
RETURNS TABLE (user_id uuid, name text)
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  INSERT INTO public.account_tokens (user_id, purpose, token_hash, expires_at)
  SELECT u.id, p_purpose, p_token_hash, p_expires_at FROM public.users u WHERE u.email = lower(p_email)
  RETURNING user_id, (SELECT u.name FROM public.users u WHERE u.id = account_tokens.user_id)
$$;

-- Email change, step 1 (signed in): store the new address with a token sent to it.
CREATE FUNCTION bulkhead.request_email_change(p_user_id uuid, p_new_email text, p_token_hash text, p_expires_at timestamptz)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  INSERT INTO public.account_tokens (user_id, purpose, token_hash, new_email, expires_at)
  VALUES (p_user_id, 'email_change', p_token_hash, lower(p_new_email), p_expires_at)
$$;

-- Step 2 of either: redeem a token (single use, unexpired). For a password reset it sets the new
-- hash; for an email change it moves the address. Either way every session is revoked.
CREATE FUNCTION bulkhead.redeem_account_token(p_token_hash text, p_purpose text, p_password_hash text)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v public.account_tokens%ROWTYPE;
BEGIN
  SELECT * INTO v FROM public.account_tokens WHERE token_hash = p_token_hash AND purpose = p_purpose FOR UPDATE;
  IF NOT FOUND OR v.used_at IS NOT NULL OR v.expires_at < now() THEN
    RAISE EXCEPTION 'token_unusable' USING ERRCODE = 'P0001';
  END IF;
  UPDATE public.account_tokens SET used_at = now() WHERE id = v.id;
  IF p_purpose = 'password_reset' THEN
    UPDATE public.users SET password_hash = p_password_hash, session_version = session_version + 1, updated_at = now() WHERE id = v.user_id;
  ELSE
    UPDATE public.users SET email = v.new_email, email_verified = now(), session_version = session_version + 1, updated_at = now() WHERE id = v.user_id;
  END IF;
  RETURN v.user_id;
END
$$;

-- Signed-in account changes that are about the person, not a tenant: a new password (the app has
-- verified the current one) and sign-out-everywhere. Both bump the session version.
CREATE FUNCTION bulkhead.set_password(p_user_id uuid, p_password_hash text)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.users SET password_hash = p_password_hash, session_version = session_version + 1, updated_at = now()
   WHERE id = p_user_id RETURNING session_version
$$;

CREATE FUNCTION bulkhead.revoke_sessions(p_user_id uuid)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.users SET session_version = session_version + 1 WHERE id = p_user_id RETURNING session_version
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  ops name := bulkhead.role('ops');
  definer name := bulkhead.role('definer');
  fn regprocedure;
BEGIN
  -- The definer reads and redeems tokens and creates memberships for accepted invitations.
  EXECUTE format('GRANT SELECT, UPDATE ON invitations TO %I', definer);
  EXECUTE format('CREATE POLICY redeem_invitation ON invitations AS PERMISSIVE FOR ALL TO %I USING (true) WITH CHECK (true)', definer);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE ON account_tokens TO %I', definer);
  EXECUTE format('CREATE POLICY account_tokens_definer ON account_tokens AS PERMISSIVE FOR ALL TO %I USING (true) WITH CHECK (true)', definer);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON account_tokens TO %I', ops);
  EXECUTE format('GRANT UPDATE ON users TO %I', definer);
  EXECUTE format('CREATE POLICY account_changes ON users AS PERMISSIVE FOR UPDATE TO %I USING (true) WITH CHECK (true)', definer);
  EXECUTE format('GRANT INSERT ON audit_events TO %I', definer);
  EXECUTE format('CREATE POLICY membership_events ON audit_events AS PERMISSIVE FOR INSERT TO %I WITH CHECK (true)', definer);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON login_attempts TO %I, %I', app, ops);

  EXECUTE format('GRANT CREATE ON SCHEMA bulkhead TO %I', definer);
  FOREACH fn IN ARRAY ARRAY[
    'bulkhead.invitation_by_token(text)',
    'bulkhead.accept_invitation(text, uuid)',
    'bulkhead.sign_up_invited(text, text, text)',
    'bulkhead.create_account_token(text, text, text, timestamptz)',
    'bulkhead.request_email_change(uuid, text, text, timestamptz)',
    'bulkhead.redeem_account_token(text, text, text)',
    'bulkhead.set_password(uuid, text)',
    'bulkhead.revoke_sessions(uuid)'
  ]::regprocedure[] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', fn, definer);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, app);
  END LOOP;
  EXECUTE format('REVOKE CREATE ON SCHEMA bulkhead FROM %I', definer);
END
$$;
