import { loadIndexes, USER_SCHEMA, type AuditContext, type CatalogCheck } from './catalog';
import { finding, type Finding } from './finding';

// Checks 30–36: covert channels. Row-level security filters what a query returns; it does not
// filter constraint checks, counters, statistics or replication. Each of these answers a question
// about other tenants' rows. (Check 34, pg_stat_statements, is covered by check 5: without
// pg_read_all_stats a role sees only its own statements' text.)

// Check 30. Uniqueness is enforced across all rows, not the visible ones: a unique index without
// the tenant column answers "does another tenant have this value?" with a duplicate-key error, and
// INSERT … ON CONFLICT DO UPDATE raises on another tenant's row instead of skipping it.
async function uniqueWithoutTenant(ctx: AuditContext): Promise<Finding[]> {
  const indexes = await loadIndexes(ctx, ctx.guarded);
  return indexes
    .filter((i) => i.unique && (i.table.tenantKey === null || !i.columns.includes(i.table.tenantKey)))
    .filter((i) => i.table.runtime.INSERT || i.runtimeCanUpdateKey)
    .map((i) => {
      const key = i.table.tenantKey;
      const columns = i.columns.map((c) => c ?? '<expression>').join(', ');
      return finding(
        30,
        'unique-without-tenant',
        i.name,
        `unique index ${i.name} on ${i.table.name} (${columns}) ${key ? `leaves out ${key}` : 'spans a table shared by all tenants'}, and runtime role ${ctx.runtimeRole.name} can write it: ` +
          `a duplicate-key error tells one tenant that another tenant has that value. ` +
          (key
            ? `Fix: make it UNIQUE (${key}, ${columns})`
            : "Fix: allowlist it with the reason the value must be unique across tenants, or revoke the runtime role's writes to those columns"),
      );
    });
}

// Check 31. A foreign key is checked without row-level security: one that leaves out tenant_id
// lets a row point at another tenant's row, answers "does this id exist?" for any tenant, and its
// ON DELETE cascades cross tenants unseen.
async function foreignKeyWithoutTenant(ctx: AuditContext): Promise<Finding[]> {
  const byOid = new Map(ctx.tables.map((t) => [t.oid, t]));
  const keys = await ctx.rows<{
    name: string;
    table_oid: string;
    referenced_oid: string;
    referenced: string;
    columns: string[];
    referenced_columns: string[];
  }>(
    `SELECT quote_ident(con.conname) AS name, con.conrelid::text AS table_oid, con.confrelid::text AS referenced_oid,
            format('%I.%I', rn.nspname, rc.relname) AS referenced,
            ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY k(attnum, position)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.position) AS columns,
            ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY k(attnum, position)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.position) AS referenced_columns
       FROM pg_constraint con
       JOIN pg_class rc ON rc.oid = con.confrelid
       JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.contype = 'f' AND con.conrelid = ANY ($1::oid[])
      ORDER BY con.conrelid, con.conname`,
    [ctx.tables.map((t) => t.oid)],
  );
  const found: Finding[] = [];
  for (const key of keys) {
    const table = byOid.get(key.table_oid)!;
    const from = table.tenantKey;
    // A table of another schema is out of this audit's scope, except a global table the allowlist
    // keys by the tenant (a tenant schema's rows referencing the control plane's public.tenants).
    const to =
      byOid.get(key.referenced_oid)?.tenantKey ?? ctx.allowlist.globalTables.find((g) => g.table === key.referenced)?.tenantKey ?? null;
    const object = `${key.name} ON ${table.name}`;
    const shape = `(${key.columns.join(', ')}) → ${key.referenced}(${key.referenced_columns.join(', ')})`;
    if (from && to && !key.columns.some((column, i) => column === from && key.referenced_columns[i] === to)) {
      found.push(
        finding(
          31,
          'foreign-key-without-tenant',
          object,
          `foreign key ${object} ${shape} does not match ${from} to ${key.referenced}.${to}: a row can reference another tenant's row, and the check reveals which ids exist in other tenants. ` +
            `Fix: reference (${to}, …) from (${from}, …), backed by a unique index that leads with ${to}`,
        ),
      );
    } else if (from && !to) {
      found.push(
        finding(
          31,
          'foreign-key-to-global-table',
          object,
          `foreign key ${object} ${shape} points from a tenant table into ${key.referenced}, which no tenant owns: the check answers "does this id exist?" across tenants. ` +
            `Fix: include the tenant in the referenced key, or allowlist it with the reason`,
        ),
      );
    } else if (!from && to) {
      found.push(
        finding(
          31,
          'foreign-key-from-global-table',
          object,
          `foreign key ${object} ${shape} points from shared table ${table.name} into tenant table ${key.referenced}: shared rows depend on one tenant's rows, and its cascades cross tenants. ` +
            `Fix: move the reference into a tenant table`,
        ),
      );
    }
  }
  return found;
}

