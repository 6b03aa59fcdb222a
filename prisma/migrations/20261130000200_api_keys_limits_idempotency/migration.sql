-- The public API's tables: tenant API keys, idempotency records, and the counters of the
-- per-tenant and per-key rate limits. Plus the one way a tenant's plan changes.

-- ── API keys ──────────────────────────────────────────────────────────────────────────────────
-- A key is shown once; only its sha256 is stored (keys are 192 random bits, so a fast hash is
-- enough: there is nothing to brute-force). A request names no tenant: the key alone resolves to
-- its tenant, through bulkhead.api_key_for_hash() below, and then the request runs in that tenant's
-- context like a signed-in member's would.
CREATE TYPE "ApiKeyScope" AS ENUM ('read', 'read_write');

CREATE TABLE api_keys (
  tenant_id     uuid           NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id            uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  name          text           NOT NULL,
  prefix        text           NOT NULL,
  key_hash      text           NOT NULL,
  scope         "ApiKeyScope"  NOT NULL,
  created_by    uuid           NOT NULL,
  created_at    timestamptz(3) NOT NULL DEFAULT now(),
  last_used_at  timestamptz(3),
  revoked_at    timestamptz(3),
  CONSTRAINT api_keys_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT api_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT api_keys_name_length CHECK (length(name) BETWEEN 1 AND 80),
  CONSTRAINT api_keys_key_hash_format CHECK (key_hash ~ '^[0-9a-f]{64}$')
);
CREATE UNIQUE INDEX api_keys_key_hash_key ON api_keys (key_hash);
CREATE INDEX api_keys_tenant_id_created_at_idx ON api_keys (tenant_id, created_at);
SELECT bulkhead.enable_tenant_isolation('api_keys');

-- ── Idempotency records ───────────────────────────────────────────────────────────────────────
-- A POST with an Idempotency-Key writes its record in the same transaction as its change, so the
-- change and "this key was used" commit or roll back together; a concurrent retry with the same
-- key waits on the unique index and then finds the finished record.
CREATE TABLE idempotency_keys (
  tenant_id    uuid           NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id           uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  key          text           NOT NULL,
  fingerprint  text           NOT NULL,
  status       integer,
  response     jsonb,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  expires_at   timestamptz(3) NOT NULL,
  CONSTRAINT idempotency_keys_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT idempotency_keys_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT idempotency_keys_key_length CHECK (length(key) BETWEEN 1 AND 255)
);
CREATE UNIQUE INDEX idempotency_keys_tenant_id_key_key ON idempotency_keys (tenant_id, key);
CREATE INDEX idempotency_keys_tenant_id_expires_at_idx ON idempotency_keys (tenant_id, expires_at);
SELECT bulkhead.enable_tenant_isolation('idempotency_keys');

-- ── Rate-limit counters ───────────────────────────────────────────────────────────────────────
-- rate-limiter-flexible's PostgreSQL store. Keys name a tenant or a key id ("tenant:<uuid>",
-- "key:<uuid>"), never a request's content; points and an expiry, no tenant data.
CREATE TABLE rate_limits (
  key    varchar(255) NOT NULL,
  points integer      NOT NULL DEFAULT 0,
  expire bigint,
  CONSTRAINT rate_limits_pkey PRIMARY KEY (key)
);

-- ── Definer functions ─────────────────────────────────────────────────────────────────────────

-- Bearer key → its tenant, before any tenant is known. Answers nothing for an unknown or revoked
-- key. creator_role is the creator's role in that tenant now (NULL once they left it): a key can
-- never do more than the person who made it still may.
CREATE FUNCTION bulkhead.api_key_for_hash(p_key_hash text)
RETURNS TABLE (key_id uuid, tenant_id uuid, name text, scope "ApiKeyScope", plan "Plan", tenant_status "TenantStatus", creator_role "MembershipRole")
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
  SELECT k.id, k.tenant_id, k.name, k.scope, t.plan, t.status, m.role
    FROM public.api_keys k
    JOIN public.tenants t ON t.id = k.tenant_id
    LEFT JOIN public.memberships m ON m.tenant_id = k.tenant_id AND m.user_id = k.created_by
   WHERE k.key_hash = p_key_hash AND k.revoked_at IS NULL
$$;

-- The "manual" billing provider: the tenant in context moves to another plan. The runtime role
-- cannot update tenants.plan (migration 6); this function changes exactly that column of exactly
-- the tenant in context, and records who did it in the audit log in the same transaction. With a
-- payment provider, it would be called from the provider's verified webhook instead.
CREATE FUNCTION bulkhead.change_plan(p_plan "Plan", p_actor_type "ActorType", p_actor_id uuid, p_actor_label text, p_request_id text)
RETURNS "Plan"
LANGUAGE plpgsql VOLATILE SECURITY DEFINER
SET search_path = pg_catalog, pg_temp
AS $$
DECLARE
  v_tenant uuid := NULLIF(current_setting('app.tenant_id', true), '')::uuid;
  v_old public."Plan";
BEGIN
  IF v_tenant IS NULL THEN
    RAISE EXCEPTION 'change_plan needs a tenant in context' USING ERRCODE = '42501';
  END IF;
  SELECT t.plan INTO v_old FROM public.tenants t WHERE t.id = v_tenant FOR UPDATE;
  IF v_old IS DISTINCT FROM p_plan THEN
    UPDATE public.tenants SET plan = p_plan WHERE id = v_tenant;
    INSERT INTO public.audit_events (tenant_id, actor_type, actor_id, actor_label, action, target_type, target_id, metadata, request_id)
    VALUES (v_tenant, p_actor_type, p_actor_id, p_actor_label, 'billing.plan_changed', 'tenant', v_tenant::text,
            jsonb_build_object('from', v_old, 'to', p_plan, 'provider', 'manual'), p_request_id);
  END IF;
  RETURN v_old;
END
$$;

DO $$
DECLARE
  app name := bulkhead.role('app');
  ops name := bulkhead.role('ops');
  definer name := bulkhead.role('definer');
  fn regprocedure;
BEGIN
  -- The app reads its keys, creates them, renames, revokes and stamps last use; nothing else.
  EXECUTE format('REVOKE UPDATE ON api_keys FROM %I', app);
  EXECUTE format('GRANT UPDATE (name, last_used_at, revoked_at) ON api_keys TO %I', app);
  -- Idempotency records are written once and completed once; they are never edited otherwise.
  EXECUTE format('REVOKE UPDATE ON idempotency_keys FROM %I', app);
  EXECUTE format('GRANT UPDATE (status, response) ON idempotency_keys TO %I', app);

  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limits TO %I, %I', app, ops);

  EXECUTE format('GRANT SELECT ON api_keys TO %I', definer);
  EXECUTE format('CREATE POLICY api_key_lookup ON api_keys AS PERMISSIVE FOR SELECT TO %I USING (true)', definer);
  EXECUTE format('GRANT UPDATE (plan) ON tenants TO %I', definer);
  EXECUTE format('CREATE POLICY plan_change ON tenants AS PERMISSIVE FOR UPDATE TO %I USING (true) WITH CHECK (true)', definer);

  EXECUTE format('GRANT CREATE ON SCHEMA bulkhead TO %I', definer);
  FOREACH fn IN ARRAY ARRAY[
    'bulkhead.api_key_for_hash(text)',
    'bulkhead.change_plan("Plan", "ActorType", uuid, text, text)'
  ]::regprocedure[] LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', fn, definer);
    EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', fn);
    EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO %I', fn, app);
  END LOOP;
  EXECUTE format('REVOKE CREATE ON SCHEMA bulkhead FROM %I', definer);
END
$$;
