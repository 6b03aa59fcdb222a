-- Data residency (issue 15): a tenant's region is a rule, not a label. Every placement has a region —
-- that of the server its data is on — and the database refuses any change after which a tenant's
-- region and its placement's region differ (docs/residency.md).
--
--   database_targets   the servers a placement can name, each with its region. `local`, the control
--                      plane's own server, holds the shared tables and every tenant schema; a
--                      `database` placement names its target. Names only: the URL of a target is
--                      configuration (TENANT_DATABASE_TARGETS), never a row.
--   the rule           triggers on tenant_placements, tenants and database_targets, whoever writes:
--                      the operator's role, the definer role's sign-up, a migration.
--   the override       one transaction may carry one tenant across regions: an operator-approved
--                      move sets bulkhead.residency_override to that tenant's id (transaction-local)
--                      and, in the same transaction, changes the tenant's region and its placement.
--
-- A new tenant without a region gets local's (the column default), so sign-up and new workspaces
-- land where their data goes: the shared tables on `local`.

CREATE TABLE database_targets (
  name       text           NOT NULL,
  region     text           NOT NULL,
  updated_at timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT database_targets_pkey PRIMARY KEY (name),
  -- The name as tenant_placements.database_target spells it; a region in the same plain alphabet
  -- (eu-west, us-east-2), so messages and headers never need escaping.
  CONSTRAINT database_targets_name_format CHECK (name ~ '^[a-z][a-z0-9_-]{0,39}$'),
  CONSTRAINT database_targets_region_format CHECK (region ~ '^[a-z][a-z0-9-]{0,39}$')
);

-- The backfill reads every tenant and placement as the tables' owner, whom forced RLS binds too:
-- FORCE is lifted for these statements only, inside this migration's transaction. `local` takes the
-- most common region of the tenants it already holds (shared and schema); each target in use, the
-- most common region of the tenants placed on it. A database without tenants starts in eu-west, the
-- region every tenant had by default until now; `npm run tenant:targets` changes it.
ALTER TABLE tenants NO FORCE ROW LEVEL SECURITY;
ALTER TABLE tenant_placements NO FORCE ROW LEVEL SECURITY;

INSERT INTO database_targets (name, region)
SELECT 'local', coalesce((
  SELECT t.region FROM tenants t JOIN tenant_placements p ON p.tenant_id = t.id
   WHERE (p.tier <> 'database' OR p.database_target = 'local') AND t.region ~ '^[a-z][a-z0-9-]{0,39}$'
   GROUP BY t.region ORDER BY count(*) DESC, t.region LIMIT 1), 'eu-west');

INSERT INTO database_targets (name, region)
SELECT DISTINCT ON (p.database_target) p.database_target,
       CASE WHEN t.region ~ '^[a-z][a-z0-9-]{0,39}$' THEN t.region ELSE (SELECT region FROM database_targets WHERE name = 'local') END
  FROM tenant_placements p JOIN tenants t ON t.id = p.tenant_id
 WHERE p.tier = 'database' AND p.database_target <> 'local'
 GROUP BY p.database_target, t.region
 ORDER BY p.database_target, (t.region ~ '^[a-z][a-z0-9-]{0,39}$') DESC, count(*) DESC, t.region;

-- Tenants already outside their placement's region stay where they are (a migration moves no data,
-- and rewriting a tenant's region would hide the breach): they are reported here, and listed by
-- `npm run tenant:targets`, for an operator to move. The rule applies to every change from now on.
DO $$
DECLARE
  v_count int;
  v_some text;
BEGIN
  SELECT count(*), string_agg(slug, ', ' ORDER BY slug) FILTER (WHERE n <= 10) INTO v_count, v_some
    FROM (SELECT t.slug, row_number() OVER (ORDER BY t.slug) AS n
            FROM tenants t
            JOIN tenant_placements p ON p.tenant_id = t.id
            JOIN database_targets d ON d.name = CASE WHEN p.tier = 'database' THEN p.database_target ELSE 'local' END
           WHERE d.region <> t.region) outside;
  IF v_count > 0 THEN
    RAISE WARNING 'data residency: % tenant(s) are placed outside their region: %', v_count, v_some
      USING HINT = 'npm run tenant:targets lists them; move each with the operator''s approval (docs/residency.md).';
  END IF;
END
$$;

ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
ALTER TABLE tenant_placements FORCE ROW LEVEL SECURITY;

-- Like tenant_placements: forced row-level security, managed by the operator's role (BYPASSRLS), read
-- by the definer role (sign-up's default region, the rule's checks, bulkhead.data_region()); the
-- runtime role holds no privilege on it.
ALTER TABLE database_targets ENABLE ROW LEVEL SECURITY;
ALTER TABLE database_targets FORCE ROW LEVEL SECURITY;

