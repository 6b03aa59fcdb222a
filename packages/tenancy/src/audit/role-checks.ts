import { NOT_FROM_EXTENSION, USER_SCHEMA, type AuditContext, type CatalogCheck } from './catalog';
import { finding, type Finding } from './finding';
import { TENANT_SETTING } from './policy-expression';

// Checks 1–6: the runtime role R itself. Row-level security binds a role only while that role
// cannot step around it; each check closes one way of stepping around.

// Check 1. A superuser or BYPASSRLS role skips every policy: all tenants' rows, always.
async function runtimeRoleBypassesRls(ctx: AuditContext): Promise<Finding[]> {
  const [role] = await ctx.rows<{ rolsuper: boolean; rolbypassrls: boolean }>(
    `SELECT rolsuper, rolbypassrls FROM pg_roles WHERE oid = $1::oid`,
    [ctx.runtimeRole.oid],
  );
  const r = ctx.runtimeRole.name;
  const found: Finding[] = [];
  if (role?.rolsuper) {
    found.push(
      finding(
        1,
        'runtime-role-is-superuser',
        r,
        `runtime role ${r} is a superuser: row-level security never applies to it, so every query sees every tenant. Fix: ALTER ROLE ${r} NOSUPERUSER`,
      ),
    );
  }
  if (role?.rolbypassrls) {
    found.push(
      finding(
        1,
        'runtime-role-bypasses-rls',
        r,
        `runtime role ${r} has BYPASSRLS: every policy is skipped, so every query sees every tenant. Fix: ALTER ROLE ${r} NOBYPASSRLS`,
      ),
    );
  }
  return found;
}

// Check 2. Membership in a privileged role is one SET ROLE away from its attributes (PostgreSQL 16+
// can grant membership without SET, but ADMIN or a later re-grant reopens the path, so any
// membership counts; the message says whether SET ROLE works today).
async function runtimeRoleReachesPrivilegedRole(ctx: AuditContext): Promise<Finding[]> {
  const canSet = ctx.serverVersion >= 160000 ? `pg_has_role($1::oid, r.oid, 'SET')` : 'true';
  const roles = await ctx.rows<{ rolname: string; powers: string[]; can_set: boolean }>(
    `SELECT r.rolname, ${canSet} AS can_set,
            array_remove(ARRAY[CASE WHEN r.rolsuper THEN 'SUPERUSER' END, CASE WHEN r.rolbypassrls THEN 'BYPASSRLS' END,
                               CASE WHEN r.rolreplication THEN 'REPLICATION' END, CASE WHEN r.rolcreaterole THEN 'CREATEROLE' END], NULL) AS powers
       FROM pg_roles r
      WHERE r.oid <> $1::oid AND (r.rolsuper OR r.rolbypassrls OR r.rolreplication OR r.rolcreaterole)
        AND pg_has_role($1::oid, r.oid, 'MEMBER')
      ORDER BY r.rolname`,
    [ctx.runtimeRole.oid],
  );
  const r = ctx.runtimeRole.name;
  return roles.map((role) =>
    finding(
      2,
      'runtime-role-reaches-privileged-role',
      role.rolname,
      `runtime role ${r} is a member of ${role.rolname} (${role.powers.join(', ')})` +
        (role.can_set
          ? `, so one SET ROLE ${role.rolname} escapes row-level security`
          : ', and whoever can re-grant it with SET escapes row-level security') +
        `. Fix: REVOKE ${role.rolname} FROM ${r}`,
    ),
  );
}

