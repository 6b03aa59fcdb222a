import {
  covers,
  loadIndexes,
  TENANT_COLUMN,
  type AuditContext,
  type AuditedPolicy,
  type AuditedTable,
  type CatalogCheck,
  type Command,
} from './catalog';
import { finding, type Finding } from './finding';
import { bindsTenant, fragileComparisons, settingReads, tautology, TENANT_SETTING, unwrappedCalls } from './policy-expression';

// Checks 13–20: what the policies say. The one shape every tenant table uses:
//   tenant_id = (SELECT NULLIF(current_setting('app.tenant_id', true), '')::uuid)
// in USING and WITH CHECK. Each check names one way a policy can differ from it and leak.

const clauses = (p: AuditedPolicy) =>
  [
    ['USING', p.using],
    ['WITH CHECK', p.withCheck],
  ].filter((c): c is [string, string] => c[1] !== null);

const keyOf = (p: AuditedPolicy) => p.table.tenantKey ?? TENANT_COLUMN;

/** The canonical binding for the policy's table (tenant_id, or a global table's declared key). */
const canonical = (p: AuditedPolicy) => `${keyOf(p)} = (SELECT NULLIF(current_setting('${TENANT_SETTING}', true), '')::uuid)`;

/** Policies on guarded tables: what the runtime role's rows pass through. */
const guardedPolicies = (ctx: AuditContext) => ctx.policies.filter((p) => ctx.guarded.includes(p.table));

// Check 13. A permissive policy TO PUBLIC applies to every role that ever gets a grant on the
// table, now or later — including roles of other Bulkhead databases on a shared server.
async function permissivePolicyToPublic(ctx: AuditContext): Promise<Finding[]> {
  return guardedPolicies(ctx)
    .filter((p) => p.permissive && p.toPublic)
    .map((p) =>
      finding(
        13,
        'policy-to-public',
        p.object,
        `policy ${p.object} is permissive and applies TO PUBLIC: any role granted access later inherits what it admits. ` +
          `Fix: ALTER POLICY ${p.name} ON ${p.table.name} TO ${ctx.runtimeRole.name}`,
      ),
    );
}

// Check 14. Permissive policies are OR-ed: one that does not bind the tenant admits its rows to
// every tenant, however tight the others are — unless a RESTRICTIVE policy binds the tenant too.
// A binding through another table (EXISTS over memberships) holds only while R cannot write that
// table: otherwise R forges the row that admits whatever it wants to see.
async function effectivePolicyUnbound(ctx: AuditContext): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const t of ctx.guarded.filter((table) => table.rowSecurity)) {
    const applying = ctx.policies.filter((p) => p.table === t && p.appliesToRuntime && p.using !== null);
    const leaks = new Map<AuditedPolicy, Command[]>();
    for (const command of ['SELECT', 'UPDATE', 'DELETE'] as const) {
      if (!t.runtime[command]) continue;
      const floor = applying.some((p) => !p.permissive && covers(p, command) && bindsTenant(p.using!, t.tenantKey));
      if (floor) continue;
      for (const p of applying.filter((policy) => policy.permissive && covers(policy, command))) {
        if (!bindsTenant(p.using!, t.tenantKey)) leaks.set(p, [...(leaks.get(p) ?? []), command]);
      }
    }
    for (const [p, commands] of leaks) {
      found.push(
        finding(
          14,
          'permissive-policy-unbound',
          p.object,
          `policy ${p.object} lets runtime role ${ctx.runtimeRole.name} ${commands.join('/')} rows without binding ${keyOf(p)} to the tenant in context ` +
            `(USING ${p.using}); permissive policies are OR-ed, so every row it admits is open to every tenant. ` +
            `Fix: AND ${canonical(p)} into its USING clause, or add a RESTRICTIVE policy that binds it`,
        ),
      );
    }
    found.push(
      ...forgeableBindings(
        ctx,
        applying.filter((p) => p.permissive && t.tenantKey === null && !leaks.has(p)),
      ),
    );
  }
  return found;
}

