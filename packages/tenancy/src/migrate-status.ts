import type pg from 'pg';

import { readLedger, readMigrations, type MigrationFile } from './migrate';
import { Connections, DEFAULT_MIGRATION_CONCURRENCY, describePlacement, eachInParallel, type PlacementTarget } from './migrate-placements';

// Where every placement stands (docs/migrations.md): its version (the latest migration its ledger
// records), what is pending, and drift — anything that makes "at version N" untrue:
//
//   - a ledger entry whose checksum differs from the file on disk (the file was edited);
//   - a ledger entry no file on disk matches (a migration deleted, renamed, or from another branch);
//   - a migration started and never finished (a failed `prisma migrate`);
//   - a tenant schema whose placed tables differ from public's: columns, types, defaults, indexes,
//     constraints, row-level security, policies, triggers and grants, compared item by item. A
//     statement run by hand in one schema, or a placed section a schema missed, shows here.
//
// Read only: no lock, no write.

export interface PlacementStatus {
  /** Undefined for the control plane. */
  target?: PlacementTarget;
  /** The latest migration the ledger records as applied; null for none. */
  version: string | null;
  pending: string[];
  /** What is wrong, one line each (empty: no drift). */
  drift: string[];
}

export interface PlacementStatusOptions {
  /** The owner role's URL of the control plane. */
  controlPlane: string;
  placements: readonly PlacementTarget[];
  /** Defaults to prisma/migrations. */
  migrationsDir?: string;
  /**
   * The placed tables: each tenant schema's definition of them is compared with public's. Without
   * it, only the ledgers are read.
   */
  placedTables?: readonly string[];
  /** Placements read at once (default 4). */
  concurrency?: number;
}

export async function placementStatus(options: PlacementStatusOptions): Promise<PlacementStatus[]> {
  const files = await readMigrations(options.migrationsDir);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_MIGRATION_CONCURRENCY));
  const connections = new Connections(concurrency, options.controlPlane);
  connections.expect(options.placements.map((t) => t.connectionString));
  const tables = options.placedTables ?? [];
  try {
    const reference =
      tables.length > 0 && options.placements.some((t) => t.placement.tier === 'schema')
        ? await connections.use(options.controlPlane, (client) => definitionOf(client, 'public', tables))
        : undefined;
    const statuses: PlacementStatus[] = [];
    const read = async (target: PlacementTarget | undefined) => {
      const schema = target?.placement.tier === 'schema' ? target.placement.schema : 'public';
      const status: PlacementStatus = { target, version: null, pending: [], drift: [] };
      statuses.push(status);
      try {
        await connections.use(target?.connectionString ?? options.controlPlane, async (client) => {
          if (schema !== 'public' && !(await schemaExists(client, schema))) {
            status.drift.push(`schema ${schema} does not exist`);
            return;
          }
          Object.assign(status, compareLedger(files, await readLedger(client, schema)));
          if (reference && schema !== 'public')
            status.drift.push(...differences(reference, await definitionOf(client, schema, tables), schema));
        });
      } catch (error) {
        status.drift.push(`cannot be read: ${error instanceof Error ? error.message : String(error)}`);
      }
    };
    await read(undefined);
    await eachInParallel(options.placements, concurrency, () => false, read);
    // In the order given, whatever order the reads finished in.
    const order = new Map(options.placements.map((target, index) => [target, index]));
    return statuses.sort((a, b) => (a.target ? order.get(a.target)! : -1) - (b.target ? order.get(b.target)! : -1));
  } finally {
    await connections.end();
  }
}

/** One line per placement for a report: where, version, pending, drift. */
export function describeStatus(status: PlacementStatus): string {
  const pending = status.pending.length ? `${status.pending.length} pending (${status.pending.join(', ')})` : 'nothing pending';
  const drift = status.drift.length ? `; DRIFT: ${status.drift.join('; ')}` : '';
  return `${describePlacement(status.target)}: at ${status.version ?? 'no migration'}, ${pending}${drift}`;
}

function compareLedger(files: readonly MigrationFile[], ledger: Awaited<ReturnType<typeof readLedger>>) {
  const onDisk = new Map(files.map((file) => [file.name, file]));
  const drift: string[] = [];
  const applied = new Set<string>();
  for (const row of ledger) {
    if (row.rolled_back_at !== null) continue; // Prisma's "rolled back": as if never applied
    applied.add(row.migration_name);
    const file = onDisk.get(row.migration_name);
    if (row.finished_at === null) drift.push(`${row.migration_name} was started and never finished`);
    else if (!file) drift.push(`${row.migration_name} is in the ledger but not on disk`);
    else if (file.checksum !== row.checksum)
      drift.push(
        `${row.migration_name} was edited after it was applied (checksum ${row.checksum.slice(0, 12)}… applied, ${file.checksum.slice(0, 12)}… on disk)`,
      );
  }
  const finished = ledger.filter((row) => row.rolled_back_at === null && row.finished_at !== null).map((row) => row.migration_name);
  return {
    version: finished.sort().at(-1) ?? null,
    pending: files.filter((file) => !applied.has(file.name)).map((file) => file.name),
    drift,
  };
}

