import { NOT_FROM_EXTENSION, USER_SCHEMA, type AuditContext, type CatalogCheck } from './catalog';
import { finding, type Finding } from './finding';

// Checks 21–29: objects that reach tenant rows with someone else's rights, or run code where
// row-level security cannot see it. (Check 22, security_barrier on filtering views, is left out:
// behind security_invoker views row-level security still filters the base table, so a leaky
// function cannot see another tenant's rows through them.)

/** Tables holding tenant rows: the guarded ones and their children. */
const tenantDataOids = (ctx: AuditContext) => ctx.tables.filter((t) => t.hasTenantColumn || ctx.guarded.includes(t)).map((t) => t.oid);

/** Every (view or materialized view, relation it reads) pair, through any depth of views. */
const VIEW_READS = `
  WITH RECURSIVE reads(view_oid, relation_oid) AS (
    SELECT r.ev_class, d.refobjid
      FROM pg_rewrite r
      JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
     WHERE d.refobjid <> r.ev_class
    UNION
    SELECT reads.view_oid, d.refobjid
      FROM reads
      JOIN pg_rewrite r ON r.ev_class = reads.relation_oid
      JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_class'::regclass
     WHERE d.refobjid <> r.ev_class
  )`;

// Check 21. A view runs with its owner's rights unless it is security_invoker (PostgreSQL 15+):
// row-level security is then checked against the owner — the migration role, or worse, a role
// that bypasses it — not against the tenant asking.
async function viewWithoutSecurityInvoker(ctx: AuditContext): Promise<Finding[]> {
  const views = await ctx.rows<{ name: string; owner: string; reads: string[]; runtime_can_select: boolean }>(
    `${VIEW_READS}
     SELECT format('%I.%I', n.nspname, v.relname) AS name, v.relowner::regrole::text AS owner,
            array_agg(DISTINCT format('%I.%I', tn.nspname, t.relname)) AS reads,
            has_table_privilege($1::oid, v.oid, 'SELECT') AS runtime_can_select
       FROM pg_class v
       JOIN pg_namespace n ON n.oid = v.relnamespace
       JOIN reads ON reads.view_oid = v.oid
       JOIN pg_class t ON t.oid = reads.relation_oid
       JOIN pg_namespace tn ON tn.oid = t.relnamespace
      WHERE v.relkind = 'v' AND ${USER_SCHEMA('n')} AND reads.relation_oid = ANY ($2::oid[])
        AND NOT EXISTS (SELECT 1 FROM unnest(v.reloptions) o
                         WHERE lower(o) IN ('security_invoker=true', 'security_invoker=on', 'security_invoker=yes', 'security_invoker=1'))
      GROUP BY v.oid, n.nspname, v.relname, v.relowner
      ORDER BY 1`,
    [ctx.runtimeRole.oid, tenantDataOids(ctx)],
  );
  return views.map((v) =>
    finding(
      21,
      'view-without-security-invoker',
      v.name,
      `view ${v.name} reads tenant table${v.reads.length > 1 ? 's' : ''} ${v.reads.join(', ')} with its owner's (${v.owner}) rights, not the caller's` +
        `${v.runtime_can_select ? `, and runtime role ${ctx.runtimeRole.name} can select from it` : ''}: row-level security is checked against the wrong role. ` +
        `Fix: ALTER VIEW ${v.name} SET (security_invoker = true)`,
    ),
  );
}

