-- Lookups that must run before a tenant is known. Row-level security hides every tenant's rows
-- from the runtime role until a tenant is in context, so these few questions are answered by
-- SECURITY DEFINER functions instead. Each one:
--   * is owned by the definer role, which is NOLOGIN, owns no table and cannot bypass RLS: it reads
--     through narrow SELECT-only policies of its own, on exactly the three tables it needs;
--   * pins search_path (pg_temp last) and schema-qualifies every name, so nobody can shadow one;
--   * may be executed by the runtime role only (never PUBLIC);
--   * returns the minimum the caller needs.
-- The isolation audit allowlists exactly these functions.

-- Which tenant does this URL slug name, and may this signed-in user act in it (and as what)?
-- Answers nothing when the tenant does not exist or the user is not a member: the caller turns
-- both into the same 404.
CREATE FUNCTION bulkhead.resolve_membership(p_slug text, p_user_id uuid)
RETURNS TABLE (tenant_id uuid, role "MembershipRole", plan "Plan", status "TenantStatus")
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT t.id, m.role, t.plan, t.status
    FROM public.tenants t
    JOIN public.memberships m ON m.tenant_id = t.id
   WHERE t.slug = p_slug AND m.user_id = p_user_id
$$;

-- Sign-in by email: the id, the password hash to verify and the session version to put in the token.
CREATE FUNCTION bulkhead.user_for_sign_in(p_email text)
RETURNS TABLE (id uuid, password_hash text, session_version integer)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.id, u.password_hash, u.session_version FROM public.users u WHERE u.email = lower(p_email)
$$;

-- A session is checked on every request, before any tenant is known: is it still current?
CREATE FUNCTION bulkhead.user_session(p_user_id uuid)
RETURNS TABLE (session_version integer, name text, email text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT u.session_version, u.name, u.email FROM public.users u WHERE u.id = p_user_id
$$;

-- The tenant picker: the tenants this user belongs to, and nothing about anyone else.
CREATE FUNCTION bulkhead.user_tenants(p_user_id uuid)
RETURNS TABLE (tenant_id uuid, slug text, name text, role "MembershipRole")
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT t.id, t.slug, t.name, m.role
    FROM public.memberships m
    JOIN public.tenants t ON t.id = m.tenant_id
   WHERE m.user_id = p_user_id
   ORDER BY t.name
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  definer name := bulkhead.role('definer');
  fn regprocedure;
  tbl regclass;
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA bulkhead TO %I', definer);
  -- ALTER … OWNER TO needs the new owner to hold CREATE on the schema; only for the hand-over.
  EXECUTE format('GRANT CREATE ON SCHEMA bulkhead TO %I', definer);
  FOREACH tbl IN ARRAY ARRAY['tenants', 'users', 'memberships']::regclass[] LOOP
    EXECUTE format('GRANT SELECT ON %s TO %I', tbl, definer);
    EXECUTE format('CREATE POLICY pre_tenant_lookup ON %s AS PERMISSIVE FOR SELECT TO %I USING (true)', tbl, definer);
  END LOOP;
  FOREACH fn IN ARRAY ARRAY[
    'bulkhead.resolve_membership(text, uuid)',
    'bulkhead.user_for_sign_in(text)',
    'bulkhead.user_session(uuid)',
    'bulkhead.user_tenants(uuid)'
  ]::regprocedure[] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', fn, definer);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, app);
  END LOOP;
  EXECUTE format('REVOKE CREATE ON SCHEMA bulkhead FROM %I', definer);
END
$$;