// Check 3. The owner of a table can DISABLE row-level security or drop its policies, FORCE or not;
// the owner of a function can replace its body (and with it every default or policy that calls
// it); the owner of a schema can drop and recreate what is in it. R owns nothing.
async function runtimeRoleOwnsObjects(ctx: AuditContext): Promise<Finding[]> {
  const owned = await ctx.rows<{ kind: keyof typeof ALTER_VERB; name: string; owner: string }>(
    `SELECT 'relation' AS kind, format('%I.%I', n.nspname, c.relname) AS name, c.relowner::regrole::text AS owner
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ${USER_SCHEMA('n')} AND pg_has_role($1::oid, c.relowner, 'MEMBER')
     UNION ALL
     SELECT 'function', p.oid::regprocedure::text, p.proowner::regrole::text
       FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE ${USER_SCHEMA('n')} AND ${NOT_FROM_EXTENSION('pg_proc', 'p.oid')} AND pg_has_role($1::oid, p.proowner, 'MEMBER')
     UNION ALL
     SELECT 'schema', quote_ident(n.nspname), n.nspowner::regrole::text
       FROM pg_namespace n WHERE ${USER_SCHEMA('n')} AND pg_has_role($1::oid, n.nspowner, 'MEMBER')
     UNION ALL
     SELECT 'database', quote_ident(d.datname), d.datdba::regrole::text
       FROM pg_database d WHERE d.datname = current_database() AND pg_has_role($1::oid, d.datdba, 'MEMBER')
     ORDER BY 1, 2`,
    [ctx.runtimeRole.oid],
  );
  const r = ctx.runtimeRole.name;
  return owned.map(({ kind, name, owner }) => {
    const object = kind === 'schema' || kind === 'database' ? `${kind} ${name}` : name;
    const how =
      owner === r ? `runtime role ${r} owns ${kind} ${name}` : `runtime role ${r} is a member of ${owner}, which owns ${kind} ${name}`;
    const fix = owner === r ? `${ALTER_VERB[kind]} ${name} OWNER TO <the migration role>` : `REVOKE ${owner} FROM ${r}`;
    return finding(
      3,
      'runtime-role-owns-object',
      object,
      `${how}: an owner can disable row-level security, drop policies or replace code, whatever FORCE says. Fix: ${fix}`,
    );
  });
}

const ALTER_VERB = { relation: 'ALTER TABLE', function: 'ALTER FUNCTION', schema: 'ALTER SCHEMA', database: 'ALTER DATABASE' };

// Check 4. REPLICATION streams the whole cluster's WAL (every tenant's writes); CREATEROLE can mint
// roles and, before PostgreSQL 16, grant itself into almost any of them.
async function runtimeRoleReplicatesOrCreatesRoles(ctx: AuditContext): Promise<Finding[]> {
  const [role] = await ctx.rows<{ rolreplication: boolean; rolcreaterole: boolean }>(
    `SELECT rolreplication, rolcreaterole FROM pg_roles WHERE oid = $1::oid`,
    [ctx.runtimeRole.oid],
  );
  const r = ctx.runtimeRole.name;
  const found: Finding[] = [];
  if (role?.rolreplication) {
    found.push(
      finding(
        4,
        'runtime-role-can-replicate',
        r,
        `runtime role ${r} has REPLICATION: it can stream the write-ahead log, which carries every tenant's rows past row-level security. Fix: ALTER ROLE ${r} NOREPLICATION`,
      ),
    );
  }
  if (role?.rolcreaterole) {
    found.push(
      finding(
        4,
        'runtime-role-can-create-roles',
        r,
        `runtime role ${r} has CREATEROLE: it can create and manage roles, a path to roles that bypass row-level security. Fix: ALTER ROLE ${r} NOCREATEROLE`,
      ),
    );
  }
  return found;
}

const WIDENING_ROLES: Record<string, string> = {
  pg_read_all_data: 'SELECT on every table, so everything without row-level security is readable',
  pg_write_all_data: 'INSERT, UPDATE and DELETE on every table',
  pg_read_all_stats: "every session's current SQL in pg_stat_activity: other tenants' queries and literals",
  pg_monitor: "every session's SQL and server statistics (includes pg_read_all_stats)",
  pg_stat_scan_tables: 'functions that scan any table, such as pgstattuple',
  pg_read_server_files: 'reading any file the server can read',
  pg_write_server_files: 'writing any file the server can write',
  pg_execute_server_program: 'running programs on the database server',
  pg_maintain: 'VACUUM, ANALYZE, REFRESH and LOCK on every table (PostgreSQL 17+)',
};

