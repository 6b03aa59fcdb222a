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
// The target is an argument (connection + schema), never a global, so the tiered-isolation work can
// run it over many schemas and databases.

export interface MigrateOptions {
  /** Connection string of the role that owns the schema (MIGRATION_DATABASE_URL). */
  connectionString: string;
  /** Folder with one sub-folder per migration. Defaults to prisma/migrations. */
  migrationsDir?: string;
  /** Schema to migrate (search_path and ledger location). Defaults to public. */
  schema?: string;
  /** Report what would be applied; change nothing. */
  dryRun?: boolean;
  log?: (line: string) => void;
}

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  applied: string[];
  pending: string[];
  alreadyApplied: string[];
}

export class MigrationError extends Error {
  constructor(
    message: string,
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

export async function readMigrations(dir = DEFAULT_MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  return Promise.all(
    names.map(async (name) => {
      const sql = await readFile(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}

interface LedgerRow {
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
  const schema = assertIdentifier(options.schema ?? 'public', 'schema');
  const log = options.log ?? (() => {});
  const files = await readMigrations(options.migrationsDir);
  const client = new pg.Client({ connectionString: options.connectionString });
  await client.connect();
  try {
    await client.query(`SELECT pg_advisory_lock(hashtext($1))`, [`bulkhead.migrate:${schema}`]);
    const ledger = await readLedger(client, schema);
    const { pending, alreadyApplied } = plan(files, ledger);

    if (options.dryRun) {
      for (const file of pending) log(`would apply ${file.name}`);
      return { applied: [], pending: pending.map((f) => f.name), alreadyApplied };
    }

    if (pending.length > 0) await client.query(LEDGER_DDL(schema));
    const applied: string[] = [];
    for (const file of pending) {
      await applyOne(client, schema, file);
      applied.push(file.name);
      log(`applied ${file.name}`);
    }
    return { applied, pending: [], alreadyApplied };
  } finally {
    await client.end();
  }
}

async function readLedger(client: pg.Client, schema: string): Promise<LedgerRow[]> {
  const table = await client.query(`SELECT to_regclass($1) AS oid`, [`"${schema}"."_prisma_migrations"`]);
  if (!table.rows[0]?.oid) return [];
  const rows = await client.query<LedgerRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at
       FROM "${schema}"."_prisma_migrations" ORDER BY started_at`,
  );
  return rows.rows;
}

function plan(files: MigrationFile[], ledger: LedgerRow[]) {
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

async function applyOne(client: pg.Client, schema: string, file: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL search_path TO "${schema}"`);
    await client.query(file.sql);
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
      `Migration ${file.name}/migration.sql failed and was rolled back: ${describeSqlError(error, file.sql)}`,
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
