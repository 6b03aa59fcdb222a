import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import pg from 'pg';

import { assertIdentifier } from './roles';

// Bulkhead's migration runner. Prisma 7's `migrate` needs a native engine that it downloads on every
// command; where that is impossible we still want Prisma's workflow, so this runner applies the
// same files (prisma/migrations/<timestamp>_<name>/migration.sql) and records them in Prisma's own
// `_prisma_migrations` ledger (same columns, sha256 checksum). `prisma migrate status` and
// `migrate deploy` then agree with it on any machine that can run them.
//
// Guarantees:
//   - one runner at a time per target (a PostgreSQL advisory lock);
//   - each migration in its own transaction, recorded in the ledger in that same transaction, so
//     a failure leaves neither half a migration nor a ledger row behind;
//   - an applied file whose checksum changed is refused, naming the file;
//   - dry runs read only.
// The target is an argument (connection + schema), never a global: migratePlacements()
// (migrate-placements.ts) runs it over the control plane, every tenant schema and every tenant
// database, one ledger each.
//
// A tenant schema holds copies of the placed tables only, so a migration.sql cannot run there whole
// (it creates control-plane tables, functions in `bulkhead`, …). A migration marks what also applies
// to every tenant schema with sections, each line on its own:
//
//   -- bulkhead:placed begin
//   ALTER TABLE orders ADD COLUMN note text;
//   -- bulkhead:placed end
//
// In a tenant schema the runner applies those sections alone, with the schema first on the
// search_path and public after it (unqualified placed tables resolve to the schema, enum types to
// public). Everywhere else the markers are comments and the whole file runs. docs/migrations.md.

export interface MigrateOptions {
  /** Connection string of the role that owns the schema (MIGRATION_DATABASE_URL). */
  connectionString: string;
  /** Folder with one sub-folder per migration. Defaults to prisma/migrations. */
  migrationsDir?: string;
  /** Schema to migrate (search_path and ledger location). Defaults to public. */
  schema?: string;
  /**
   * `whole-file` (default): the control plane, a dedicated database. `placed-sections`: a tenant
   * schema; only the `-- bulkhead:placed` sections run, with `schema, public` as the search_path,
   * and a migration without one is recorded with nothing to run.
   */
  apply?: MigrationScope;
  /** Report what would be applied; change nothing. */
  dryRun?: boolean;
  log?: (line: string) => void;
}

export type MigrationScope = 'whole-file' | 'placed-sections';

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
  /**
   * The file with every line outside its placed sections blanked: line numbers stay the file's, so
   * an error's position points into migration.sql. Null when the file has no placed section.
   */
  placedSql: string | null;
}

export interface MigrateResult {
  applied: string[];
  pending: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(
    message: string,
    /** The migration that failed; empty when the target itself was refused (a missing schema). */
    readonly migration: string,
    readonly cause?: unknown,
  ) {
    super(message);
    this.name = 'MigrationError';
  }
}

export const DEFAULT_MIGRATIONS_DIR = path.join(process.cwd(), 'prisma', 'migrations');

/** Prisma's checksum: sha256 of the file's bytes, lower-case hex. */
export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

const MARKER = /^\s*--\s*bulkhead:placed\s+(begin|end)\s*$/;

/**
 * The placed sections of a migration, in place: every other line blanked, so positions and line
 * numbers are the file's. Null when there is no section, or only empty ones. Refuses a marker out of
 * order (an `end` without `begin`, a `begin` inside a section, a section never closed), naming the
 * file and the line: a mismatched marker would silently run too much or too little in every schema.
 */
export function placedSqlOf(name: string, sql: string): string | null {
  const lines = sql.split('\n');
  let open: number | undefined;
  let found = false;
  const kept = lines.map((line, index) => {
    const marker = MARKER.exec(line.replace(/\r$/, ''))?.[1];
    if (marker === 'begin') {
      if (open !== undefined) throw markerError(name, index, `a section opened at line ${open + 1} is not closed yet`);
      open = index;
      return '';
    }
    if (marker === 'end') {
      if (open === undefined) throw markerError(name, index, 'no section is open');
      open = undefined;
      return '';
    }
    if (open === undefined) return '';
    if (/\S/.test(line.replace(/--.*$/, ''))) found = true;
    return line;
  });
  if (open !== undefined) throw markerError(name, open, 'the section is never closed (-- bulkhead:placed end)');
  return found ? kept.join('\n') : null;
}

function markerError(name: string, index: number, why: string): MigrationError {
  return new MigrationError(`Migration ${name}/migration.sql, line ${index + 1}: misplaced bulkhead:placed marker: ${why}.`, name);
}

export async function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql), placedSql: placedSqlOf(name, sql) };
    }),
  );
}

export interface LedgerRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