// Check 23. A materialized view is a copy without row-level security (it cannot have any), filled
// by REFRESH with the owner's rights: whoever can read it reads every tenant's copy.
async function materializedViewReadable(ctx: AuditContext): Promise<Finding[]> {
  const views = await ctx.rows<{ name: string }>(
    `${VIEW_READS}
     SELECT DISTINCT format('%I.%I', n.nspname, m.relname) AS name
       FROM pg_class m
       JOIN pg_namespace n ON n.oid = m.relnamespace
       JOIN reads ON reads.view_oid = m.oid
      WHERE m.relkind = 'm' AND ${USER_SCHEMA('n')} AND reads.relation_oid = ANY ($2::oid[])
        AND has_table_privilege($1::oid, m.oid, 'SELECT')
      ORDER BY 1`,
    [ctx.runtimeRole.oid, tenantDataOids(ctx)],
  );
  return views.map((v) =>
    finding(
      23,
      'materialized-view-readable',
      v.name,
      `materialized view ${v.name} copies tenant rows and runtime role ${ctx.runtimeRole.name} can read it: materialized views have no row-level security. ` +
        `Fix: REVOKE SELECT ON ${v.name} FROM ${ctx.runtimeRole.name} and serve it through a security_invoker view or function that filters by tenant`,
    ),
  );
}

// Check 24. A foreign table's rows live elsewhere, fetched with the user mapping's credentials;
// no local policy filters them.
async function foreignTableReachable(ctx: AuditContext): Promise<Finding[]> {
  const tables = await ctx.rows<{ name: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'f' AND ${USER_SCHEMA('n')}
        AND (has_any_column_privilege($1::oid, c.oid, 'SELECT') OR has_any_column_privilege($1::oid, c.oid, 'INSERT')
             OR has_any_column_privilege($1::oid, c.oid, 'UPDATE') OR has_table_privilege($1::oid, c.oid, 'DELETE'))
      ORDER BY 1`,
    [ctx.runtimeRole.oid],
  );
  return tables.map((t) =>
    finding(
      24,
      'foreign-table-reachable',
      t.name,
      `foreign table ${t.name} is reachable by runtime role ${ctx.runtimeRole.name}: its rows come from another server and no row-level security filters them. ` +
        `Fix: REVOKE ALL ON ${t.name} FROM ${ctx.runtimeRole.name}`,
    ),
  );
}

// Check 25. A SECURITY DEFINER function runs with its owner's rights; executable by R, it is a
// door through row-level security. Each one must be deliberate (allowlisted) and owned by a role
// that can neither bypass RLS nor owns the tables — otherwise the door is wide open.
async function securityDefinerExecutable(ctx: AuditContext): Promise<Finding[]> {
  const functions = await ctx.rows<{ signature: string; owner: string; bypasses: boolean; owns_tenant_tables: boolean }>(
    `SELECT f.oid::regprocedure::text AS signature, o.rolname AS owner, o.rolsuper OR o.rolbypassrls AS bypasses,
            EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = ANY ($2::oid[]) AND pg_has_role(f.proowner, c.relowner, 'USAGE')) AS owns_tenant_tables
       FROM pg_proc f
       JOIN pg_namespace n ON n.oid = f.pronamespace
       JOIN pg_roles o ON o.oid = f.proowner
      WHERE f.prosecdef AND ${USER_SCHEMA('n')} AND ${NOT_FROM_EXTENSION('pg_proc', 'f.oid')}
        AND has_function_privilege($1::oid, f.oid, 'EXECUTE')
      ORDER BY 1`,
    [ctx.runtimeRole.oid, tenantDataOids(ctx)],
  );
  const views = await ctx.rows<{ name: string; signature: string }>(
    `SELECT DISTINCT format('%I.%I', n.nspname, v.relname) AS name, f.oid::regprocedure::text AS signature
       FROM pg_rewrite r
       JOIN pg_class v ON v.oid = r.ev_class
       JOIN pg_namespace n ON n.oid = v.relnamespace
       JOIN pg_depend d ON d.classid = 'pg_rewrite'::regclass AND d.objid = r.oid AND d.refclassid = 'pg_proc'::regclass
       JOIN pg_proc f ON f.oid = d.refobjid
      WHERE f.prosecdef AND v.relkind IN ('v', 'm') AND ${USER_SCHEMA('n')} AND has_table_privilege($1::oid, v.oid, 'SELECT')
      ORDER BY 1, 2`,
    [ctx.runtimeRole.oid],
  );
  const r = ctx.runtimeRole.name;
  return [
    ...functions.map((f) =>
      f.bypasses || f.owns_tenant_tables
        ? finding(
            25,
            'security-definer-owner-bypasses-rls',
            f.signature,
            `SECURITY DEFINER function ${f.signature} is executable by runtime role ${r} and runs as ${f.owner}, which ${f.bypasses ? 'bypasses row-level security' : 'owns tenant tables'}: ` +
              `whatever it reads, it reads for every tenant. Fix: ALTER FUNCTION ${f.signature} OWNER TO a role that owns no tables and cannot bypass RLS, or REVOKE EXECUTE ON FUNCTION ${f.signature} FROM ${r}`,
          )
        : finding(
            25,
            'security-definer-executable',
            f.signature,
            `SECURITY DEFINER function ${f.signature} is executable by runtime role ${r} and runs as ${f.owner}, outside R's policies. ` +
              `Fix: REVOKE EXECUTE ON FUNCTION ${f.signature} FROM ${r} (and PUBLIC), or review it and allowlist it with the reason`,
          ),
    ),
    ...views.map((v) =>
      finding(
        25,
        'view-calls-security-definer',
        v.name,
        `view ${v.name} is readable by runtime role ${r} and calls SECURITY DEFINER function ${v.signature}, which runs outside R's policies. ` +
          `Fix: call a SECURITY INVOKER function instead, or REVOKE SELECT ON ${v.name} FROM ${r}`,
      ),
    ),
  ];
}

