-- Tenant placements (issue 14): where each tenant's data lives. Three tiers —
--   shared    the tenant's rows sit in the shared tables of this database, under forced RLS;
--   schema    a schema of its own in this database (schema_name), same tables, policies and keys;
--   database  a database of its own (database_name) on a server that configuration names
--             (database_target) — never a URL or a credential in a row.
--
-- A placement is control-plane data, like the tenant row itself: it stays in this database whatever
-- the tier, one row per tenant (a trigger creates it with every tenant; existing tenants are
-- backfilled as shared). The runtime role has no privilege on it: it learns a tenant's placement
-- only from the definer functions that resolve the tenant — bulkhead.resolve_membership (sign-in
-- and pages) and bulkhead.api_key_for_hash (the API) — in the same round trip as the membership.
CREATE TYPE "PlacementTier" AS ENUM ('shared', 'schema', 'database');

CREATE TABLE tenant_placements (
  tenant_id        uuid            NOT NULL,
  tier             "PlacementTier" NOT NULL DEFAULT 'shared',
  schema_name      text,
  database_target  text,
  database_name    text,
  updated_at       timestamptz(3)  NOT NULL DEFAULT now(),
  CONSTRAINT tenant_placements_pkey PRIMARY KEY (tenant_id),
  CONSTRAINT tenant_placements_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  -- Each tier names exactly what it needs, in identifiers the app can quote without escaping. (A
  -- CHECK passes when it is NULL, hence COALESCE: a missing name is false, not unknown.)
  CONSTRAINT tenant_placements_shape CHECK (COALESCE(
    (tier = 'shared' AND schema_name IS NULL AND database_target IS NULL AND database_name IS NULL)
    OR (tier = 'schema' AND schema_name ~ '^t_[a-z0-9_]{1,59}$' AND database_target IS NULL AND database_name IS NULL)
    OR (tier = 'database' AND schema_name IS NULL AND database_target ~ '^[a-z][a-z0-9_-]{0,39}$'
        AND database_name ~ '^[a-z][a-z0-9_]{0,62}$'),
    false))
);
CREATE UNIQUE INDEX tenant_placements_schema_name_key ON tenant_placements (schema_name);
CREATE UNIQUE INDEX tenant_placements_database_key ON tenant_placements (database_target, database_name);

-- Existing tenants start shared: the backfill runs as the table's owner before row-level security
-- is forced on it (from then on the owner is bound like everyone else).
INSERT INTO tenant_placements (tenant_id) SELECT id FROM tenants;

-- Like account_tokens: forced row-level security with a policy for the definer role only. The
-- runtime role holds no privilege on the table at all; the operator's role (BYPASSRLS) manages it.
ALTER TABLE tenant_placements ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_placements FORCE ROW LEVEL SECURITY;

-- Every tenant has a placement from its first moment: new tenants start shared (the operator moves
-- them afterwards). The trigger runs with the rights of whoever inserts the tenant — the definer
-- role in sign-up and new workspaces, the operator's role in the seed and the CLI — both of which
-- may insert placements; the runtime role inserts no tenants (and could not place one).
CREATE FUNCTION bulkhead.place_new_tenant() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
BEGIN
  INSERT INTO public.tenant_placements (tenant_id) VALUES (NEW.id);
  RETURN NEW;
END
$$;
CREATE TRIGGER tenants_placement AFTER INSERT ON tenants FOR EACH ROW EXECUTE FUNCTION bulkhead.place_new_tenant();

-- Slug → tenant, the caller's role and entry rules (as before), and now where the tenant lives.
DROP FUNCTION bulkhead.resolve_membership(text, uuid);
CREATE FUNCTION bulkhead.resolve_membership(p_slug text, p_user_id uuid)
RETURNS TABLE (
  tenant_id uuid, role "MembershipRole", plan "Plan", status "TenantStatus", require_two_factor boolean, user_two_factor boolean,
  tier "PlacementTier", schema_name text, database_target text, database_name text, region text
)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT t.id, m.role, t.plan, t.status, t.require_two_factor,
         EXISTS (SELECT 1 FROM public.user_two_factor f WHERE f.user_id = p_user_id AND f.enabled_at IS NOT NULL),
         p.tier, p.schema_name, p.database_target, p.database_name, t.region
    FROM public.tenants t
    JOIN public.memberships m ON m.tenant_id = t.id
    JOIN public.tenant_placements p ON p.tenant_id = t.id
   WHERE t.slug = p_slug AND m.user_id = p_user_id
$$;

-- An API key's tenant (as before), and where that tenant lives.
DROP FUNCTION bulkhead.api_key_for_hash(text);
CREATE FUNCTION bulkhead.api_key_for_hash(p_key_hash text)
RETURNS TABLE (
  key_id uuid, tenant_id uuid, name text, scope "ApiKeyScope", plan "Plan", tenant_status "TenantStatus", creator_role "MembershipRole",
  tier "PlacementTier", schema_name text, database_target text, database_name text, region text
)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.id, k.tenant_id, k.name, k.scope, t.plan, t.status, m.role,
         p.tier, p.schema_name, p.database_target, p.database_name, t.region
    FROM public.api_keys k
    JOIN public.tenants t ON t.id = k.tenant_id
    JOIN public.tenant_placements p ON p.tenant_id = k.tenant_id
    LEFT JOIN public.memberships m ON m.tenant_id = k.tenant_id AND m.user_id = k.created_by
   WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  ops name := bulkhead.role('ops');
  definer name := bulkhead.role('definer');
  fn regprocedure;
BEGIN
  -- The definer role reads placements for the functions above and places the tenants it creates;
  -- the operator's role manages them.
  EXECUTE format('GRANT SELECT, INSERT ON tenant_placements TO %I', definer);
  EXECUTE format('CREATE POLICY tenant_placements_definer ON tenant_placements AS PERMISSIVE FOR ALL TO %I USING (true) WITH CHECK (true)', definer);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_placements TO %I', ops);
  EXECUTE format('GRANT CREATE ON SCHEMA bulkhead TO %I', definer);
  FOREACH fn IN ARRAY ARRAY[
    'bulkhead.resolve_membership(text, uuid)',
    'bulkhead.api_key_for_hash(text)'
  ]::regprocedure[] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', fn, definer);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, app);
  END LOOP;
  EXECUTE format('REVOKE CREATE ON SCHEMA bulkhead FROM %I', definer);
  -- Only the trigger calls it.
  EXECUTE 'REVOKE ALL ON FUNCTION bulkhead.place_new_tenant() FROM PUBLIC';
END
$$;
