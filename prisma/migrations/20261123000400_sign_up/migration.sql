-- Sign-up and "create another workspace": the two writes that happen before the new tenant
-- exists, so no tenant context can cover them. SECURITY DEFINER, owned by the definer role (which
-- may insert into exactly these three tables through policies of its own), search_path pinned,
-- executable by the runtime role only. Both create the tenant and the owner membership in one
-- statement's transaction: a half-made tenant cannot exist.

-- A new person and their first tenant. Fails with unique_violation (23505) on a taken email or
-- slug; the constraint name says which.
CREATE FUNCTION bulkhead.sign_up(p_email text, p_name text, p_password_hash text, p_tenant_name text, p_slug text)
RETURNS TABLE (user_id uuid, tenant_id uuid)
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_user uuid;
  v_tenant uuid;
BEGIN
  INSERT INTO public.users (email, name, password_hash) VALUES (lower(p_email), p_name, p_password_hash) RETURNING id INTO v_user;
  INSERT INTO public.tenants (slug, name) VALUES (p_slug, p_tenant_name) RETURNING id INTO v_tenant;
  INSERT INTO public.memberships (tenant_id, user_id, role) VALUES (v_tenant, v_user, 'owner');
  RETURN QUERY SELECT v_user, v_tenant;
END
$$;

-- An existing user opens another tenant and becomes its owner.
CREATE FUNCTION bulkhead.create_tenant(p_user_id uuid, p_tenant_name text, p_slug text)
RETURNS uuid
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenant uuid;
BEGIN
  PERFORM 1 FROM public.users WHERE id = p_user_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'no such user' USING ERRCODE = 'no_data_found';
  END IF;
  INSERT INTO public.tenants (slug, name) VALUES (p_slug, p_tenant_name) RETURNING id INTO v_tenant;
  INSERT INTO public.memberships (tenant_id, user_id, role) VALUES (v_tenant, p_user_id, 'owner');
  RETURN v_tenant;
END
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  definer name := bulkhead.role('definer');
  fn regprocedure;
  tbl regclass;
BEGIN
  FOREACH tbl IN ARRAY ARRAY['tenants', 'users', 'memberships']::regclass[] LOOP
    EXECUTE format('GRANT INSERT ON %s TO %I', tbl, definer);
    EXECUTE format('CREATE POLICY provisioning ON %s AS PERMISSIVE FOR INSERT TO %I WITH CHECK (true)', tbl, definer);
  END LOOP;
  -- Column defaults of the rows it inserts call uuid_v7().
  EXECUTE format('GRANT EXECUTE ON FUNCTION bulkhead.uuid_v7() TO %I', definer);
  EXECUTE format('GRANT CREATE ON SCHEMA bulkhead TO %I', definer);
  FOREACH fn IN ARRAY ARRAY['bulkhead.sign_up(text, text, text, text, text)', 'bulkhead.create_tenant(uuid, text, text)']::regprocedure[] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', fn, definer);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, app);
  END LOOP;
  EXECUTE format('REVOKE CREATE ON SCHEMA bulkhead FROM %I', definer);
END
$$;
