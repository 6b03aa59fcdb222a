-- Account security (issue 12): verified email addresses, verify-first sign-up that answers the same
-- whether or not an address is taken, safe OAuth linking, and tokens that die with the credentials
-- they were issued against.
--
-- Nothing here is tenant data: accounts and their tokens are reached only through these SECURITY
-- DEFINER functions (owned by the definer role, search_path pinned, executable by the runtime role).

-- ── Email verification tokens ────────────────────────────────────────────────────────────────
-- An email_verify token carries the address it was sent to (new_email), so a link sent before an
-- email change cannot verify the address that replaced it.
ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose;
ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose CHECK (purpose IN ('password_reset', 'email_change', 'email_verify'));
CREATE INDEX account_tokens_expires_at_idx ON account_tokens (expires_at);

-- ── Existing accounts ────────────────────────────────────────────────────────────────────────
-- Before this migration sign-up never set email_verified. Accounts that have shown control of
-- their address, or that already use what verification now guards, are marked verified so that
-- nobody silently loses invitations or API keys:
--   · accounts without a password (created by an OAuth provider that verified the address),
--   · accounts that accepted an invitation sent to their address (the link came by mail),
--   · accounts that created API keys or sent invitations.
-- Everyone else (plain sign-ups that never did any of that) confirms their address on their next
-- visit to a workspace: the app sends them to /verify-email, where a link is one click away.
-- The migration runs as the tables' owner, whom forced RLS binds too; it lifts FORCE for these
-- statements only, inside this migration's transaction.
ALTER TABLE users NO FORCE ROW LEVEL SECURITY;
ALTER TABLE invitations NO FORCE ROW LEVEL SECURITY;
ALTER TABLE api_keys NO FORCE ROW LEVEL SECURITY;
UPDATE users u SET email_verified = u.created_at
 WHERE u.email_verified IS NULL
   AND (u.password_hash IS NULL
        OR EXISTS (SELECT 1 FROM invitations i WHERE i.email = u.email AND i.accepted_at IS NOT NULL)
        OR EXISTS (SELECT 1 FROM invitations i WHERE i.invited_by = u.id)
        OR EXISTS (SELECT 1 FROM api_keys k WHERE k.created_by = u.id));
ALTER TABLE users FORCE ROW LEVEL SECURITY;
ALTER TABLE invitations FORCE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;

