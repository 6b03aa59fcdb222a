-- @bulkhead/tenancy: bulkhead.current_tenant_id(), the default of every tenant_id column. Put it,
-- unchanged, in a migration after tenancy.sql (Bulkhead's 20261123000200_identity_and_commerce
-- migration holds it byte for byte). In the Prisma schema: @default(dbgenerated("bulkhead.current_tenant_id()")).

-- The tenant in the current transaction, or NULL. Used as the default of every tenant_id column,
-- so a row written inside a tenant context belongs to that tenant without anyone spelling the id
-- (the policies' WITH CHECK still verifies it). Policies inline the same expression.
CREATE FUNCTION bulkhead.current_tenant_id() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
SET search_path = pg_catalog
AS $$ SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid $$;
REVOKE ALL ON FUNCTION bulkhead.current_tenant_id() FROM PUBLIC;
DO $$
BEGIN
  EXECUTE format('GRANT EXECUTE ON FUNCTION bulkhead.current_tenant_id() TO %I, %I', bulkhead.role('app'), bulkhead.role('ops'));
END
$$;
