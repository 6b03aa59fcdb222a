import { NOT_FROM_EXTENSION, USER_SCHEMA, type AuditContext, type CatalogCheck } from './catalog';
import { finding, type Finding } from './finding';

// Checks 37–39: grants. On a shared server every Bulkhead database's roles live in one cluster, so
// PUBLIC is not "this app": it is every role of every other database too.

// Check 37. Anything granted to PUBLIC is granted to every role that exists or ever will. Functions
// are the trap: PostgreSQL grants EXECUTE to PUBLIC by default (a NULL proacl), so each function
// needs its own REVOKE. USAGE on schema public is PostgreSQL's default and grants nothing by itself.
async function grantedToPublic(ctx: AuditContext): Promise<Finding[]> {
  const grants = await ctx.rows<{ object: string; privileges: string; revoke: string }>(
    `SELECT format('%I.%I', n.nspname, c.relname) AS object, string_agg(DISTINCT a.privilege_type, ', ') AS privileges,
            format('REVOKE ALL ON %I.%I FROM PUBLIC', n.nspname, c.relname) AS revoke
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace CROSS JOIN LATERAL aclexplode(c.relacl) a
      WHERE a.grantee = 0 AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S') AND ${USER_SCHEMA('n')}
      GROUP BY n.nspname, c.relname
     UNION ALL
     SELECT format('%I.%I.%I', n.nspname, c.relname, att.attname), string_agg(DISTINCT a.privilege_type, ', '),
            format('REVOKE ALL (%I) ON %I.%I FROM PUBLIC', att.attname, n.nspname, c.relname)
       FROM pg_attribute att JOIN pg_class c ON c.oid = att.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
            CROSS JOIN LATERAL aclexplode(att.attacl) a
      WHERE a.grantee = 0 AND att.attnum > 0 AND ${USER_SCHEMA('n')}
      GROUP BY n.nspname, c.relname, att.attname
     UNION ALL
     SELECT f.oid::regprocedure::text, string_agg(DISTINCT a.privilege_type, ', '),
            format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f.oid::regprocedure)
       FROM pg_proc f JOIN pg_namespace n ON n.oid = f.pronamespace
            CROSS JOIN LATERAL aclexplode(coalesce(f.proacl, acldefault('f', f.proowner))) a
      WHERE a.grantee = 0 AND ${USER_SCHEMA('n')} AND ${NOT_FROM_EXTENSION('pg_proc', 'f.oid')}
      GROUP BY f.oid
     UNION ALL
     SELECT format('schema %I', n.nspname), string_agg(DISTINCT a.privilege_type, ', '),
            format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', n.nspname)
       FROM pg_namespace n CROSS JOIN LATERAL aclexplode(coalesce(n.nspacl, acldefault('n', n.nspowner))) a
      WHERE a.grantee = 0 AND ${USER_SCHEMA('n')} AND NOT (n.nspname = 'public' AND a.privilege_type = 'USAGE')
      GROUP BY n.nspname
     UNION ALL
     SELECT format('database %I', d.datname), string_agg(DISTINCT a.privilege_type, ', '),
            format('REVOKE ALL ON DATABASE %I FROM PUBLIC', d.datname)
       FROM pg_database d CROSS JOIN LATERAL aclexplode(coalesce(d.datacl, acldefault('d', d.datdba))) a
      WHERE a.grantee = 0 AND d.datname = current_database()
      GROUP BY d.datname
     ORDER BY 1`,
  );
  return grants.map((g) =>
    finding(
      37,
      'granted-to-public',
      g.object,
      `${g.object} grants ${g.privileges} to PUBLIC: every role on the server — other databases' roles included — holds it now and forever. Fix: ${g.revoke}`,
    ),
  );
}