// Prisma's own ledger definition (prisma-engines, sql-schema-connector), column for column.
const LEDGER_DDL = (schema: string) => `
CREATE TABLE IF NOT EXISTS "${schema}"."_prisma_migrations" (
  "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum"            VARCHAR(64) NOT NULL,
  "finished_at"         TIMESTAMPTZ,
  "migration_name"      VARCHAR(255) NOT NULL,
  "logs"                TEXT,
  "rolled_back_at"      TIMESTAMPTZ,
  "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const files = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    return await migrateWith(client, files, options);
  } finally {
    await client.end();
  }
}

/**
 * migrate() on a connection the caller holds (a pooled one: migratePlacements() reuses a few
 * connections across a thousand schemas). The advisory lock is released before it returns.
 */
export async function migrateWith(
  client: pg.ClientBase,
  files: readonly MigrationFile[],
  options: Omit<MigrateOptions, 'connectionString' | 'migrationsDir'> = {},
): Promise<MigrateResult> {
  const schema = assertIdentifier(options.schema ?? 'public', 'schema');
  const scope = options.apply ?? 'whole-file';
  const log = options.log ?? (() => {});
  const lock = `bulkhead.migrate:${schema}`;
  await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [lock]);
  let failed = true;
  try {
    if (scope === 'placed-sections') await assertSchemaExists(client, schema);
    const ledger = await readLedger(client, schema);
    const { pending, alreadyApplied } = plan(files, ledger);

    if (options.dryRun) {
      for (const file of pending) log(`would ${describeStep(file, scope)}`);
      failed = false;
      return { applied: [], pending: pending.map((f) => f.name), alreadyApplied };
    }

    if (pending.length > 0) await client.query(LEDGER_DDL(schema));
    const applied: string[] = [];
    for (const file of pending) {
      await applyOne(client, schema, file, scope);
      applied.push(file.name);
      log(describeStep(file, scope, 'done'));
    }
    failed = false;
    return { applied, pending: [], alreadyApplied };
  } finally {
    // After a failure the caller discards the connection, which releases the lock anyway: the
    // original error is the one to report.
    await client.query(`SELECT pg_advisory_unlock(hashtext($1))`, [lock]).catch((error: unknown) => {
      if (!failed) throw error;
    });
  }
}

function describeStep(file: MigrationFile, scope: MigrationScope, done?: 'done'): string {
  const [apply, record] = done ? ['applied', 'recorded'] : ['apply', 'record'];
  if (scope === 'whole-file') return `${apply} ${file.name}`;
  return file.placedSql === null ? `${record} ${file.name} (no placed section)` : `${apply} ${file.name} (placed sections)`;
}

/**
 * With `schema, public` as the search_path, a placed table missing from the schema resolves to
 * public's: a schema that does not exist must never reach that point.
 */
async function assertSchemaExists(client: pg.ClientBase, schema: string): Promise<void> {
  const { rows } = await client.query(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, [schema]);
  if (rows.length === 0) throw new MigrationError(`Schema "${schema}" does not exist: nothing of it was migrated.`, '');
}

/** The ledger of `schema`, oldest first; empty when it has none. */
export async function readLedger(client: pg.ClientBase, schema: string): Promise<LedgerRow[]> {
  const table = await client.query(`SELECT to_regclass($1) AS oid`, [`"${schema}"."_prisma_migrations"`]);
  if (!table.rows[0]?.oid) return [];
  const rows = await client.query<LedgerRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM "${schema}"."_prisma_migrations" ORDER BY started_at`,
  );
  return rows.rows;
}

function plan(files: readonly MigrationFile[], ledger: LedgerRow[]) {
  const live = ledger.filter((row) => row.rolled_back_at === null);
  const unfinished = live.find((row) => row.finished_at === null);
  if (unfinished) {
    throw new MigrationError(
      `Migration ${unfinished.migration_name} is recorded as started but not finished (a failed \`prisma migrate\`). ` +
        `Fix the database, then mark it with \`prisma migrate resolve\`.`,
      unfinished.migration_name,
    );
  }
  const byName = new Map(live.map((row) => [row.migration_name, row]));
  const pending: MigrationFile[] = [];
  const alreadyApplied: string[] = [];
  for (const file of files) {
    const row = byName.get(file.name);
    if (!row) {
      pending.push(file);
    } else if (row.checksum !== file.checksum) {
      throw new MigrationError(
        `Migration ${file.name}/migration.sql was edited after it was applied ` +
          `(checksum ${row.checksum.slice(0, 12)}… in the database, ${file.checksum.slice(0, 12)}… on disk). ` +
          `Never edit an applied migration: restore the file and add a new migration instead.`,
        file.name,
      );
    } else {
      alreadyApplied.push(file.name);
    }
  }
  return { pending, alreadyApplied };
}

async function applyOne(client: pg.ClientBase, schema: string, file: MigrationFile, scope: MigrationScope): Promise<void> {
  const sql = scope === 'whole-file' ? file.sql : file.placedSql;
  await client.query('BEGIN');
  try {
    await client.query(scope === 'whole-file' ? `SET LOCAL search_path TO "${schema}"` : `SET LOCAL search_path TO "${schema}", public`);
    if (sql !== null) await client.query(sql);
    await client.query(
      `INSERT INTO "${schema}"."_prisma_migrations"
         (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
       VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
      [randomUUID(), file.checksum, file.name],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw new MigrationError(
      `Migration ${file.name}/migration.sql${scope === 'whole-file' ? '' : ` (placed sections, in schema ${schema})`} failed and was rolled back: ${describeSqlError(error, sql ?? '')}`,
      file.name,
      error,
    );
  }
}

function describeSqlError(error: unknown, sql: string): string {
  if (!(error instanceof Error)) return String(error);
  const pgError = error as Error & { position?: string; code?: string };
  const position = Number(pgError.position);
  const line = Number.isFinite(position) && position > 0 ? sql.slice(0, position).split('\n').length : undefined;
  return `${pgError.message}${pgError.code ? ` (SQLSTATE ${pgError.code})` : ''}${line ? ` at line ${line}` : ''}`;
}
