import { COMMANDS, covers, runtimeReaches, TENANT_COLUMN, type AuditContext, type CatalogCheck } from './catalog';
import { finding, type Finding } from './finding';

// Checks 7–12: each table the runtime role can reach must be under row-level security that also
// binds its owner, must say which tenant every row belongs to, and must have a policy for every
// command the runtime role may run.

// Check 7. With row-level security off, the runtime role's grants are the only gate: it reads and
// writes every tenant's rows.
async function rowSecurityDisabled(ctx: AuditContext): Promise<Finding[]> {
  return ctx.guarded
    .filter((t) => !t.rowSecurity)
    .map((t) =>
      finding(
        7,
        'rls-disabled',
        t.name,
        `table ${t.name} ${t.hasTenantColumn ? 'has a tenant_id column' : `is reachable by runtime role ${ctx.runtimeRole.name}`} but row-level security is off: ` +
          `every tenant's rows are visible to anyone with a grant. Fix: ALTER TABLE ${t.name} ENABLE ROW LEVEL SECURITY (and FORCE it), then add its tenant policy`,
      ),
    );
}

// Check 8. Without FORCE, the table's owner (the migration role) is exempt from every policy: a
// migration, a seed or a script run with MIGRATION_DATABASE_URL sees all tenants.
async function rowSecurityNotForced(ctx: AuditContext): Promise<Finding[]> {
  return ctx.guarded
    .filter((t) => t.rowSecurity && !t.forced)
    .map((t) =>
      finding(
        8,
        'rls-not-forced',
        t.name,
        `table ${t.name} has row-level security enabled but not forced: its owner bypasses every policy. Fix: ALTER TABLE ${t.name} FORCE ROW LEVEL SECURITY`,
      ),
    );
}

// Check 9. A NULL tenant_id is a row that belongs to no tenant (policies compare it with nothing,
// and `IS NULL OR` escapes creep in); a table without a tenant column and without an allowlist
// entry is a table nobody decided about.
async function tenantColumnMissingOrNullable(ctx: AuditContext): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const t of ctx.tables.filter((table) => table.parentOid === null)) {
    if (t.hasTenantColumn && t.tenantColumnNullable) {
      found.push(
        finding(
          9,
          'tenant-column-nullable',
          t.name,
          `column ${t.name}.${TENANT_COLUMN} is nullable: a row without a tenant belongs to nobody and invites "IS NULL OR" policies. Fix: ALTER TABLE ${t.name} ALTER COLUMN ${TENANT_COLUMN} SET NOT NULL`,
        ),
      );
    } else if (!t.hasTenantColumn && !t.declaredGlobal) {
      found.push(
        finding(
          9,
          'table-without-tenant-column',
          t.name,
          `table ${t.name} has no ${TENANT_COLUMN} column and is not in the isolation allowlist: either it holds tenant data and needs ${TENANT_COLUMN} with forced RLS, ` +
            `or it is global and needs an allowlist entry saying why. Fix: add ${TENANT_COLUMN} and SELECT bulkhead.enable_tenant_isolation('${t.name}'), or allowlist it in the app's audit allowlist`,
        ),
      );
    }
  }
  return found;
}

// Check 10. A command R holds but no policy covers fails silently (zero rows, or an RLS error on
// INSERT). Someone "fixes" that later by widening a policy or a grant; better to decide now:
// either a tenant-bound policy for the command, or revoke the command.
async function commandWithoutPolicy(ctx: AuditContext): Promise<Finding[]> {
  const found: Finding[] = [];
  for (const t of ctx.guarded.filter((table) => table.rowSecurity)) {
    const applying = ctx.policies.filter((p) => p.table === t && p.permissive && p.appliesToRuntime);
    const uncovered = COMMANDS.filter((command) => t.runtime[command] && !applying.some((p) => covers(p, command)));
    if (uncovered.length === 0) continue;
    const r = ctx.runtimeRole.name;
    found.push(
      finding(
        10,
        'command-without-policy',
        t.name,
        `runtime role ${r} holds ${uncovered.join(', ')} on ${t.name} but no permissive policy for ${uncovered.length > 1 ? 'those commands' : 'it'} applies to ${r}: ` +
          `the command silently matches nothing, which tempts someone to widen access later. ` +
          `Fix: add a tenant-bound policy FOR ${uncovered.join('/')} TO ${r}, or REVOKE ${uncovered.join(', ')} ON ${t.name} FROM ${r}`,
      ),
    );
  }
  return found;
}

