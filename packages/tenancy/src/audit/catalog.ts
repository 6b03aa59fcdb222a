import type pg from 'pg';

import type { Allowlist } from './allowlist';
import { AuditSetupError, type Finding } from './finding';

// What every check reads: the runtime role, the tables of the audited schema with the runtime
// role's privileges on them, and their policies. Loaded once per audit, in one snapshot.
//
// Vocabulary (as in the check list of this package's README): R is the runtime role. A tenant table has a tenant_id
// column. A guarded table is one whose rows R could reach: every tenant table, every declared
// global table (tenants, users) and any other table R holds a privilege on. Inheritance children
// and partitions are audited separately (check 11): R reaching them directly skips the parent's
// policies.

export const TENANT_COLUMN = 'tenant_id';

/** Schemas that hold user objects (not PostgreSQL's own). Use as `WHERE ${USER_SCHEMA('n')}`. */
export const USER_SCHEMA = (alias: string) =>
  `${alias}.nspname NOT IN ('pg_catalog', 'information_schema') AND ${alias}.nspname NOT LIKE 'pg\\_toast%' AND ${alias}.nspname NOT LIKE 'pg\\_temp\\_%'`;

/** Objects created by an extension are the extension's business, not the schema's. */
export const NOT_FROM_EXTENSION = (classCatalog: string, oidColumn: string) =>
  `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${classCatalog}'::regclass AND e.objid = ${oidColumn} AND e.deptype = 'e')`;

export type Command = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';
export const COMMANDS: readonly Command[] = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
const POLICY_COMMAND: Record<string, Command | 'ALL'> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

export interface AuditedTable {
  oid: string;
  /** Schema-qualified, quoted where needed: public.orders */
  name: string;
  hasTenantColumn: boolean;
  tenantColumnNullable: boolean;
  /** The column policies must bind: tenant_id, a declared global table's key, or null (bind through EXISTS). */
  tenantKey: string | null;
  rowSecurity: boolean;
  forced: boolean;
  /** Nearest parent for inheritance children and partitions. */
  parentOid: string | null;
  declaredGlobal: boolean;
  runtime: Record<Command | 'TRUNCATE' | 'REFERENCES' | 'TRIGGER', boolean>;
  /** R may UPDATE a primary-, unique- or foreign-key column (and so re-point a row). */
  runtimeUpdatesKeys: boolean;
}

export interface AuditedPolicy {
  oid: string;
  /** "<policy> ON <table>" */
  object: string;
  name: string;
  table: AuditedTable;
  permissive: boolean;
  command: Command | 'ALL';
  toPublic: boolean;
  /** TO PUBLIC or to a role R is a member of (R could always SET ROLE to it). */
  appliesToRuntime: boolean;
  using: string | null;
  withCheck: string | null;
  /** Other tables the policy's expressions read (pg_depend), by oid. */
  reads: string[];
}

export interface AuditContext {
  runtimeRole: { name: string; oid: string };
  schema: string;
  database: string;
  serverVersion: number;
  allowlist: Allowlist;
  /** Every table of the schema except those the allowlist says hold no tenant data. */
  tables: AuditedTable[];
  guarded: AuditedTable[];
  policies: AuditedPolicy[];
  rows<T extends pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<T[]>;
}

export interface CatalogCheck {
  check: number;
  title: string;
  run(ctx: AuditContext): Promise<Finding[]>;
}

export function covers(policy: AuditedPolicy, command: Command): boolean {
  return policy.command === 'ALL' || policy.command === command;
}

export function runtimeReaches(table: AuditedTable): boolean {
  return Object.values(table.runtime).some(Boolean);
}

