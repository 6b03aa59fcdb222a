-- People, memberships and the commerce tables every tenant owns.
--
-- Tenant tables follow one shape (README: "Add a tenant-scoped table in five steps"):
--   * tenant_id uuid NOT NULL REFERENCES tenants, first column of the primary key (tenant_id, id);
--   * every foreign key to another tenant table includes tenant_id, so a row can never point at
--     another tenant's row, and the planner always has a tenant-leading index;
--   * every other index leads with tenant_id;
--   * SELECT bulkhead.enable_tenant_isolation('<table>') — forced RLS with the one policy shape.
-- Money is integer minor units (cents) in the tenant's single currency.

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

CREATE TYPE "MembershipRole" AS ENUM ('owner', 'admin', 'member', 'viewer');
CREATE TYPE "OrderStatus" AS ENUM ('draft', 'pending', 'paid', 'partially_refunded', 'refunded', 'cancelled');
CREATE TYPE "ActorType" AS ENUM ('user', 'api_key', 'system', 'platform_admin');

-- users is global: one person may belong to several tenants. Auth.js-compatible columns.
CREATE TABLE users (
  id              uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  name            text,
  email           text           NOT NULL,
  email_verified  timestamptz(3),
  image           text,
  password_hash   text,
  -- bumped on sign-out-everywhere, password change and removal: sessions carrying an older
  -- version are refused on their next request.
  session_version integer        NOT NULL DEFAULT 0,
  created_at      timestamptz(3) NOT NULL DEFAULT now(),
  updated_at      timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_email_lowercase CHECK (email = lower(email))
);
CREATE UNIQUE INDEX users_email_key ON users (email);