function forgeableBindings(ctx: AuditContext, policies: AuditedPolicy[]): Finding[] {
  const byOid = new Map(ctx.tables.map((t) => [t.oid, t]));
  return policies.flatMap((p) => {
    const writable = p.reads
      .map((oid) => byOid.get(oid))
      .filter((t): t is AuditedTable => t !== undefined && (t.runtime.INSERT || t.runtimeUpdatesKeys));
    if (writable.length === 0) return [];
    const names = writable.map((t) => t.name).join(', ');
    return [
      finding(
        14,
        'binding-forgeable',
        p.object,
        `policy ${p.object} admits a row of ${p.table.name} when a matching row exists in ${names}, and runtime role ${ctx.runtimeRole.name} may INSERT into ${names} or UPDATE its key columns itself: ` +
          `inside any tenant it can write the row that admits another tenant's ${p.table.name} row, then read or change it. ` +
          `Fix: REVOKE INSERT and UPDATE of key columns ON ${names} FROM ${ctx.runtimeRole.name} (write them through reviewed SECURITY DEFINER functions), or bind ${p.table.name} without a table R can write`,
      ),
    ];
  });
}

// Check 15. An always-true branch (`true`, `OR true`, `x IS NULL OR …`) turns the tenant filter off,
// for every row or for every row with a NULL and every connection without a tenant.
async function policyTautology(ctx: AuditContext): Promise<Finding[]> {
  return guardedPolicies(ctx).flatMap((p) => {
    const why = p.using === null ? null : tautology(p.using);
    return why
      ? [
          finding(
            15,
            'policy-always-true',
            p.object,
            `policy ${p.object} admits rows regardless of the tenant: ${why}. Fix: USING (${canonical(p)})`,
          ),
        ]
      : [];
  });
}

// Check 16. WITH CHECK decides which rows may be written. Missing, it silently reuses USING (or,
// FOR INSERT, denies everything); `true` lets a tenant write rows into another tenant; unbound,
// it lets a tenant move rows out of its own reach.
async function writeCheckUnbound(ctx: AuditContext): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const p of guardedPolicies(ctx).filter((policy) => ['ALL', 'INSERT', 'UPDATE'].includes(policy.command))) {
    const fix = `Fix: give it WITH CHECK (${canonical(p)})`;
    if (p.withCheck === null) {
      found.push(
        finding(
          16,
          'write-check-missing',
          p.object,
          `policy ${p.object} (FOR ${p.command}) has no WITH CHECK: ${p.command === 'INSERT' ? 'it admits no row at all, an invitation to loosen it' : 'new rows are checked against USING implicitly, which hides what writes may do'}. ${fix}`,
        ),
      );
    } else if (tautology(p.withCheck)) {
      found.push(
        finding(
          16,
          'write-check-always-true',
          p.object,
          `policy ${p.object} accepts any written row: ${tautology(p.withCheck)} — a tenant can write rows into another tenant. ${fix}`,
        ),
      );
    } else if (!bindsTenant(p.withCheck, p.table.tenantKey)) {
      found.push(
        finding(
          16,
          'write-check-unbound',
          p.object,
          `policy ${p.object} has WITH CHECK (${p.withCheck}), which does not bind ${keyOf(p)} to the tenant in context: written rows may carry another tenant's id. ${fix}`,
        ),
      );
    }
  }
  return found;
}

interface PolicyFunction {
  policy_oid: string;
  signature: string;
  call_name: string;
  volatility: 'i' | 's' | 'v';
  security_definer: boolean;
  pinned_search_path: boolean;
  zero_arguments: boolean;
  reads_setting: boolean;
}

/** User-defined functions each policy calls (pg_depend; PostgreSQL's own functions are not recorded). */
async function policyFunctions(ctx: AuditContext): Promise<PolicyFunction[]> {
  return ctx.rows<PolicyFunction>(
    `SELECT d.objid::text AS policy_oid, f.oid::regprocedure::text AS signature,
            format('%I.%I', n.nspname, f.proname) AS call_name, f.provolatile::text AS volatility,
            f.prosecdef AS security_definer, f.pronargs = 0 AS zero_arguments,
            coalesce(EXISTS (SELECT 1 FROM unnest(f.proconfig) c WHERE c LIKE 'search\\_path=%'), false) AS pinned_search_path,
            f.prosrc ILIKE '%current_setting%' AS reads_setting
       FROM pg_depend d
       JOIN pg_proc f ON f.oid = d.refobjid
       JOIN pg_namespace n ON n.oid = f.pronamespace
      WHERE d.classid = 'pg_policy'::regclass AND d.refclassid = 'pg_proc'::regclass AND d.objid = ANY ($1::oid[])`,
    [ctx.policies.map((p) => p.oid)],
  );
}