// Check 32. A sequence is one counter for all tenants: ids it hands out (or last_value, currval)
// tell each tenant how many rows the others created, and let them enumerate.
async function sharedSequence(ctx: AuditContext): Promise<Finding[]> {
  const sequences = await ctx.rows<{ name: string; direct: boolean; feeds: string | null }>(
    `SELECT format('%I.%I', n.nspname, s.relname) AS name,
            has_sequence_privilege($1::oid, s.oid, 'USAGE') OR has_sequence_privilege($1::oid, s.oid, 'SELECT')
              OR has_sequence_privilege($1::oid, s.oid, 'UPDATE') AS direct,
            (SELECT format('%I.%I', tn.nspname, t.relname)
               FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = t.relnamespace
              WHERE d.classid = 'pg_class'::regclass AND d.objid = s.oid AND d.refclassid = 'pg_class'::regclass
                AND d.deptype IN ('a', 'i') AND t.oid = ANY ($2::oid[]) LIMIT 1) AS feeds
       FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace
      WHERE s.relkind = 'S' AND ${USER_SCHEMA('n')}
      ORDER BY 1`,
    [ctx.runtimeRole.oid, ctx.guarded.filter((t) => t.runtime.INSERT).map((t) => t.oid)],
  );
  const r = ctx.runtimeRole.name;
  return sequences
    .filter((s) => s.direct || s.feeds !== null)
    .map((s) =>
      finding(
        32,
        'shared-sequence',
        s.name,
        `sequence ${s.name} is shared by all tenants and ${s.direct ? `runtime role ${r} can use or read it` : `numbers rows ${r} inserts into ${s.feeds}`}: ` +
          `each value reveals how many rows other tenants created. Fix: use random or time-ordered ids (bulkhead.uuid_v7()) or a per-tenant counter` +
          `${s.direct ? `, and REVOKE ALL ON SEQUENCE ${s.name} FROM ${r}` : ''}`,
      ),
    );
}

// Check 33. pg_statistic holds each column's most common values and histogram bounds — other
// tenants' data. PostgreSQL's pg_stats view hides row-secured tables; the raw catalogs do not.
async function statisticsReadable(ctx: AuditContext): Promise<Finding[]> {
  const catalogs = await ctx.rows<{ name: string }>(
    `SELECT 'pg_catalog.' || c.relname AS name FROM pg_class c
      WHERE c.oid IN ('pg_catalog.pg_statistic'::regclass, 'pg_catalog.pg_statistic_ext_data'::regclass)
        AND has_any_column_privilege($1::oid, c.oid, 'SELECT')
      ORDER BY 1`,
    [ctx.runtimeRole.oid],
  );
  return catalogs.map((c) =>
    finding(
      33,
      'statistics-readable',
      c.name,
      `runtime role ${ctx.runtimeRole.name} can read ${c.name}, whose most-common values and histograms are sampled from every tenant's rows. ` +
        `Fix: REVOKE SELECT ON ${c.name} FROM ${ctx.runtimeRole.name}`,
    ),
  );
}

