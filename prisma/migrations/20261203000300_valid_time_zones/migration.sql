-- Tenant time zones PostgreSQL can read (issue 12, finding 10). The app validated zones with Intl,
-- which accepts names PostgreSQL refuses (US/Pacific-New, dropped from tzdata in 2020) or does not
-- list (SystemV/EST5); a tenant saved with one had every report fail. From now on a tenant's zone
-- is a name in pg_timezone_names: the app checks it (lib/settings/time-zones.ts) and so does this
-- trigger, for every writer — the runtime role, the ops role and the SECURITY DEFINER sign-up.
-- A CHECK constraint cannot do it (it may not read a catalog view), hence a trigger.

CREATE FUNCTION bulkhead.tenants_timezone_valid() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  -- A zone found valid is remembered for the session (a custom setting; it rolls back with the
  -- transaction): reading pg_timezone_names costs ~0.1 s, and a seed inserts thousands of tenants.
  v_known text := 'bulkhead.tz_' || md5(NEW.timezone);
BEGIN
  IF NEW.timezone = 'UTC' OR (TG_OP = 'UPDATE' AND NEW.timezone = OLD.timezone) OR current_setting(v_known, true) = '1' THEN
    RETURN NEW;
  END IF;
  -- Inline, not a helper function: a trigger function runs as whoever writes the row (the runtime,
  -- ops or definer role), and EXECUTE on its callees would be checked for each of them.
  IF NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names z WHERE z.name = NEW.timezone) THEN
    RAISE EXCEPTION 'time zone "%" is not in pg_timezone_names', NEW.timezone
      USING ERRCODE = 'check_violation', TABLE = 'tenants', COLUMN = 'timezone', CONSTRAINT = 'tenants_timezone_valid';
  END IF;
  PERFORM set_config(v_known, '1', false);
  RETURN NEW;
END
$$;
-- Nobody calls it directly; firing a trigger checks no EXECUTE privilege.
REVOKE ALL ON FUNCTION bulkhead.tenants_timezone_valid() FROM PUBLIC;

-- Existing tenants with a zone PostgreSQL cannot read report in UTC from now on (their reports
-- failed until now). The migration runs as the table's owner, whom forced RLS binds too; FORCE is
-- lifted for this statement only, inside this migration's transaction.
ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY;
UPDATE tenants t SET timezone = 'UTC' WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_timezone_names z WHERE z.name = t.timezone);
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;

CREATE TRIGGER tenants_timezone_valid
  BEFORE INSERT OR UPDATE OF timezone ON tenants
  FOR EACH ROW EXECUTE FUNCTION bulkhead.tenants_timezone_valid();