async function schemaExists(client: pg.ClientBase, schema: string): Promise<boolean> {
  return (await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rows.length > 0;
}

// A placed table's definition as comparable lines. Names the catalog chooses itself are left out:
// `CREATE TABLE … (LIKE …)` names a copy's indexes and key constraints afresh. Keys into tables that
// are not placed are left out too: a tenant schema has none (docs/tiers.md). The deparsers run with
// the schema, then public, on the search_path, so both sides print the same unqualified names.
const DEFINITION_SQL = `
WITH t AS (
  SELECT c.oid, c.relname, c.relowner, c.relacl, c.relrowsecurity, c.relforcerowsecurity
    FROM pg_class c
   WHERE c.relnamespace = $1::regnamespace AND c.relname = ANY($2::text[]) AND c.relkind IN ('r', 'p')
)
SELECT t.relname AS "table", 'table' AS item FROM t
UNION ALL
SELECT t.relname, 'column ' || quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
       || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
       || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')
       || CASE WHEN a.attidentity <> '' THEN ' identity ' || a.attidentity::text ELSE '' END
       || CASE WHEN a.attgenerated <> '' THEN ' generated ' || a.attgenerated::text ELSE '' END
  FROM t JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
UNION ALL
SELECT t.relname, 'index ' || regexp_replace(pg_get_indexdef(i.indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ON \\S+ ', 'CREATE \\1INDEX ON ' || quote_ident(t.relname) || ' ')
  FROM t JOIN pg_index i ON i.indrelid = t.oid
UNION ALL
SELECT t.relname, 'constraint ' || pg_get_constraintdef(k.oid)
  FROM t JOIN pg_constraint k ON k.conrelid = t.oid
 WHERE k.contype <> 'f' OR k.confrelid IN (SELECT oid FROM t)
UNION ALL
SELECT t.relname, 'row-level security ' || CASE WHEN t.relrowsecurity THEN 'enabled' ELSE 'disabled' END
       || CASE WHEN t.relforcerowsecurity THEN ', forced' ELSE '' END
  FROM t
UNION ALL
SELECT t.relname, 'policy ' || quote_ident(p.polname) || CASE WHEN p.polpermissive THEN ' permissive' ELSE ' restrictive' END
       || ' for ' || p.polcmd::text
       || ' to ' || array_to_string(ARRAY(SELECT CASE WHEN r = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(r)) END FROM unnest(p.polroles) r ORDER BY 1), ', ')
       || coalesce(' using (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
       || coalesce(' with check (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')
  FROM t JOIN pg_policy p ON p.polrelid = t.oid
UNION ALL
SELECT t.relname, 'trigger ' || regexp_replace(pg_get_triggerdef(g.oid), ' ON \\S+ ', ' ON ' || quote_ident(t.relname) || ' ')
  FROM t JOIN pg_trigger g ON g.tgrelid = t.oid AND NOT g.tgisinternal
UNION ALL
SELECT t.relname, 'grant ' || a.privilege_type || ' to ' || CASE WHEN a.grantee = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(a.grantee)) END
  FROM t, aclexplode(t.relacl) a WHERE a.grantee <> t.relowner
UNION ALL
SELECT t.relname, 'grant ' || a.privilege_type || ' (' || quote_ident(att.attname) || ') to '
       || CASE WHEN a.grantee = 0 THEN 'public' ELSE quote_ident(pg_get_userbyid(a.grantee)) END
  FROM t JOIN pg_attribute att ON att.attrelid = t.oid AND att.attacl IS NOT NULL, aclexplode(att.attacl) a`;

type Definition = Map<string, string[]>;

async function definitionOf(client: pg.ClientBase, schema: string, tables: readonly string[]): Promise<Definition> {
  await client.query('BEGIN READ ONLY');
  try {
    await client.query(schema === 'public' ? 'SET LOCAL search_path = public' : `SET LOCAL search_path = "${schema}", public`);
    const { rows } = await client.query<{ table: string; item: string }>(DEFINITION_SQL, [schema, tables]);
    const definition: Definition = new Map(tables.map((table) => [table, []]));
    for (const row of rows) definition.get(row.table)!.push(row.item);
    return definition;
  } finally {
    await client.query('ROLLBACK');
  }
}

/** `t_x.orders lacks public's index …`, `t_x.orders has column … (not in public's)`, compared as multisets. */
function differences(reference: Definition, actual: Definition, schema: string): string[] {
  const drift: string[] = [];
  for (const [table, expected] of reference) {
    const found = actual.get(table) ?? [];
    if (expected.length > 0 && found.length === 0) {
      drift.push(`${schema}.${table} does not exist`);
      continue;
    }
    const counts = new Map<string, number>();
    for (const item of expected) counts.set(item, (counts.get(item) ?? 0) + 1);
    for (const item of found) counts.set(item, (counts.get(item) ?? 0) - 1);
    for (const [item, count] of counts) {
      if (count > 0) drift.push(`${schema}.${table} lacks public's ${item}`);
      if (count < 0) drift.push(`${schema}.${table} has ${item} (not in public's)`);
    }
  }
  return drift;
}