// Check 35. Logical replication ships every row of a published table, all tenants, to whoever
// subscribes; row filters are not tenant policies.
async function publishedTenantTable(ctx: AuditContext): Promise<Finding[]> {
  const guarded = new Set(ctx.guarded.map((t) => t.name));
  const published = await ctx.rows<{ publication: string; table: string }>(
    `SELECT quote_ident(pubname) AS publication, format('%I.%I', schemaname, tablename) AS table
       FROM pg_publication_tables ORDER BY 1, 2`,
  );
  const byPublication = new Map<string, string[]>();
  for (const row of published.filter((p) => guarded.has(p.table))) {
    byPublication.set(row.publication, [...(byPublication.get(row.publication) ?? []), row.table]);
  }
  return [...byPublication].map(([publication, tables]) =>
    finding(
      35,
      'published-tenant-table',
      `publication ${publication}`,
      `publication ${publication} includes tenant table${tables.length > 1 ? 's' : ''} ${tables.join(', ')}: a subscriber receives every tenant's rows. ` +
        `Fix: ALTER PUBLICATION ${publication} DROP TABLE ${tables.join(', ')} (or publish per tenant with a reviewed row filter)`,
    ),
  );
}

// Check 36. Large objects have owners and grants but no row-level security: any one the runtime
// role can open is readable by every tenant.
async function largeObjectReadable(ctx: AuditContext): Promise<Finding[]> {
  const [objects] = await ctx.rows<{ compat: boolean; oids: string[] }>(
    `SELECT current_setting('lo_compat_privileges')::boolean AS compat,
            ARRAY(SELECT m.oid::text FROM pg_largeobject_metadata m
                   WHERE pg_has_role($1::oid, m.lomowner, 'USAGE')
                      OR EXISTS (SELECT 1 FROM aclexplode(m.lomacl) a
                                  WHERE CASE WHEN a.grantee = 0 THEN true ELSE pg_has_role($1::oid, a.grantee, 'USAGE') END)
                   ORDER BY m.oid) AS oids`,
    [ctx.runtimeRole.oid],
  );
  const r = ctx.runtimeRole.name;
  const found: Finding[] = [];
  if (objects!.compat) {
    found.push(
      finding(
        36,
        'large-object-compat-privileges',
        'setting lo_compat_privileges',
        `lo_compat_privileges is on: every role, runtime role ${r} included, can read and write every large object. Fix: ALTER SYSTEM SET lo_compat_privileges = off`,
      ),
    );
  }
  if (objects!.oids.length > 0) {
    const shown = objects!.oids.slice(0, 5).join(', ') + (objects!.oids.length > 5 ? ', …' : '');
    found.push(
      finding(
        36,
        'large-object-readable',
        'large objects',
        `runtime role ${r} can open ${objects!.oids.length} large object(s) (${shown}), which have no row-level security. ` +
          `Fix: store tenant files in a tenant table (bytea) or outside the database, and REVOKE SELECT, UPDATE ON LARGE OBJECT … FROM ${r}`,
      ),
    );
  }
  return found;
}

export const CHANNEL_CHECKS: CatalogCheck[] = [
  { check: 30, title: 'A unique index leaves out the tenant column', run: uniqueWithoutTenant },
  { check: 31, title: 'A foreign key leaves out the tenant column', run: foreignKeyWithoutTenant },
  { check: 32, title: 'A sequence shared across tenants is visible to the runtime role', run: sharedSequence },
  { check: 33, title: 'The runtime role can read raw planner statistics', run: statisticsReadable },
  { check: 35, title: 'A publication includes tenant tables', run: publishedTenantTable },
  { check: 36, title: 'Large objects are readable by the runtime role', run: largeObjectReadable },
];
