// The four PostgreSQL roles of one Bulkhead database, named once and used everywhere.
//
//   owner    owns every table, runs migrations. FORCE ROW LEVEL SECURITY binds it too.
//   app      the running app (DATABASE_URL): LOGIN, NOSUPERUSER, NOBYPASSRLS, owns nothing.
//   ops      BYPASSRLS, for maintenance and verification only; never given to the running app.
//   definer  NOLOGIN; owns the few SECURITY DEFINER lookup functions that run before a tenant is
//            known (sign-in by email, slug → tenant). Owns no table.
//
// Roles are cluster-wide, so on a shared server each database gets its own prefix.

export const ROLE_KINDS = ['owner', 'app', 'ops', 'definer'] as const;
export type RoleKind = (typeof ROLE_KINDS)[number];
export type DatabaseRoles = Record<RoleKind, string>;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,40}$/;

/** Throws unless `name` is a plain lower-case identifier (safe to splice into DDL). */
export function assertIdentifier(name: string, what = 'identifier'): string {
  if (!IDENTIFIER.test(name)) {
    throw new Error(`Invalid ${what} "${name}": use lower-case letters, digits and _ (max 41 chars).`);
  }
  return name;
}

export function rolesFor(prefix: string): DatabaseRoles {
  assertIdentifier(prefix, 'role prefix');
  return { owner: `${prefix}_owner`, app: `${prefix}_app`, ops: `${prefix}_ops`, definer: `${prefix}_definer` };
}