-- ── The default region of a new tenant ──────────────────────────────────────────────────────────
-- Sign-up and new workspaces insert a tenant without a region; it starts in the shared tables, on
-- `local`, so its region is local's. (Before: the literal 'eu-west', whatever the server.)
CREATE FUNCTION bulkhead.local_region() RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT region FROM public.database_targets WHERE name = 'local'
$$;
ALTER TABLE tenants ALTER COLUMN region SET DEFAULT bulkhead.local_region();

-- ── The rule ────────────────────────────────────────────────────────────────────────────────────
-- Three trigger functions, each self-contained: a trigger function runs as whoever writes the row
-- (the ops role, the definer role's sign-up), and EXECUTE on any helper would be checked for each.
-- SQLSTATE RS001: a tenant would be outside its region. RS002: a placement would name no registered
-- target (a new placement, or a target removed or renamed under one). Both are this schema's own
-- codes (class RS), so callers can tell a residency refusal from any other error
-- (lib/db/residency.ts).

-- A placement is written (a new tenant's, a move): its target's region must be the tenant's.
CREATE FUNCTION bulkhead.tenant_placements_resident() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_target text := CASE WHEN NEW.tier = 'database' THEN NEW.database_target ELSE 'local' END;
  v_target_region text;
  v_tenant_region text;
  v_slug text;
BEGIN
  -- A write that leaves the placement where it was cannot take the data anywhere.
  IF TG_OP = 'UPDATE' AND NEW.tier = OLD.tier AND NEW.database_target IS NOT DISTINCT FROM OLD.database_target THEN
    RETURN NEW;
  END IF;
  IF current_setting('bulkhead.residency_override', true) = NEW.tenant_id::text THEN
    RETURN NEW;
  END IF;
  SELECT d.region INTO v_target_region FROM public.database_targets d WHERE d.name = v_target;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'database target "%" is not registered: it has no region, so no tenant can be placed on it', v_target
      USING ERRCODE = 'RS002', TABLE = 'tenant_placements',
            HINT = format('Register it first: npm run tenant:targets -- set %s --region <region> (docs/residency.md).', v_target);
  END IF;
  SELECT t.region, t.slug INTO v_tenant_region, v_slug FROM public.tenants t WHERE t.id = NEW.tenant_id;
  IF v_tenant_region IS DISTINCT FROM v_target_region THEN
    RAISE EXCEPTION 'data residency: tenant "%" is pinned to region %, and target "%" is in region %',
        v_slug, v_tenant_region, v_target, v_target_region
      USING ERRCODE = 'RS001', TABLE = 'tenant_placements',
            DETAIL = 'A tenant''s data stays in its region: shared and schema tenants live on target "local", a database tenant on its target.',
            HINT = format('Place it on a target in %s, or move it across regions with the operator''s approval (docs/residency.md).', v_tenant_region);
  END IF;
  RETURN NEW;
END
$$;

-- A tenant's region changes: its data would have to be in the new region already.
CREATE FUNCTION bulkhead.tenants_resident() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_target text;
  v_target_region text;
BEGIN
  IF NEW.region = OLD.region OR current_setting('bulkhead.residency_override', true) = NEW.id::text THEN
    RETURN NEW;
  END IF;
  SELECT CASE WHEN p.tier = 'database' THEN p.database_target ELSE 'local' END, d.region
    INTO v_target, v_target_region
    FROM public.tenant_placements p
    LEFT JOIN public.database_targets d ON d.name = CASE WHEN p.tier = 'database' THEN p.database_target ELSE 'local' END
   WHERE p.tenant_id = NEW.id;
  IF v_target IS NOT NULL AND v_target_region IS DISTINCT FROM NEW.region THEN
    RAISE EXCEPTION 'data residency: tenant "%" cannot move to region % while its data is on target "%", in region %',
        NEW.slug, NEW.region, v_target, v_target_region
      USING ERRCODE = 'RS001', TABLE = 'tenants', COLUMN = 'region',
            DETAIL = 'A tenant''s region is where its data is; changing the label does not move the data.',
            HINT = 'Move the tenant with the operator''s approval: its region and its placement change in one transaction (docs/residency.md).';
  END IF;
  RETURN NEW;
END
$$;

-- A target changes region, is renamed or removed: no tenant placed there may end up elsewhere.
CREATE FUNCTION bulkhead.database_targets_resident() RETURNS trigger
LANGUAGE plpgsql
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_count int;
  v_some text;
BEGIN
  IF OLD.name = 'local' AND (TG_OP = 'DELETE' OR NEW.name <> 'local') THEN
    RAISE EXCEPTION 'target "local" is the control plane''s own server: it cannot be removed or renamed'
      USING ERRCODE = 'RS002', TABLE = 'database_targets';
  END IF;
  IF TG_OP = 'DELETE' OR NEW.name <> OLD.name THEN
    SELECT count(*) INTO v_count FROM public.tenant_placements p WHERE p.tier = 'database' AND p.database_target = OLD.name;
    IF v_count > 0 THEN
      RAISE EXCEPTION 'database target "%" holds % tenant database(s): it cannot be removed or renamed', OLD.name, v_count
        USING ERRCODE = 'RS002', TABLE = 'database_targets', HINT = 'Move its tenants first; a new name is a target of its own.';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
  END IF;
  IF NEW.region = OLD.region THEN
    RETURN NEW;
  END IF;
  SELECT count(*), string_agg(slug, ', ' ORDER BY slug) FILTER (WHERE n <= 5) INTO v_count, v_some
    FROM (SELECT t.slug, row_number() OVER (ORDER BY t.slug) AS n
            FROM public.tenant_placements p
            JOIN public.tenants t ON t.id = p.tenant_id
           WHERE CASE WHEN p.tier = 'database' THEN p.database_target ELSE 'local' END = NEW.name
             AND t.region <> NEW.region
             AND t.id::text IS DISTINCT FROM current_setting('bulkhead.residency_override', true)) outside;
  IF v_count > 0 THEN
    RAISE EXCEPTION 'data residency: target "%" cannot move to region %: % tenant(s) placed there are pinned elsewhere (%)',
        NEW.name, NEW.region, v_count, v_some
      USING ERRCODE = 'RS001', TABLE = 'database_targets', COLUMN = 'region',
            HINT = 'Move those tenants first, or re-pin each in the same transaction under the override (docs/residency.md).';
  END IF;
  RETURN NEW;
END
$$;

-- A new tenant is checked through its placement: tenants_placement (AFTER INSERT ON tenants) inserts
-- it, and tenant_placements_resident checks it, so a tenant inserted with a region other than
-- local's is refused with its row. AFTER the row is written: the placement's own shape check
-- (tenant_placements_shape) speaks first about a malformed row.
CREATE TRIGGER tenant_placements_resident AFTER INSERT OR UPDATE OF tier, database_target ON tenant_placements
  FOR EACH ROW EXECUTE FUNCTION bulkhead.tenant_placements_resident();
CREATE TRIGGER tenants_resident BEFORE UPDATE OF region ON tenants
  FOR EACH ROW EXECUTE FUNCTION bulkhead.tenants_resident();
CREATE TRIGGER database_targets_resident BEFORE UPDATE OR DELETE ON database_targets
  FOR EACH ROW EXECUTE FUNCTION bulkhead.database_targets_resident();

-- ── Where the tenant in context's data is, for its members ──────────────────────────────────────
-- The settings page and the exports say where the data is: the placement's region (what the rule
-- keeps equal to the tenant's), and the tenant's own, so a breach from before this migration shows
-- instead of hiding behind the label. Reads app.tenant_id, takes no tenant argument.
CREATE FUNCTION bulkhead.data_region()
RETURNS TABLE (region text, tenant_region text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT d.region, t.region
    FROM public.tenants t
    JOIN public.tenant_placements p ON p.tenant_id = t.id
    LEFT JOIN public.database_targets d ON d.name = CASE WHEN p.tier = 'database' THEN p.database_target ELSE 'local' END
   WHERE t.id = NULLIF(current_setting('app.tenant_id', true), '')::uuid
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  ops name := bulkhead.role('ops');
  definer name := bulkhead.role('definer');
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON database_targets TO %I', ops);
  EXECUTE format('GRANT SELECT ON database_targets TO %I', definer);
  EXECUTE format('CREATE POLICY database_targets_definer ON database_targets AS PERMISSIVE FOR SELECT TO %I USING (true)', definer);
  -- Whoever inserts a tenant evaluates its default region: sign-up (definer) and the operator (ops).
  EXECUTE format('REVOKE ALL ON FUNCTION bulkhead.local_region() FROM PUBLIC');
  EXECUTE format('GRANT EXECUTE ON FUNCTION bulkhead.local_region() TO %I, %I', ops, definer);
  -- Only the triggers call these; firing a trigger checks no EXECUTE privilege.
  EXECUTE 'REVOKE ALL ON FUNCTION bulkhead.tenant_placements_resident() FROM PUBLIC';
  EXECUTE 'REVOKE ALL ON FUNCTION bulkhead.tenants_resident() FROM PUBLIC';
  EXECUTE 'REVOKE ALL ON FUNCTION bulkhead.database_targets_resident() FROM PUBLIC';

  EXECUTE format('GRANT CREATE ON SCHEMA bulkhead TO %I', definer);
  EXECUTE format('ALTER FUNCTION bulkhead.data_region() OWNER TO %I', definer);
  EXECUTE 'REVOKE ALL ON FUNCTION bulkhead.data_region() FROM PUBLIC';
  EXECUTE format('GRANT EXECUTE ON FUNCTION bulkhead.data_region() TO %I', app);
  EXECUTE format('REVOKE CREATE ON SCHEMA bulkhead FROM %I', definer);
END
$$;