// Check 11. Querying an inheritance child or a partition directly applies the child's own
// row-level security, not the parent's: a child without it is the parent's data with no policy.
async function childTableWithoutRls(ctx: AuditContext): Promise<Finding[]> {
  const byOid = new Map(ctx.tables.map((t) => [t.oid, t]));
  const guarded = new Set(ctx.guarded);
  const rootOf = (oid: string | null): (typeof ctx.tables)[number] | undefined => {
    let table = oid === null ? undefined : byOid.get(oid);
    while (table?.parentOid) table = byOid.get(table.parentOid);
    return table;
  };
  return ctx.tables
    .filter((t) => t.parentOid !== null && !t.rowSecurity && runtimeReaches(t))
    .filter((t) => {
      const root = rootOf(t.parentOid);
      return root !== undefined && guarded.has(root);
    })
    .map((t) =>
      finding(
        11,
        'child-table-without-rls',
        t.name,
        `table ${t.name} inherits from ${rootOf(t.parentOid)!.name} and runtime role ${ctx.runtimeRole.name} can query it directly, ` +
          `where only its own row-level security applies — and it has none: every tenant's rows in it are visible. ` +
          `Fix: ALTER TABLE ${t.name} ENABLE ROW LEVEL SECURITY, FORCE it and give it the tenant policy, or REVOKE ALL ON ${t.name} FROM ${ctx.runtimeRole.name}`,
      ),
    );
}

// Check 12. TRUNCATE ignores row-level security (one tenant empties the table for all);
// REFERENCES lets a foreign key probe for other tenants' keys; TRIGGER attaches code that sees
// every row written; MAINTAIN (17+) runs VACUUM/ANALYZE/REFRESH/LOCK as if an owner.
async function exemptPrivileges(ctx: AuditContext): Promise<Finding[]> {
  const maintain =
    ctx.serverVersion >= 170000
      ? await ctx.rows<{ oid: string }>(
          `SELECT oid::text FROM unnest($2::oid[]) AS oid WHERE has_table_privilege($1::oid, oid, 'MAINTAIN')`,
          [ctx.runtimeRole.oid, ctx.guarded.map((t) => t.oid)],
        )
      : [];
  const canMaintain = new Set(maintain.map((row) => row.oid));
  const found: Finding[] = [];
  for (const t of ctx.guarded) {
    const held: string[] = (['TRUNCATE', 'REFERENCES', 'TRIGGER'] as const).filter((privilege) => t.runtime[privilege]);
    if (canMaintain.has(t.oid)) held.push('MAINTAIN');
    if (held.length === 0) continue;
    found.push(
      finding(
        12,
        'runtime-role-holds-rls-exempt-privilege',
        t.name,
        `runtime role ${ctx.runtimeRole.name} holds ${held.join(', ')} on ${t.name}: row-level security does not govern these ` +
          `(TRUNCATE empties every tenant, REFERENCES probes other tenants' keys, TRIGGER sees every row, MAINTAIN acts as the owner). ` +
          `Fix: REVOKE ${held.join(', ')} ON ${t.name} FROM ${ctx.runtimeRole.name}`,
      ),
    );
  }
  return found;
}

export const TABLE_CHECKS: CatalogCheck[] = [
  { check: 7, title: 'A tenant table has row-level security off', run: rowSecurityDisabled },
  { check: 8, title: 'Row-level security is not forced (the owner bypasses it)', run: rowSecurityNotForced },
  { check: 9, title: 'The tenant column is nullable, or a table without one is not allowlisted', run: tenantColumnMissingOrNullable },
  { check: 10, title: 'A command the runtime role holds has no policy', run: commandWithoutPolicy },
  { check: 11, title: 'A partition or inheritance child without row-level security is directly reachable', run: childTableWithoutRls },
  { check: 12, title: 'The runtime role holds TRUNCATE, REFERENCES, TRIGGER or MAINTAIN', run: exemptPrivileges },
];