function searchPathProblem(searchPath: string | null, securityDefiner: boolean): { code: string; why: string } | null {
  if (searchPath === null)
    return {
      code: 'function-search-path-unpinned',
      why: "has no pinned search_path: unqualified names resolve through the caller's search_path, which the caller controls",
    };
  const schemas = searchPath.split(',').map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase());
  const temp = schemas.indexOf('pg_temp');
  if (temp >= 0 && temp !== schemas.length - 1)
    return {
      code: 'function-search-path-pg-temp-not-last',
      why: `pins search_path = ${searchPath} with pg_temp before other schemas, so a temporary object shadows them`,
    };
  if (temp < 0 && securityDefiner)
    return {
      code: 'function-search-path-pg-temp-implicit',
      why: `is SECURITY DEFINER with search_path = ${searchPath}, and an unlisted pg_temp is searched first for tables and views`,
    };
  return null;
}

// Check 26. A function resolves unqualified names through search_path at call time. Unpinned, a
// caller who can create an object earlier on the path (or a temporary one: pg_temp is searched
// first unless listed last) substitutes their own code or table.
async function functionSearchPathUnpinned(ctx: AuditContext): Promise<Finding[]> {
  const functions = await ctx.rows<{ signature: string; security_definer: boolean; search_path: string | null }>(
    `SELECT f.oid::regprocedure::text AS signature, f.prosecdef AS security_definer,
            (SELECT substr(c, length('search_path=') + 1) FROM unnest(f.proconfig) c WHERE c LIKE 'search\\_path=%' LIMIT 1) AS search_path
       FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace
      WHERE f.prokind IN ('f', 'p') AND ${USER_SCHEMA('n')} AND ${NOT_FROM_EXTENSION('pg_proc', 'f.oid')}
      ORDER BY 1`,
  );
  return functions.flatMap((f) => {
    const problem = searchPathProblem(f.search_path, f.security_definer);
    return problem
      ? [
          finding(
            26,
            problem.code,
            f.signature,
            `function ${f.signature} ${problem.why}. Fix: ALTER FUNCTION ${f.signature} SET search_path = pg_catalog, pg_temp (and schema-qualify every name in its body)`,
          ),
        ]
      : [];
  });
}