export async function loadContext(
  client: pg.ClientBase,
  scope: { runtimeRole: string; schema: string; allowlist: Allowlist },
): Promise<AuditContext> {
  const rows = async <T extends pg.QueryResultRow>(sql: string, params: unknown[] = []) => (await client.query<T>(sql, params)).rows;

  const [server] = await rows<{ version: number; database: string }>(
    `SELECT current_setting('server_version_num')::int AS version, current_database() AS database`,
  );
  if (server!.version < 150000) {
    throw new AuditSetupError(
      `The isolation audit needs PostgreSQL 15 or later (security_invoker views); this server is ${server!.version}.`,
    );
  }
  const [role] = await rows<{ oid: string }>(`SELECT oid::text FROM pg_roles WHERE rolname = $1`, [scope.runtimeRole]);
  if (!role) throw new AuditSetupError(`Runtime role "${scope.runtimeRole}" does not exist on this server.`);
  const [schema] = await rows(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [scope.schema]);
  if (!schema) throw new AuditSetupError(`Schema "${scope.schema}" does not exist in database "${server!.database}".`);

  const runtimeRole = { name: scope.runtimeRole, oid: role.oid };
  const tables = await loadTables(rows, runtimeRole.oid, scope.schema, scope.allowlist);
  const guarded = tables.filter((t) => t.parentOid === null && (t.hasTenantColumn || t.declaredGlobal || runtimeReaches(t)));
  const policies = await loadPolicies(rows, runtimeRole.oid, tables);
  return {
    runtimeRole,
    schema: scope.schema,
    database: server!.database,
    serverVersion: server!.version,
    allowlist: scope.allowlist,
    tables,
    guarded,
    policies,
    rows,
  };
}

type Rows = AuditContext['rows'];

async function loadTables(rows: Rows, runtimeOid: string, schema: string, allowlist: Allowlist): Promise<AuditedTable[]> {
  const found = await rows<{
    oid: string;
    name: string;
    row_security: boolean;
    forced: boolean;
    parent_oid: string | null;
    has_tenant_column: boolean;
    tenant_column_nullable: boolean;
    can_select: boolean;
    can_insert: boolean;
    can_update: boolean;
    can_delete: boolean;
    can_truncate: boolean;
    can_reference: boolean;
    can_trigger: boolean;
    can_update_keys: boolean;
  }>(
    // has_any_column_privilege: a column-level grant reaches rows as surely as a table-level one.
    `SELECT c.oid::text, format('%I.%I', n.nspname, c.relname) AS name,
            c.relrowsecurity AS row_security, c.relforcerowsecurity AS forced,
            (SELECT i.inhparent::text FROM pg_inherits i WHERE i.inhrelid = c.oid ORDER BY i.inhseqno LIMIT 1) AS parent_oid,
            a.attnum IS NOT NULL AS has_tenant_column, coalesce(NOT a.attnotnull, false) AS tenant_column_nullable,
            has_any_column_privilege($1::oid, c.oid, 'SELECT') AS can_select,
            has_any_column_privilege($1::oid, c.oid, 'INSERT') AS can_insert,
            has_any_column_privilege($1::oid, c.oid, 'UPDATE') AS can_update,
            has_table_privilege($1::oid, c.oid, 'DELETE') AS can_delete,
            has_table_privilege($1::oid, c.oid, 'TRUNCATE') AS can_truncate,
            has_any_column_privilege($1::oid, c.oid, 'REFERENCES') AS can_reference,
            has_table_privilege($1::oid, c.oid, 'TRIGGER') AS can_trigger,
            -- UPDATE of a key column (primary or foreign) can re-point a row at another one; UPDATE of
            -- a plain attribute (a member's role) cannot.
            EXISTS (SELECT 1 FROM pg_constraint k, unnest(k.conkey) AS key(attnum)
                     WHERE k.conrelid = c.oid AND k.contype IN ('p', 'f', 'u')
                       AND has_column_privilege($1::oid, c.oid, key.attnum, 'UPDATE')) AS can_update_keys
       FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = $3 AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = $2 AND c.relkind IN ('r', 'p')
      ORDER BY 2`,
    [runtimeOid, schema, TENANT_COLUMN],
  );
  const withoutTenantData = new Set(allowlist.tablesWithoutTenantData.map((t) => t.table));
  const globals = new Map(allowlist.globalTables.map((t) => [t.table, t]));
  return found
    .filter((t) => !withoutTenantData.has(t.name))
    .map((t) => {
      const global = globals.get(t.name);
      return {
        oid: t.oid,
        name: t.name,
        hasTenantColumn: t.has_tenant_column,
        tenantColumnNullable: t.tenant_column_nullable,
        tenantKey: t.has_tenant_column ? TENANT_COLUMN : (global?.tenantKey ?? null),
        rowSecurity: t.row_security,
        forced: t.forced,
        parentOid: t.parent_oid,
        declaredGlobal: !t.has_tenant_column && global !== undefined,
        runtime: {
          SELECT: t.can_select,
          INSERT: t.can_insert,
          UPDATE: t.can_update,
          DELETE: t.can_delete,
          TRUNCATE: t.can_truncate,
          REFERENCES: t.can_reference,
          TRIGGER: t.can_trigger,
        },
        runtimeUpdatesKeys: t.can_update_keys,
      };
    });
}