-- ── Sign-up, verify first ────────────────────────────────────────────────────────────────────
-- A new person, their first tenant and a verification token, or — when the address is already
-- registered — nothing at all (created = false), so the app can answer both the same way and mail
-- the address's owner instead. A taken workspace address is refused before the email is looked
-- at, so that refusal says nothing about the email. The workspace is usable once the address is
-- verified (the app checks users.email_verified on every workspace entry).
CREATE FUNCTION bulkhead.sign_up_pending(p_email text, p_name text, p_password_hash text, p_tenant_name text, p_slug text, p_token_hash text, p_expires_at timestamptz)
RETURNS TABLE (user_id uuid, created boolean, name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_user uuid;
  v_tenant uuid;
BEGIN
  PERFORM 1 FROM public.tenants t WHERE t.slug = p_slug;
  IF FOUND THEN
    RAISE EXCEPTION 'duplicate key value violates unique constraint "tenants_slug_key"'
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'tenants_slug_key';
  END IF;
  INSERT INTO public.users (email, name, password_hash) VALUES (lower(p_email), p_name, p_password_hash)
    ON CONFLICT (email) DO NOTHING RETURNING id INTO v_user;
  IF v_user IS NULL THEN
    RETURN QUERY SELECT u.id, false, u.name FROM public.users u WHERE u.email = lower(p_email);
    RETURN;
  END IF;
  INSERT INTO public.tenants (slug, name) VALUES (p_slug, p_tenant_name) RETURNING id INTO v_tenant;
  INSERT INTO public.memberships (tenant_id, user_id, role) VALUES (v_tenant, v_user, 'owner');
  INSERT INTO public.account_tokens (user_id, purpose, token_hash, new_email, expires_at)
    VALUES (v_user, 'email_verify', p_token_hash, lower(p_email), p_expires_at);
  RETURN QUERY SELECT v_user, true, p_name;
END
$$;

-- A fresh verification link for a signed-in, unverified user. Earlier links stop working (only
-- the newest is live) and long-expired tokens of anyone are purged. Returns the address to send
-- it to, or nothing when the address is already verified.
CREATE FUNCTION bulkhead.create_verification_token(p_user_id uuid, p_token_hash text, p_expires_at timestamptz)
RETURNS TABLE (email text, name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_email text;
  v_name text;
BEGIN
  SELECT u.email, u.name INTO v_email, v_name FROM public.users u WHERE u.id = p_user_id AND u.email_verified IS NULL;
  IF NOT FOUND THEN RETURN; END IF;
  PERFORM bulkhead.purge_expired_account_tokens();
  UPDATE public.account_tokens SET used_at = now()
   WHERE account_tokens.user_id = p_user_id AND purpose = 'email_verify' AND used_at IS NULL;
  INSERT INTO public.account_tokens (user_id, purpose, token_hash, new_email, expires_at)
    VALUES (p_user_id, 'email_verify', p_token_hash, v_email, p_expires_at);
  RETURN QUERY SELECT v_email, v_name;
END
$$;

-- Tokens a day past their expiry are kept by nobody: the table stays as small as the live links.
CREATE FUNCTION bulkhead.purge_expired_account_tokens()
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  WITH gone AS (DELETE FROM public.account_tokens WHERE expires_at < now() - interval '1 day' RETURNING 1)
  SELECT count(*)::integer FROM gone
$$;

-- Password reset, step 1 (replaces the original): only the newest reset link of an account works,
-- and expired tokens are purged on the way.
CREATE OR REPLACE FUNCTION bulkhead.create_account_token(p_email text, p_purpose text, p_token_hash text, p_expires_at timestamptz)
RETURNS TABLE (user_id uuid, name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_user uuid;
  v_name text;
BEGIN
  PERFORM bulkhead.purge_expired_account_tokens();
  SELECT u.id, u.name INTO v_user, v_name FROM public.users u WHERE u.email = lower(p_email);
  IF NOT FOUND THEN RETURN; END IF;
  UPDATE public.account_tokens t SET used_at = now() WHERE t.user_id = v_user AND t.purpose = p_purpose AND t.used_at IS NULL;
  INSERT INTO public.account_tokens (user_id, purpose, token_hash, expires_at) VALUES (v_user, p_purpose, p_token_hash, p_expires_at);
  RETURN QUERY SELECT v_user, v_name;
END
$$;

-- Email change, step 1 (replaces the original): only the newest request is live.
CREATE OR REPLACE FUNCTION bulkhead.request_email_change(p_user_id uuid, p_new_email text, p_token_hash text, p_expires_at timestamptz)
RETURNS void
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  UPDATE public.account_tokens SET used_at = now() WHERE user_id = p_user_id AND purpose = 'email_change' AND used_at IS NULL;
  INSERT INTO public.account_tokens (user_id, purpose, token_hash, new_email, expires_at)
  VALUES (p_user_id, 'email_change', p_token_hash, lower(p_new_email), p_expires_at);
$$;

-- Every open token of a user dies when their password or address changes: a reset link mailed
-- before a password change, or an email-change link requested by someone who has since lost the
-- account, must not outlive the credentials it was issued against.
CREATE FUNCTION bulkhead.revoke_account_tokens(p_user_id uuid)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  WITH revoked AS (
    UPDATE public.account_tokens SET used_at = now() WHERE user_id = p_user_id AND used_at IS NULL RETURNING 1
  )
  SELECT count(*)::integer FROM revoked
$$;

-- Step 2 of a reset, an email change or a verification (replaces redeem_account_token with one
-- that says which address changed, so the app can tell the old one). Single use, unexpired.
--   password_reset: new hash; the address is verified (the link reached it); sessions and every
--                   other open token end.
--   email_change:   the new address, verified; sessions and every other open token end.
--   email_verify:   the address it was sent to is verified, if it is still the account's.
DROP FUNCTION bulkhead.redeem_account_token(text, text, text);
CREATE FUNCTION bulkhead.redeem_account_token(p_token_hash text, p_purpose text, p_password_hash text)
RETURNS TABLE (user_id uuid, old_email text, new_email text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v public.account_tokens%ROWTYPE;
  v_old text;
BEGIN
  SELECT * INTO v FROM public.account_tokens t WHERE t.token_hash = p_token_hash AND t.purpose = p_purpose FOR UPDATE;
  IF NOT FOUND OR v.used_at IS NOT NULL OR v.expires_at < now() THEN
    RAISE EXCEPTION 'token_unusable' USING ERRCODE = 'P0001';
  END IF;
  SELECT u.email INTO v_old FROM public.users u WHERE u.id = v.user_id FOR UPDATE;
  UPDATE public.account_tokens SET used_at = now() WHERE id = v.id;
  IF p_purpose = 'password_reset' THEN
    UPDATE public.users SET password_hash = p_password_hash, email_verified = coalesce(email_verified, now()),
           session_version = session_version + 1, updated_at = now() WHERE id = v.user_id;
    PERFORM bulkhead.revoke_account_tokens(v.user_id);
    RETURN QUERY SELECT v.user_id, v_old, v_old;
  ELSIF p_purpose = 'email_change' THEN
    UPDATE public.users SET email = v.new_email, email_verified = now(), session_version = session_version + 1, updated_at = now() WHERE id = v.user_id;
    PERFORM bulkhead.revoke_account_tokens(v.user_id);
    RETURN QUERY SELECT v.user_id, v_old, v.new_email;
  ELSE
    IF v.new_email IS DISTINCT FROM v_old THEN RAISE EXCEPTION 'token_unusable' USING ERRCODE = 'P0001'; END IF;
    UPDATE public.users SET email_verified = coalesce(email_verified, now()), updated_at = now() WHERE id = v.user_id;
    RETURN QUERY SELECT v.user_id, v_old, v_old;
  END IF;
END
$$;

-- A new password from the signed-in account page (replaces the original): sessions and every open
-- token end.
CREATE OR REPLACE FUNCTION bulkhead.set_password(p_user_id uuid, p_password_hash text)
RETURNS integer
LANGUAGE sql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT bulkhead.revoke_account_tokens(p_user_id);
  UPDATE public.users SET password_hash = p_password_hash, session_version = session_version + 1, updated_at = now()
   WHERE id = p_user_id RETURNING session_version
$$;

-- The signed-in user, checked on every request (replaces the original: adds whether the address is
-- verified, which every workspace entry requires).
DROP FUNCTION bulkhead.user_session(uuid);
CREATE FUNCTION bulkhead.user_session(p_user_id uuid)
RETURNS TABLE (session_version integer, name text, email text, email_verified boolean)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.session_version, u.name, u.email, u.email_verified IS NOT NULL FROM public.users u WHERE u.id = p_user_id
$$;

-- ── OAuth linking ────────────────────────────────────────────────────────────────────────────
-- Sign-in with a provider that has verified the address (the app checks the provider's verified
-- flag before calling this). Replaces user_for_oauth, which linked to any account with that email
-- and kept its password and sessions: whoever had registered the address first — without ever
-- proving they own it — kept a way in. Now, linking to an existing account
--   · marks the address verified (the provider proved it),
--   · clears a password the account had and bumps the session version, so nobody who knew or set
--     that password stays signed in or can sign in with it again, and
--   · revokes every open token of the account (a pending email change to another address, say).
-- The app mails the address when a password was cleared; its owner can set one again by reset.
DROP FUNCTION bulkhead.user_for_oauth(text, text);
CREATE FUNCTION bulkhead.user_for_oauth(p_email text, p_name text)
RETURNS TABLE (id uuid, session_version integer, password_cleared boolean)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_user uuid;
  v_had_password boolean;
BEGIN
  INSERT INTO public.users (email, name, email_verified) VALUES (lower(p_email), p_name, now())
    ON CONFLICT (email) DO NOTHING RETURNING users.id INTO v_user;
  IF v_user IS NOT NULL THEN
    RETURN QUERY SELECT u.id, u.session_version, false FROM public.users u WHERE u.id = v_user;
    RETURN;
  END IF;
  SELECT u.id, u.password_hash IS NOT NULL INTO v_user, v_had_password FROM public.users u WHERE u.email = lower(p_email) FOR UPDATE;
  IF v_had_password THEN
    UPDATE public.users SET password_hash = NULL, email_verified = coalesce(email_verified, now()),
           session_version = session_version + 1, updated_at = now() WHERE users.id = v_user;
    PERFORM bulkhead.revoke_account_tokens(v_user);
  ELSE
    UPDATE public.users SET email_verified = coalesce(email_verified, now()) WHERE users.id = v_user AND email_verified IS NULL;
  END IF;
  RETURN QUERY SELECT u.id, u.session_version, v_had_password FROM public.users u WHERE u.id = v_user;
END
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  definer name := bulkhead.role('definer');
  fn regprocedure;
BEGIN
  -- Purging expired tokens deletes them; the definer's policy on account_tokens is FOR ALL.
  EXECUTE format('GRANT DELETE ON account_tokens TO %I', definer);
  EXECUTE format('GRANT CREATE ON SCHEMA bulkhead TO %I', definer);
  FOREACH fn IN ARRAY ARRAY[
    'bulkhead.sign_up_pending(text, text, text, text, text, text, timestamptz)',
    'bulkhead.create_verification_token(uuid, text, timestamptz)',
    'bulkhead.purge_expired_account_tokens()',
    'bulkhead.revoke_account_tokens(uuid)',
    'bulkhead.redeem_account_token(text, text, text)',
    'bulkhead.user_session(uuid)',
    'bulkhead.user_for_oauth(text, text)'
  ]::regprocedure[] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', fn, definer);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
  END LOOP;
  -- What the app may call. purge_expired_account_tokens and revoke_account_tokens run only inside
  -- the functions above (as the definer).
  FOREACH fn IN ARRAY ARRAY[
    'bulkhead.sign_up_pending(text, text, text, text, text, text, timestamptz)',
    'bulkhead.create_verification_token(uuid, text, timestamptz)',
    'bulkhead.redeem_account_token(text, text, text)',
    'bulkhead.user_session(uuid)',
    'bulkhead.user_for_oauth(text, text)'
  ]::regprocedure[] LOOP
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, app);
  END LOOP;
  -- Sign-up without verification is gone: the old function is no longer the app's to call.
  EXECUTE format('REVOKE EXECUTE ON FUNCTION bulkhead.sign_up(text, text, text, text, text) FROM %I', app);
  EXECUTE format('REVOKE CREATE ON SCHEMA bulkhead FROM %I', definer);
END
$$;