// Check 27. Ordinary triggers run as the user whose statement fired them, under that user's
// policies. A SECURITY DEFINER trigger function runs as its owner on every tenant's writes: what
// it reads or writes elsewhere escapes the tenant's policies.
async function securityDefinerTrigger(ctx: AuditContext): Promise<Finding[]> {
  const triggers = await ctx.rows<{ object: string; signature: string }>(
    `SELECT format('%I ON %I.%I', t.tgname, n.nspname, c.relname) AS object, f.oid::regprocedure::text AS signature
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc f ON f.oid = t.tgfoid
      WHERE NOT t.tgisinternal AND f.prosecdef AND t.tgrelid = ANY ($1::oid[])
      ORDER BY 1`,
    [tenantDataOids(ctx)],
  );
  return triggers.map((t) =>
    finding(
      27,
      'security-definer-trigger',
      t.object,
      `trigger ${t.object} calls SECURITY DEFINER function ${t.signature}: on every tenant's writes it runs with its owner's rights, outside the writer's policies. ` +
        `Fix: ALTER FUNCTION ${t.signature} SECURITY INVOKER`,
    ),
  );
}

// Check 28. A rule rewrites the statement before row-level security sees it and can send the rows
// elsewhere (DO ALSO INSERT INTO …) under the rule owner's rights.
async function ruleOnTenantTable(ctx: AuditContext): Promise<Finding[]> {
  const rules = await ctx.rows<{ object: string; rule: string; table: string }>(
    `SELECT format('%I ON %I.%I', r.rulename, n.nspname, c.relname) AS object, quote_ident(r.rulename) AS rule, format('%I.%I', n.nspname, c.relname) AS table
       FROM pg_rewrite r
       JOIN pg_class c ON c.oid = r.ev_class
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE r.rulename <> '_RETURN' AND r.ev_class = ANY ($1::oid[])
      ORDER BY 1`,
    [tenantDataOids(ctx)],
  );
  return rules.map((r) =>
    finding(
      28,
      'rule-on-tenant-table',
      r.object,
      `rule ${r.object} rewrites statements on a tenant table with the rule owner's rights, around row-level security. Fix: DROP RULE ${r.rule} ON ${r.table} (use a trigger)`,
    ),
  );
}

// Check 29. The planner runs LEAKPROOF functions before row-level security filters, on rows of
// every tenant; one that can raise an error or leave a trace with its argument leaks them.
async function leakproofFunction(ctx: AuditContext): Promise<Finding[]> {
  const functions = await ctx.rows<{ signature: string }>(
    `SELECT f.oid::regprocedure::text AS signature
       FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace
      WHERE f.proleakproof AND ${USER_SCHEMA('n')} AND ${NOT_FROM_EXTENSION('pg_proc', 'f.oid')}
      ORDER BY 1`,
  );
  return functions.map((f) =>
    finding(
      29,
      'leakproof-function',
      f.signature,
      `function ${f.signature} is marked LEAKPROOF, so it runs on other tenants' rows before their policies filter them out; an error message or side effect leaks them. ` +
        `Fix: ALTER FUNCTION ${f.signature} NOT LEAKPROOF`,
    ),
  );
}

export const BYPASS_CHECKS: CatalogCheck[] = [
  { check: 21, title: 'A view over tenant tables is not security_invoker', run: viewWithoutSecurityInvoker },
  { check: 23, title: 'A materialized view over tenant data is readable by the runtime role', run: materializedViewReadable },
  { check: 24, title: 'A foreign table is reachable by the runtime role', run: foreignTableReachable },
  {
    check: 25,
    title: 'A SECURITY DEFINER function (or a view calling one) is executable by the runtime role',
    run: securityDefinerExecutable,
  },
  { check: 26, title: 'A function has no pinned search_path, or pg_temp is not last', run: functionSearchPathUnpinned },
  { check: 27, title: 'A trigger on a tenant table runs a SECURITY DEFINER function', run: securityDefinerTrigger },
  { check: 28, title: 'A rule rewrites statements on a tenant table', run: ruleOnTenantTable },
  { check: 29, title: 'A user-defined function is LEAKPROOF', run: leakproofFunction },
];
