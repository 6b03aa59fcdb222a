-- @bulkhead/tenancy: the kit's schema, time-ordered ids, and the one helper that puts every tenant
-- table under row-level security the same way. Put this file, unchanged, at the top of your first
-- migration (Bulkhead's own 20261123000100_foundation migration holds it byte for byte; a test
-- checks that). It needs a database provisioned by the kit (provisionDatabase): the role names are
-- read from the settings bulkhead.app_role, bulkhead.ops_role and bulkhead.definer_role.

CREATE SCHEMA bulkhead;
REVOKE ALL ON SCHEMA bulkhead FROM PUBLIC;

-- The role of the given kind ('app', 'ops', 'definer') for this database. Fails loudly on a
-- database that was not provisioned, rather than granting to a wrong or empty name.
CREATE FUNCTION bulkhead.role(kind text) RETURNS name
LANGUAGE plpgsql STABLE
SET search_path = pg_catalog
AS $$
DECLARE
  r text := current_setting('bulkhead.' || kind || '_role', true);
BEGIN
  IF r IS NULL OR r = '' THEN
    RAISE EXCEPTION 'database % was not provisioned by Bulkhead: setting bulkhead.%_role is missing',
      current_database(), kind
      USING HINT = 'Create databases with lib/db/provision.ts (npm run dev and npm test do it for you).';
  END IF;
  RETURN r::name;
END
$$;

-- UUIDv7: random enough that ids cannot be guessed (no IDOR by counting), time-ordered so B-tree
-- inserts stay local. PostgreSQL 18 has uuidv7(); 15–17 do not, so we build it from
-- gen_random_uuid(): overwrite the first 48 bits with Unix milliseconds, set the version to 7.
CREATE FUNCTION bulkhead.uuid_v7() RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE
SET search_path = pg_catalog
AS $$
  SELECT encode(
    set_bit(
      set_bit(
        overlay(uuid_send(gen_random_uuid())
                placing substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3)
                FROM 1 FOR 6),
        52, 1),
      53, 1),
    'hex')::uuid
$$;

-- Every tenant table goes through this, so every policy reads the same:
--   ENABLE + FORCE row-level security (FORCE: the table owner is bound too),
--   one permissive policy for the runtime role, USING and WITH CHECK, fail-closed:
--   no app.tenant_id in the transaction → NULL → no row matches, every write is refused.
--   The setting is wrapped in (SELECT …) so it is evaluated once per statement, not per row.
CREATE FUNCTION bulkhead.enable_tenant_isolation(tbl regclass, tenant_column name DEFAULT 'tenant_id')
RETURNS void
LANGUAGE plpgsql
SET search_path = pg_catalog
AS $$
DECLARE
  app name := bulkhead.role('app');
  ops name := bulkhead.role('ops');
  bound text := format('%I = (SELECT NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)', tenant_column);
BEGIN
  EXECUTE format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', tbl);
  EXECUTE format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', tbl);
  EXECUTE format('CREATE POLICY tenant_isolation ON %s AS PERMISSIVE FOR ALL TO %I USING (%s) WITH CHECK (%s)',
                 tbl, app, bound, bound);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %I', tbl, app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON %s TO %I', tbl, ops);
END
$$;
REVOKE ALL ON FUNCTION bulkhead.role(text), bulkhead.enable_tenant_isolation(regclass, name) FROM PUBLIC;
REVOKE ALL ON FUNCTION bulkhead.uuid_v7() FROM PUBLIC;

-- The runtime and ops roles call uuid_v7() through column defaults.
DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA bulkhead TO %I, %I', bulkhead.role('app'), bulkhead.role('ops'));
  EXECUTE format('GRANT EXECUTE ON FUNCTION bulkhead.uuid_v7() TO %I, %I', bulkhead.role('app'), bulkhead.role('ops'));
  EXECUTE format('GRANT USAGE ON SCHEMA public TO %I, %I', bulkhead.role('app'), bulkhead.role('ops'));
END
$$;