CREATE TABLE memberships (
  tenant_id  uuid             NOT NULL DEFAULT bulkhead.current_tenant_id(),
  user_id    uuid             NOT NULL,
  role       "MembershipRole" NOT NULL DEFAULT 'member',
  created_at timestamptz(3)   NOT NULL DEFAULT now(),
  CONSTRAINT memberships_pkey PRIMARY KEY (tenant_id, user_id),
  CONSTRAINT memberships_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
-- Allowlisted in the audit: "which tenants does this user belong to" is asked before a tenant is
-- known, by a SECURITY DEFINER lookup.
CREATE INDEX memberships_user_id_idx ON memberships (user_id);

CREATE TABLE customers (
  tenant_id   uuid           NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id          uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  name        text           NOT NULL,
  email       text           NOT NULL,
  phone       text,
  company     text,
  notes       text,
  archived_at timestamptz(3),
  version     integer        NOT NULL DEFAULT 1,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT customers_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT customers_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX customers_tenant_id_email_idx ON customers (tenant_id, email);
CREATE INDEX customers_tenant_id_name_idx ON customers (tenant_id, name);

CREATE TABLE products (
  tenant_id   uuid           NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id          uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  sku         text           NOT NULL,
  name        text           NOT NULL,
  description text,
  unit_price  integer        NOT NULL,
  archived_at timestamptz(3),
  version     integer        NOT NULL DEFAULT 1,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  updated_at  timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT products_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT products_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT products_unit_price_nonnegative CHECK (unit_price >= 0)
);
CREATE UNIQUE INDEX products_tenant_id_sku_key ON products (tenant_id, sku);

CREATE TABLE orders (
  tenant_id    uuid           NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id           uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  number       integer        NOT NULL,
  customer_id  uuid           NOT NULL,
  status       "OrderStatus"  NOT NULL DEFAULT 'pending',
  currency     char(3)        NOT NULL,
  subtotal     integer        NOT NULL DEFAULT 0,
  total        integer        NOT NULL DEFAULT 0,
  notes        text,
  placed_at    timestamptz(3) NOT NULL DEFAULT now(),
  paid_at      timestamptz(3),
  cancelled_at timestamptz(3),
  version      integer        NOT NULL DEFAULT 1,
  created_at   timestamptz(3) NOT NULL DEFAULT now(),
  updated_at   timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT orders_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT orders_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT orders_customer_fkey FOREIGN KEY (tenant_id, customer_id) REFERENCES customers (tenant_id, id),
  CONSTRAINT orders_amounts_nonnegative CHECK (subtotal >= 0 AND total >= 0)
);
CREATE UNIQUE INDEX orders_tenant_id_number_key ON orders (tenant_id, number);
CREATE INDEX orders_tenant_id_placed_at_idx ON orders (tenant_id, placed_at);
CREATE INDEX orders_tenant_id_status_placed_at_idx ON orders (tenant_id, status, placed_at);
CREATE INDEX orders_tenant_id_customer_id_idx ON orders (tenant_id, customer_id);

CREATE TABLE order_items (
  tenant_id   uuid    NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id          uuid    NOT NULL DEFAULT bulkhead.uuid_v7(),
  order_id    uuid    NOT NULL,
  product_id  uuid    NOT NULL,
  description text    NOT NULL,
  quantity    integer NOT NULL,
  unit_price  integer NOT NULL,
  total       integer NOT NULL,
  CONSTRAINT order_items_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT order_items_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT order_items_order_fkey FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT order_items_product_fkey FOREIGN KEY (tenant_id, product_id) REFERENCES products (tenant_id, id),
  CONSTRAINT order_items_quantity_positive CHECK (quantity > 0),
  CONSTRAINT order_items_amounts_nonnegative CHECK (unit_price >= 0 AND total >= 0)
);
CREATE INDEX order_items_tenant_id_order_id_idx ON order_items (tenant_id, order_id);
CREATE INDEX order_items_tenant_id_product_id_idx ON order_items (tenant_id, product_id);

-- Revenue is recognised when a payment is received; refunds are rows of their own, never an
-- edit of the payment, so a report for any past range gives the same answer tomorrow.
CREATE TABLE payments (
  tenant_id   uuid           NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id          uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  order_id    uuid           NOT NULL,
  amount      integer        NOT NULL,
  method      text           NOT NULL DEFAULT 'manual',
  received_at timestamptz(3) NOT NULL DEFAULT now(),
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT payments_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT payments_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT payments_order_fkey FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT payments_amount_positive CHECK (amount > 0)
);
CREATE INDEX payments_tenant_id_received_at_idx ON payments (tenant_id, received_at);
CREATE INDEX payments_tenant_id_order_id_idx ON payments (tenant_id, order_id);

CREATE TABLE refunds (
  tenant_id   uuid           NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id          uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  order_id    uuid           NOT NULL,
  amount      integer        NOT NULL,
  reason      text,
  refunded_at timestamptz(3) NOT NULL DEFAULT now(),
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT refunds_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT refunds_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE,
  CONSTRAINT refunds_order_fkey FOREIGN KEY (tenant_id, order_id) REFERENCES orders (tenant_id, id) ON DELETE CASCADE,
  CONSTRAINT refunds_amount_positive CHECK (amount > 0)
);
CREATE INDEX refunds_tenant_id_refunded_at_idx ON refunds (tenant_id, refunded_at);
CREATE INDEX refunds_tenant_id_order_id_idx ON refunds (tenant_id, order_id);

-- Append-only: the runtime role may insert and read, never update or delete (grants below).
CREATE TABLE audit_events (
  tenant_id   uuid           NOT NULL DEFAULT bulkhead.current_tenant_id(),
  id          uuid           NOT NULL DEFAULT bulkhead.uuid_v7(),
  actor_type  "ActorType"    NOT NULL,
  actor_id    uuid,
  actor_label text,
  action      text           NOT NULL,
  target_type text,
  target_id   text,
  metadata    jsonb          NOT NULL DEFAULT '{}',
  request_id  text,
  created_at  timestamptz(3) NOT NULL DEFAULT now(),
  CONSTRAINT audit_events_pkey PRIMARY KEY (tenant_id, id),
  CONSTRAINT audit_events_tenant_id_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id) ON DELETE CASCADE
);
CREATE INDEX audit_events_tenant_id_created_at_idx ON audit_events (tenant_id, created_at);
CREATE INDEX audit_events_tenant_id_target_idx ON audit_events (tenant_id, target_type, target_id);

SELECT bulkhead.enable_tenant_isolation(t)
  FROM unnest(ARRAY['memberships', 'customers', 'products', 'orders', 'order_items',
                    'payments', 'refunds', 'audit_events']::regclass[]) AS t;

-- users: a member sees and may update the people of the tenant in context (the members page,
-- their own profile), nobody else. Creating a user, and finding one by email before any tenant
-- is known, go through the SECURITY DEFINER functions of the next migration.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
DO $$
DECLARE
  app name := bulkhead.role('app');
  member_of_current_tenant text := $e$EXISTS (SELECT 1 FROM memberships m
      WHERE m.user_id = users.id
        AND m.tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid))$e$;
BEGIN
  EXECUTE format('CREATE POLICY tenant_members ON users AS PERMISSIVE FOR ALL TO %I USING (%s) WITH CHECK (%s)',
                 app, member_of_current_tenant, member_of_current_tenant);
  EXECUTE format('GRANT SELECT, UPDATE ON users TO %I', app);
  EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON users TO %I', bulkhead.role('ops'));
  -- A tenant row is created and deleted by the provisioning path, never by the running app.
  EXECUTE format('REVOKE INSERT, DELETE ON tenants FROM %I', app);
  EXECUTE format('REVOKE UPDATE, DELETE ON audit_events FROM %I', app);
END
$$;