// Check 17. Bindings that work in the demo and leak or break in production: current_setting
// without missing_ok (raises instead of failing closed, which pushes people to set a default
// tenant), a built-in setting name (not the tenant), pattern matches, current_user under a pooled
// role, and tenant wrappers that are IMMUTABLE (folded into cached plans: one tenant's id reused
// for the next) or VOLATILE (re-read per row).
async function fragileBinding(ctx: AuditContext): Promise<Finding[]> {
  const functions = await policyFunctions(ctx);
  const found: Finding[] = [];
  for (const p of guardedPolicies(ctx)) {
    const problems = clauses(p).flatMap(([, expression]) => [
      ...settingReads(expression).flatMap((read) => [
        ...(read.missingOk
          ? []
          : [`current_setting('${read.name ?? '…'}') without missing_ok raises when no tenant is set instead of returning no rows`]),
        ...(read.name !== null && !read.name.includes('.')
          ? [`current_setting('${read.name}') reads a built-in setting, not a tenant key (expected '${TENANT_SETTING}')`]
          : []),
      ]),
      ...fragileComparisons(expression),
    ]);
    for (const f of functions.filter((fn) => fn.policy_oid === p.oid && fn.reads_setting && fn.volatility !== 's')) {
      problems.push(
        `${f.signature} reads a setting but is ${f.volatility === 'i' ? 'IMMUTABLE (folded into cached plans)' : 'VOLATILE (re-read per row)'}; make it STABLE`,
      );
    }
    const unique = [...new Set(problems)];
    if (unique.length > 0) {
      found.push(
        finding(
          17,
          'fragile-tenant-binding',
          p.object,
          `policy ${p.object} binds the tenant fragilely: ${unique.join('; ')}. Fix: use ${canonical(p)}`,
        ),
      );
    }
  }
  return found;
}

// Check 18. Outside a scalar (SELECT …), the setting (or a zero-argument tenant helper) is
// evaluated for every row instead of once per statement: slow on big tables, and a plan that
// cannot use the tenant index invites someone to "optimise" the policy away.
async function settingNotWrapped(ctx: AuditContext): Promise<Finding[]> {
  const functions = await policyFunctions(ctx);
  const found: Finding[] = [];
  for (const p of guardedPolicies(ctx)) {
    const unwrapped = clauses(p).flatMap(([clause, expression]) => [
      ...settingReads(expression)
        .filter((read) => !read.wrapped)
        .map(() => `current_setting() in ${clause}`),
      ...functions
        .filter((f) => f.policy_oid === p.oid && f.zero_arguments && unwrappedCalls(expression, f.call_name) > 0)
        .map((f) => `${f.signature} in ${clause}`),
    ]);
    if (unwrapped.length > 0) {
      found.push(
        finding(
          18,
          'setting-not-wrapped',
          p.object,
          `policy ${p.object} evaluates ${[...new Set(unwrapped)].join(', ')} once per row instead of once per statement. ` +
            `Fix: wrap it in a scalar subquery: ${canonical(p)}`,
        ),
      );
    }
  }
  return found;
}

