import pg from 'pg';

import { assertPlacement } from './placement';

// Provisioning of the `schema` tier: a tenant schema is a copy of the shared definition of the
// placed tables, made from the live catalog in one transaction by the role that owns them —
//
//   CREATE TABLE "t_x".orders (LIKE public.orders INCLUDING ALL)   columns, defaults, checks,
//                                                                  indexes, keys, identity, comments;
//   foreign keys between placed tables, re-pointed to the schema's own (orders → "t_x".customers);
//                             keys into the control plane (→ public.tenants) are NOT copied: with
//                             1,000 schemas, public.tenants would carry 16,000 triggers, every
//                             tenant delete would lock 8,000 tables (past PostgreSQL's lock table)
//                             and every schema created would lock tenants. A tenant schema is one
//                             tenant's: its rows are bound to it by row-level security, and it
//                             goes with its tenant by DROP SCHEMA, not by a cascade;
//   row-level security enabled and forced, every policy with its roles and expressions;
//   triggers; table and column grants; schema USAGE for every role granted a table;
//   a ledger (_prisma_migrations) holding the migrations the copy corresponds to.
//
// So the schema has the same tables, policies and composite keys as the shared tier: forced RLS
// stays the second layer inside it. Enum types stay in public, shared by every schema (a column's
// type is copied by reference), which is also why Prisma's enum casts need no rewriting.

export interface TenantSchemaOptions {
  /** Connection string of the role that owns the placed tables (MIGRATION_DATABASE_URL). */
  connectionString: string;
  /** The tenant's schema (`t_` and [a-z0-9_]). */
  schema: string;
  /** The placed tables, parents before children (a foreign key needs its parent). */
  tables: readonly string[];
  /** Where the shared definition is (default public). */
  from?: string;
}

const TABLE = /^[a-z_][a-z0-9_]*$/;

/** Creates `schema` as a copy of the placed tables' definition; fails, changing nothing, if it exists. */
export async function createTenantSchema(options: TenantSchemaOptions): Promise<{ ms: number }> {
  const started = performance.now();
  const { schema, tables } = options;
  const from = options.from ?? 'public';
  assertPlacement({ tier: 'schema', schema });
  for (const table of [from, ...tables]) if (!TABLE.test(table)) throw new Error(`createTenantSchema(): "${table}" is not a plain name.`);
  const placed = new Set(tables);
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    await client.query('BEGIN');
    // pg_catalog alone: the catalog's deparsers then qualify every name they print.
    await client.query('SET LOCAL search_path = pg_catalog');
    await client.query(`CREATE SCHEMA "${schema}"`);
    const grantees = new Set<string>();
    for (const table of tables) {
      await client.query(`CREATE TABLE "${schema}"."${table}" (LIKE "${from}"."${table}" INCLUDING ALL)`);
    }
    for (const table of tables) {
      const source = `"${from}"."${table}"`;
      const target = `"${schema}"."${table}"`;
      const { rows: keys } = await client.query<{ name: string; definition: string }>(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS definition
           FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'f' ORDER BY conname`,
        [source],
      );
      for (const key of keys) {
        const reference = /REFERENCES ([a-z_]+)\.([a-z_][a-z0-9_]*)\(/.exec(key.definition);
        if (!reference || reference[1] !== from || !placed.has(reference[2]!)) continue; // the control plane's: see above
        const definition = key.definition.replace(reference[0], `REFERENCES "${schema}"."${reference[2]}"(`);
        await client.query(`ALTER TABLE ${target} ADD CONSTRAINT "${key.name}" ${definition}`);
      }
      const { rows: security } = await client.query<{ enabled: boolean; forced: boolean }>(
        `SELECT relrowsecurity AS enabled, relforcerowsecurity AS forced FROM pg_class WHERE oid = $1::regclass`,
        [source],
      );
      if (security[0]?.enabled) await client.query(`ALTER TABLE ${target} ENABLE ROW LEVEL SECURITY`);
      if (security[0]?.forced) await client.query(`ALTER TABLE ${target} FORCE ROW LEVEL SECURITY`);
      const { rows: policies } = await client.query<{
        name: string;
        permissive: boolean;
        command: string;
        roles: string[];
        using: string | null;
        check: string | null;
      }>(
        `SELECT polname AS name, polpermissive AS permissive, polcmd::text AS command,
                ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(r)) END FROM unnest(polroles) r) AS roles,
                pg_get_expr(polqual, polrelid) AS using, pg_get_expr(polwithcheck, polrelid) AS check
           FROM pg_policy WHERE polrelid = $1::regclass ORDER BY polname`,
        [source],
      );
      for (const policy of policies) {
        const command = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' }[policy.command] ?? 'ALL';
        await client.query(
          `CREATE POLICY "${policy.name}" ON ${target} AS ${policy.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'} FOR ${command}` +
            ` TO ${policy.roles.join(', ')}` +
            (policy.using ? ` USING (${policy.using})` : '') +
            (policy.check ? ` WITH CHECK (${policy.check})` : ''),
        );
      }
      const { rows: triggers } = await client.query<{ definition: string }>(
        // Not a move's capture triggers (move.ts): they belong to one tenant's copy, not to the definition.
        `SELECT pg_get_triggerdef(oid) AS definition FROM pg_trigger
          WHERE tgrelid = $1::regclass AND NOT tgisinternal AND tgname NOT LIKE 'bulkhead\\_move\\_%' ORDER BY tgname`,
        [source],
      );
      for (const trigger of triggers) {
        await client.query(trigger.definition.replace(` ON ${from}.${table} `, ` ON ${target} `));
      }
      const { rows: grants } = await client.query<{ grantee: string; privilege: string; column: string | null }>(
        `SELECT quote_ident(pg_get_userbyid(a.grantee)) AS grantee, a.privilege_type AS privilege, NULL AS column
           FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = $1::regclass AND a.grantee <> c.relowner AND a.grantee <> 0
         UNION ALL
         SELECT quote_ident(pg_get_userbyid(a.grantee)), a.privilege_type, quote_ident(att.attname)
           FROM pg_attribute att, aclexplode(att.attacl) a
          WHERE att.attrelid = $1::regclass AND att.attacl IS NOT NULL AND a.grantee <> 0`,
        [source],
      );
      for (const grant of grants) {
        grantees.add(grant.grantee);
        const on = grant.column ? `${grant.privilege} (${grant.column})` : grant.privilege;
        await client.query(`GRANT ${on} ON ${target} TO ${grant.grantee}`);
      }
    }
    for (const grantee of grantees) await client.query(`GRANT USAGE ON SCHEMA "${schema}" TO ${grantee}`);
    // The schema's own ledger: which migrations its tables correspond to (the shared definition's).
    const ledger = await client.query(`SELECT to_regclass($1) AS oid`, [`"${from}"."_prisma_migrations"`]);
    if (ledger.rows[0]?.oid) {
      await client.query(`CREATE TABLE "${schema}"."_prisma_migrations" (LIKE "${from}"."_prisma_migrations" INCLUDING ALL)`);
      await client.query(`INSERT INTO "${schema}"."_prisma_migrations" SELECT * FROM "${from}"."_prisma_migrations"`);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
  return { ms: performance.now() - started };
}

/** Drops a tenant schema and everything in it. */
export async function dropTenantSchema(connectionString: string, schema: string): Promise<void> {
  assertPlacement({ tier: 'schema', schema });
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
