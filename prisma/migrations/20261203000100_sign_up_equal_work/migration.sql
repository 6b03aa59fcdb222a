-- Sign-up takes as long for a registered address as for a new one.
--
-- sign_up_pending answers "created = false" for a registered address without writing anything,
-- while a new address costs four inserts (person, workspace, owner membership, verification
-- token). That difference was ~25 ms of answer time: enough to tell, from outside, which
-- addresses have accounts (e2e/security/accounts.spec.ts compares medians of 50). Now a registered
-- address gets the same four inserts, for a throw-away person, in a subtransaction that is then
-- rolled back: the same work, nothing kept.

CREATE OR REPLACE FUNCTION bulkhead.sign_up_pending(p_email text, p_name text, p_password_hash text, p_tenant_name text, p_slug text, p_token_hash text, p_expires_at timestamptz)
RETURNS TABLE (user_id uuid, created boolean, name text)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
#variable_conflict use_column
DECLARE
  v_user uuid;
  v_tenant uuid;
  v_rehearsal uuid;
BEGIN
  PERFORM 1 FROM public.tenants t WHERE t.slug = p_slug;
  IF FOUND THEN
    RAISE EXCEPTION 'duplicate key value violates unique constraint "tenants_slug_key"'
      USING ERRCODE = 'unique_violation', CONSTRAINT = 'tenants_slug_key';
  END IF;
  INSERT INTO public.users (email, name, password_hash) VALUES (lower(p_email), p_name, p_password_hash)
    ON CONFLICT (email) DO NOTHING RETURNING id INTO v_user;
  IF v_user IS NULL THEN
    -- The work a new address costs, undone: the answer takes as long either way.
    BEGIN
      INSERT INTO public.users (email, name, password_hash)
        VALUES (gen_random_uuid()::text || '@sign-up-rehearsal.invalid', p_name, p_password_hash) RETURNING id INTO v_rehearsal;
      INSERT INTO public.tenants (slug, name) VALUES (p_slug, p_tenant_name) RETURNING id INTO v_tenant;
      INSERT INTO public.memberships (tenant_id, user_id, role) VALUES (v_tenant, v_rehearsal, 'owner');
      INSERT INTO public.account_tokens (user_id, purpose, token_hash, new_email, expires_at)
        VALUES (v_rehearsal, 'email_verify', p_token_hash, lower(p_email), p_expires_at);
      RAISE EXCEPTION 'sign-up rehearsal' USING ERRCODE = 'P0001';
    EXCEPTION WHEN raise_exception THEN
      NULL; -- rolled back to the start of the block: nothing of the rehearsal remains
    END;
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