// Check 19. A policy is only as tight as what it reads: a subquery over a table without row-level
// security decides on every tenant's rows, and a SECURITY DEFINER helper without a pinned
// search_path runs whatever a caller's search_path puts first.
async function policyReadsUnprotected(ctx: AuditContext): Promise<Finding[]> {
  const tables = await ctx.rows<{ policy_oid: string; name: string }>(
    `SELECT d.objid::text AS policy_oid, format('%I.%I', n.nspname, c.relname) AS name
       FROM pg_depend d
       JOIN pg_policy p ON p.oid = d.objid
       JOIN pg_class c ON c.oid = d.refobjid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE d.classid = 'pg_policy'::regclass AND d.refclassid = 'pg_class'::regclass AND d.objid = ANY ($1::oid[])
        AND c.oid <> p.polrelid AND c.relkind IN ('r', 'p') AND NOT c.relrowsecurity`,
    [ctx.policies.map((p) => p.oid)],
  );
  const helpers = (await policyFunctions(ctx)).filter((f) => f.security_definer && !f.pinned_search_path);
  const found: Finding[] = [];
  for (const p of guardedPolicies(ctx)) {
    const reasons = [
      ...tables.filter((t) => t.policy_oid === p.oid).map((t) => `it reads ${t.name}, which has row-level security off`),
      ...helpers
        .filter((f) => f.policy_oid === p.oid)
        .map((f) => `it calls SECURITY DEFINER ${f.signature}, whose search_path is not pinned`),
    ];
    if (reasons.length > 0) {
      found.push(
        finding(
          19,
          'policy-reads-unprotected',
          p.object,
          `policy ${p.object} depends on unprotected objects: ${reasons.join('; ')}. ` +
            `Fix: put those tables under forced row-level security, and ALTER FUNCTION … SET search_path = pg_catalog, pg_temp`,
        ),
      );
    }
  }
  return found;
}

// Check 20. Every policy filters on the tenant column, so every tenant table needs an index led by
// it, and every other index should lead with it: without, one tenant's query scans every
// tenant's rows — a noisy-neighbour and timing side channel, and the pressure that gets policies
// "temporarily" dropped. Unique indexes that leave the tenant out
// entirely are check 30's business.
async function indexNotLedByTenant(ctx: AuditContext): Promise<Finding[]> {
  const tenantTables = ctx.guarded.filter((t) => t.hasTenantColumn);
  const indexes = await loadIndexes(ctx, tenantTables);
  const found: Finding[] = [];
  for (const t of tenantTables) {
    const own = indexes.filter((i) => i.table === t);
    if (!own.some((i) => i.columns[0] === TENANT_COLUMN)) {
      found.push(
        finding(
          20,
          'table-without-tenant-index',
          t.name,
          `table ${t.name} has no index led by ${TENANT_COLUMN}: every policy-filtered query scans all tenants' rows. ` +
            `Fix: PRIMARY KEY (${TENANT_COLUMN}, id), or CREATE INDEX ON ${t.name} (${TENANT_COLUMN}, …)`,
        ),
      );
    }
    for (const index of own.filter((i) => i.columns[0] !== TENANT_COLUMN && !(i.unique && !i.columns.includes(TENANT_COLUMN)))) {
      found.push(
        finding(
          20,
          'index-not-led-by-tenant',
          index.name,
          `index ${index.name} on ${t.name} (${index.columns.map((c) => c ?? '<expression>').join(', ')}) does not lead with ${TENANT_COLUMN}: ` +
            `under row-level security it spans every tenant. Fix: recreate it as (${TENANT_COLUMN}, ${index.columns
              .filter((c) => c !== TENANT_COLUMN)
              .map((c) => c ?? '<expression>')
              .join(', ')}), or allowlist it with the reason`,
        ),
      );
    }
  }
  return found;
}

export const POLICY_CHECKS: CatalogCheck[] = [
  { check: 13, title: 'A permissive policy applies TO PUBLIC', run: permissivePolicyToPublic },
  { check: 14, title: 'A permissive policy that applies to the runtime role does not bind the tenant', run: effectivePolicyUnbound },
  { check: 15, title: 'A policy is (partly) always true', run: policyTautology },
  { check: 16, title: 'WITH CHECK is missing, always true or does not bind the tenant', run: writeCheckUnbound },
  { check: 17, title: 'The tenant binding is fragile', run: fragileBinding },
  { check: 18, title: 'The tenant setting is not wrapped in (SELECT …)', run: settingNotWrapped },
  {
    check: 19,
    title: 'A policy reads a table without row-level security or an unpinned SECURITY DEFINER helper',
    run: policyReadsUnprotected,
  },
  { check: 20, title: 'An index on a tenant table is not led by tenant_id', run: indexNotLedByTenant },
];