// Check 38. Default privileges apply to objects not yet created: a new table is readable by R (or
// PUBLIC) the moment it exists, before its migration step that enables row-level security runs.
async function defaultPrivilegesWiden(ctx: AuditContext): Promise<Finding[]> {
  const defaults = await ctx.rows<{ object: string; grantee: string; privileges: string; fix: string }>(
    `SELECT format('default privileges of %s%s on %s', d.defaclrole::regrole,
                   CASE WHEN d.defaclnamespace = 0 THEN '' ELSE format(' in schema %I', n.nspname) END, kind.name) AS object,
            CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END AS grantee,
            string_agg(DISTINCT a.privilege_type, ', ') AS privileges,
            format('ALTER DEFAULT PRIVILEGES FOR ROLE %s%s REVOKE ALL ON %s FROM %s', d.defaclrole::regrole,
                   CASE WHEN d.defaclnamespace = 0 THEN '' ELSE format(' IN SCHEMA %I', n.nspname) END, upper(kind.name),
                   CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE a.grantee::regrole::text END) AS fix
       FROM pg_default_acl d
       LEFT JOIN pg_namespace n ON n.oid = d.defaclnamespace
       CROSS JOIN LATERAL (SELECT CASE d.defaclobjtype WHEN 'r' THEN 'tables' WHEN 'S' THEN 'sequences' WHEN 'f' THEN 'functions'
                                    WHEN 'T' THEN 'types' WHEN 'n' THEN 'schemas' WHEN 'L' THEN 'large objects' ELSE 'objects' END AS name) kind
       CROSS JOIN LATERAL aclexplode(d.defaclacl) a
      WHERE CASE WHEN a.grantee = 0 THEN true ELSE pg_has_role($1::oid, a.grantee, 'MEMBER') END
      GROUP BY d.oid, d.defaclrole, d.defaclnamespace, n.nspname, kind.name, a.grantee
      ORDER BY 1, 2`,
    [ctx.runtimeRole.oid],
  );
  return defaults.map((d) =>
    finding(
      38,
      'default-privilege-widens',
      d.object,
      `${d.object} grant ${d.privileges} to ${d.grantee}${d.grantee === 'PUBLIC' ? '' : ` (the runtime role or a role it belongs to)`}: ` +
        `every new object is reachable before its migration has put it under row-level security. Fix: ${d.fix}, and grant per object in the migration that secures it`,
    ),
  );
}

// Check 39. CREATE on a schema lets R add objects that shadow names on search_path (and own them,
// see check 3); CREATE on the database lets it add schemas; TEMPORARY lets it create pg_temp
// objects, which every function that does not list pg_temp last searches first.
async function runtimeRoleCanCreate(ctx: AuditContext): Promise<Finding[]> {
  const grants = await ctx.rows<{ object: string; privileges: string[] }>(
    `SELECT format('schema %I', n.nspname) AS object, ARRAY['CREATE'] AS privileges
       FROM pg_namespace n WHERE ${USER_SCHEMA('n')} AND has_schema_privilege($1::oid, n.oid, 'CREATE')
     UNION ALL
     SELECT format('database %I', current_database()),
            array_remove(ARRAY[CASE WHEN has_database_privilege($1::oid, current_database(), 'CREATE') THEN 'CREATE' END,
                               CASE WHEN has_database_privilege($1::oid, current_database(), 'TEMPORARY') THEN 'TEMPORARY' END], NULL)
     ORDER BY 1`,
    [ctx.runtimeRole.oid],
  );
  const r = ctx.runtimeRole.name;
  return grants
    .filter((g) => g.privileges.length > 0)
    .map((g) =>
      finding(
        39,
        'runtime-role-can-create',
        g.object,
        `runtime role ${r} holds ${g.privileges.join(', ')} on ${g.object}: it can create objects that shadow the ones code and policies name, and then owns them. ` +
          `Fix: REVOKE ${g.privileges.join(', ')} ON ${g.object.replace(/^(\w+) /, (_, kind: string) => `${kind.toUpperCase()} `)} FROM ${r}`,
      ),
    );
}

export const GRANT_CHECKS: CatalogCheck[] = [
  { check: 37, title: 'Something is granted to PUBLIC', run: grantedToPublic },
  { check: 38, title: 'Default privileges grant to PUBLIC or the runtime role', run: defaultPrivilegesWiden },
  { check: 39, title: 'The runtime role can create objects in a schema or the database, or temporary objects', run: runtimeRoleCanCreate },
];