// Check 5. Predefined roles grant privileges that row-level security does not cover (statistics,
// files, other sessions' SQL) or that make every new table readable before it has a policy.
async function runtimeRoleInWideningRole(ctx: AuditContext): Promise<Finding[]> {
  const roles = await ctx.rows<{ rolname: string }>(
    `SELECT rolname FROM pg_roles WHERE rolname = ANY ($2::text[]) AND pg_has_role($1::oid, oid, 'MEMBER') ORDER BY rolname`,
    [ctx.runtimeRole.oid, Object.keys(WIDENING_ROLES)],
  );
  const r = ctx.runtimeRole.name;
  return roles.map(({ rolname }) =>
    finding(
      5,
      'runtime-role-in-widening-role',
      rolname,
      `runtime role ${r} is a member of ${rolname}, which grants ${WIDENING_ROLES[rolname]}. Fix: REVOKE ${rolname} FROM ${r}`,
    ),
  );
}

const RISKY_DEFAULTS: Record<string, string> = {
  [TENANT_SETTING]: 'binds a tenant to every connection that never sets one, so forgotten context reads that tenant instead of nothing',
  row_security: 'changes whether policies apply or raise for every connection',
  search_path: 'changes which objects unqualified names resolve to, for every connection',
  role: 'switches every connection to another role at login',
};

// Check 6. Defaults in pg_db_role_setting apply silently at login. The tenant setting is the one
// that matters most: a default tenant turns "forgot to set the tenant" from "no rows" into "that
// tenant's rows".
async function riskySettingDefaults(ctx: AuditContext): Promise<Finding[]> {
  const settings = await ctx.rows<{ scope: string; setting: string; name: string; fix: string }>(
    `SELECT CASE WHEN s.setrole = 0 AND s.setdatabase = 0 THEN 'every role in every database'
                 WHEN s.setrole = 0 THEN format('every role in database %I', d.datname)
                 WHEN s.setdatabase = 0 THEN format('role %s in every database', s.setrole::regrole)
                 ELSE format('role %s in database %I', s.setrole::regrole, d.datname) END AS scope,
            cfg AS setting, lower(split_part(cfg, '=', 1)) AS name,
            CASE WHEN s.setrole = 0 AND s.setdatabase = 0 THEN 'ALTER ROLE ALL'
                 WHEN s.setrole = 0 THEN format('ALTER DATABASE %I', d.datname)
                 WHEN s.setdatabase = 0 THEN format('ALTER ROLE %s', s.setrole::regrole)
                 ELSE format('ALTER ROLE %s IN DATABASE %I', s.setrole::regrole, d.datname) END AS fix
       FROM pg_db_role_setting s
       LEFT JOIN pg_database d ON d.oid = s.setdatabase
       CROSS JOIN LATERAL unnest(s.setconfig) AS cfg
      WHERE (s.setdatabase = 0 OR d.datname = current_database()) AND (s.setrole = 0 OR s.setrole = $1::oid)
        AND lower(split_part(cfg, '=', 1)) = ANY ($2::text[])
      ORDER BY 1, 2`,
    [ctx.runtimeRole.oid, Object.keys(RISKY_DEFAULTS)],
  );
  return settings.map(({ scope, setting, name, fix }) =>
    finding(
      6,
      'risky-setting-default',
      `${name} default for ${scope}`,
      `${scope} has the default ${setting}, which ${RISKY_DEFAULTS[name]} of runtime role ${ctx.runtimeRole.name}. Fix: ${fix} RESET ${name}`,
    ),
  );
}

export const ROLE_CHECKS: CatalogCheck[] = [
  { check: 1, title: 'The runtime role is superuser or bypasses row-level security', run: runtimeRoleBypassesRls },
  { check: 2, title: 'The runtime role can reach a privileged role by membership', run: runtimeRoleReachesPrivilegedRole },
  { check: 3, title: 'The runtime role owns, or is a member of the owner of, tables, functions or schemas', run: runtimeRoleOwnsObjects },
  { check: 4, title: 'The runtime role has REPLICATION or CREATEROLE', run: runtimeRoleReplicatesOrCreatesRoles },
  { check: 5, title: 'The runtime role is in a predefined role that widens access', run: runtimeRoleInWideningRole },
  { check: 6, title: 'Role or database defaults set the tenant, row_security or search_path', run: riskySettingDefaults },
];
