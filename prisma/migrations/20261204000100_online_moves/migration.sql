-- Online tenant moves (issue 15; docs/moves.md). A tenant moves between placements — shared
-- tables, a schema of its own, a database of its own — while it keeps working:
--
--   capture   triggers on the source's placed tables, for that tenant's rows only, record the key
--             of every row it inserts, updates or deletes (move_changes);
--   copy      its rows are copied in batches; the mover then replays the recorded keys (catch-up)
--             until few are left;
--   freeze    a fence (move_fences) refuses the tenant's writes in the source with SQLSTATE BH503
--             — the app answers "moving your workspace, back in a few seconds" (API: 503 with
--             Retry-After) — and the mover waits for the writes already under way;
--   final     the last keys are replayed, both copies are counted and checksummed, the placement
--             switches in the control plane, the fence lifts for the new placement (it stays on
--             the old copy until that copy is removed).
--
-- Both tables and the trigger function exist in every database that holds tenant data: the control
-- plane (its shared tables and tenant schemas record here) and every dedicated database, which
-- receives every migration. They are tenant tables like any other: forced row-level security,
-- composite keys, bound to app.tenant_id for the runtime role.

CREATE TABLE move_fences (
  tenant_id   uuid           NOT NULL,
  move_id     uuid           NOT NULL,
  frozen      boolean        NOT NULL DEFAULT false,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT move_fences_pkey PRIMARY KEY (tenant_id),
  CONSTRAINT move_fences_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

CREATE TABLE move_changes (
  tenant_id   uuid   NOT NULL,
  id          uuid   NOT NULL DEFAULT bulkhead.uuid_v7(),
  table_name  text   NOT NULL,
  row_id      uuid   NOT NULL,
  CONSTRAINT move_changes_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT move_changes_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);

-- The capture trigger's function. SECURITY INVOKER: it runs as whoever writes the row — the runtime
-- role under its tenant's app.tenant_id (row-level security lets it record and read only its own
-- tenant's keys and fence), the definer role (invitations, plan changes) or the operator's role.
--
-- The fence: every write of a moving tenant takes a shared transaction-level advisory lock on the
-- tenant's key; the mover, once the fence is up, takes the exclusive one, so it proceeds only when
-- no write of that tenant is under way, and none starts while it holds it. The fence is read before
-- and after the lock: before, so that a write after the freeze fails at once instead of waiting
-- out the freeze; after, so that a write that waited for the mover sees the fence it put up.
CREATE FUNCTION bulkhead.capture_move_change() RETURNS trigger
LANGUAGE plpgsql SECURITY INVOKER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  moving uuid;
  key uuid;
BEGIN
  IF TG_OP = 'DELETE' THEN
    moving := OLD.tenant_id; key := OLD.id;
  ELSE
    moving := NEW.tenant_id; key := NEW.id;
  END IF;
  -- The mover removing the old copy after the switch: its deletes are neither fenced nor recorded.
  IF current_setting('bulkhead.move_cleanup', true) = moving::text THEN
    IF (SELECT r.rolbypassrls FROM pg_roles r WHERE r.rolname = current_user) THEN
      RETURN NULL;
    END IF;
  END IF;
  IF EXISTS (SELECT 1 FROM public.move_fences f WHERE f.tenant_id = moving AND f.frozen) THEN
    RAISE EXCEPTION 'This workspace is moving to its new home; writes resume in a few seconds.'
      USING ERRCODE = 'BH503', HINT = 'Retry in a few seconds.';
  END IF;
  PERFORM pg_advisory_xact_lock_shared(1114, hashtext(moving::text));
  IF EXISTS (SELECT 1 FROM public.move_fences f WHERE f.tenant_id = moving AND f.frozen) THEN
    RAISE EXCEPTION 'This workspace is moving to its new home; writes resume in a few seconds.'
      USING ERRCODE = 'BH503', HINT = 'Retry in a few seconds.';
  END IF;
  INSERT INTO public.move_changes (tenant_id, table_name, row_id) VALUES (moving, TG_TABLE_NAME, key);
  RETURN NULL;
END
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  ops name := bulkhead.role('ops');
  definer name := bulkhead.role('definer');
  bound text := 'tenant_id = (SELECT NULLIF(current_setting(''app.tenant_id'', true), '''')::uuid)';
BEGIN
  ALTER TABLE move_fences ENABLE ROW LEVEL SECURITY;
  ALTER TABLE move_fences FORCE ROW LEVEL SECURITY;
  ALTER TABLE move_changes ENABLE ROW LEVEL SECURITY;
  ALTER TABLE move_changes FORCE ROW LEVEL SECURITY;
  -- The runtime role reads its own tenant's fence and records its own tenant's keys; nothing else.
  EXECUTE format('CREATE POLICY tenant_isolation ON move_fences AS PERMISSIVE FOR SELECT TO %I USING (%s)', app, bound);
  EXECUTE format('GRANT SELECT ON move_fences TO %I', app);
  EXECUTE format('CREATE POLICY tenant_isolation ON move_changes AS PERMISSIVE FOR INSERT TO %I WITH CHECK (%s)', app, bound);
  EXECUTE format('GRANT INSERT ON move_changes TO %I', app);
  -- The definer role writes a tenant's audit events before any tenant context exists (an accepted
  -- invitation, a plan change): it reads fences and records keys of any tenant, and nothing more.
  EXECUTE format('CREATE POLICY move_capture ON move_fences AS PERMISSIVE FOR SELECT TO %I USING (true)', definer);
  EXECUTE format('GRANT SELECT ON move_fences TO %I', definer);
  EXECUTE format('CREATE POLICY move_capture ON move_changes AS PERMISSIVE FOR INSERT TO %I WITH CHECK (true)', definer);
  EXECUTE format('GRANT INSERT ON move_changes TO %I', definer);
  -- The operator's role (BYPASSRLS) runs the move.
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON move_fences, move_changes TO %I', ops);
  EXECUTE 'REVOKE ALL ON FUNCTION bulkhead.capture_move_change() FROM PUBLIC';
  EXECUTE format('GRANT EXECUTE ON FUNCTION bulkhead.capture_move_change() TO %I, %I, %I', app, definer, ops);
END
$$;

-- The record of every move, in the control plane (a dedicated database has the table too, empty):
-- from where to where, how it went, the figures. The operator's role writes it; nobody else reads it.
CREATE TABLE tenant_moves (
  id            uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  tenant_id     uuid           NOT NULL,
  from_label    text           NOT NULL,
  to_label      text           NOT NULL,
  state         text           NOT NULL DEFAULT 'copying'
                CHECK (state IN ('copying', 'catching_up', 'frozen', 'switched', 'done', 'rolled_back', 'failed')),
  cross_region  boolean        NOT NULL DEFAULT false,
  rows_copied   bigint,
  changes       bigint,
  freeze_ms     integer,
  error         text,
  started_at    timestamptz(3) NOT NULL DEFAULT now(),
  finished_at   timestamptz(3),
  CONSTRAINT tenant_moves_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT tenant_moves_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
ALTER TABLE tenant_moves ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_moves FORCE ROW LEVEL SECURITY;
DO $$
BEGIN
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_moves TO %I', bulkhead.role('ops'));
END
$$;
