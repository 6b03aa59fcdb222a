-- Narrow what the runtime role may write to exactly what the app needs, column by column.
--
-- The isolation audit found a cross-tenant path: with INSERT on memberships, code running as
-- tenant A could attach tenant B's user to A; the users policy ("members of the tenant in
-- context") would then show that user to A — email, password hash — and UPDATE on every column
-- would let A overwrite the hash. Memberships are created only by the SECURITY DEFINER functions
-- (sign-up, new workspace, accepted invitation); the app changes a member's role and removes
-- members, nothing else. From users the app reads the public profile and edits a name.
-- The same narrowing for tenants: the plan and status are not the tenant's to change by SQL.

DO $$
DECLARE
  app name := bulkhead.role('app');
BEGIN
  EXECUTE format('REVOKE INSERT, UPDATE ON memberships FROM %I', app);
  EXECUTE format('GRANT UPDATE (role) ON memberships TO %I', app);

  EXECUTE format('REVOKE SELECT, UPDATE ON users FROM %I', app);
  EXECUTE format('GRANT SELECT (id, name, email, email_verified, image, created_at, updated_at) ON users TO %I', app);
  EXECUTE format('GRANT UPDATE (name, image, updated_at) ON users TO %I', app);

  EXECUTE format('REVOKE UPDATE ON tenants FROM %I', app);
  EXECUTE format('GRANT UPDATE (name, slug, timezone) ON tenants TO %I', app);
END
$$;