async function loadPolicies(rows: Rows, runtimeOid: string, tables: AuditedTable[]): Promise<AuditedPolicy[]> {
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const found = await rows<{
    oid: string;
    name: string;
    table_oid: string;
    permissive: boolean;
    command: string;
    to_public: boolean;
    applies_to_runtime: boolean;
    using_clause: string | null;
    check_clause: string | null;
    reads: string[];
  }>(
    // CASE, not OR: pg_has_role() raises on role 0 (PUBLIC), and OR does not promise an order.
    `SELECT p.oid::text, p.polname AS name, p.polrelid::text AS table_oid, p.polpermissive AS permissive,
            p.polcmd::text AS command, 0::oid = ANY (p.polroles) AS to_public,
            EXISTS (SELECT 1 FROM unnest(p.polroles) r
                     WHERE CASE WHEN r = 0 THEN true ELSE pg_has_role($1::oid, r, 'MEMBER') END) AS applies_to_runtime,
            pg_get_expr(p.polqual, p.polrelid) AS using_clause,
            pg_get_expr(p.polwithcheck, p.polrelid) AS check_clause,
            ARRAY(SELECT DISTINCT d.refobjid::text FROM pg_depend d
                   WHERE d.classid = 'pg_policy'::regclass AND d.objid = p.oid
                     AND d.refclassid = 'pg_class'::regclass AND d.refobjid <> p.polrelid) AS reads
       FROM pg_policy p
      WHERE p.polrelid = ANY ($2::oid[])
      ORDER BY p.polrelid, p.polname`,
    [runtimeOid, tables.map((t) => t.oid)],
  );
  return found.map((p) => {
    const table = byOid.get(p.table_oid)!;
    return {
      oid: p.oid,
      object: `${p.name} ON ${table.name}`,
      name: p.name,
      table,
      permissive: p.permissive,
      command: POLICY_COMMAND[p.command] ?? 'ALL',
      toPublic: p.to_public,
      appliesToRuntime: p.applies_to_runtime,
      using: p.using_clause,
      withCheck: p.check_clause,
      reads: p.reads,
    };
  });
}

export interface AuditedIndex {
  /** Schema-qualified index name: public.users_email_key */
  name: string;
  table: AuditedTable;
  unique: boolean;
  /** Key columns in order; null for an expression. */
  columns: (string | null)[];
  /** R may UPDATE one of the key columns (and so provoke a duplicate-key error). */
  runtimeCanUpdateKey: boolean;
}

export async function loadIndexes(ctx: AuditContext, tables: AuditedTable[]): Promise<AuditedIndex[]> {
  const byOid = new Map(tables.map((t) => [t.oid, t]));
  const found = await ctx.rows<{
    name: string;
    table_oid: string;
    unique: boolean;
    columns: (string | null)[];
    runtime_can_update_key: boolean;
  }>(
    `SELECT format('%I.%I', n.nspname, ic.relname) AS name, i.indrelid::text AS table_oid, i.indisunique AS unique,
            ARRAY(SELECT a.attname::text
                    FROM unnest(i.indkey) WITH ORDINALITY AS k(attnum, position)
                    LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
                   WHERE k.position <= i.indnkeyatts
                   ORDER BY k.position) AS columns,
            EXISTS (SELECT 1 FROM unnest(i.indkey) AS k(attnum)
                     WHERE k.attnum > 0 AND has_column_privilege($1::oid, i.indrelid, k.attnum, 'UPDATE')) AS runtime_can_update_key
       FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_namespace n ON n.oid = ic.relnamespace
      WHERE i.indrelid = ANY ($2::oid[])
      ORDER BY 1`,
    [ctx.runtimeRole.oid, tables.map((t) => t.oid)],
  );
  return found.map((i) => ({
    name: i.name,
    table: byOid.get(i.table_oid)!,
    unique: i.unique,
    columns: i.columns,
    runtimeCanUpdateKey: i.runtime_can_update_key,
  }));
}
