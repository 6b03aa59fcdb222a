import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import {
  checksumOf,
  createTenantSchema,
  DEFAULT_MIGRATIONS_DIR,
  migrate,
  MigrationError,
  placedSqlOf,
  readMigrations,
} from '@bulkhead/tenancy/admin';
import pg from 'pg';
import { describe, expect, it } from 'vitest';

import { createTestDatabase } from '../../test/db';

async function query<T extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-migrations-'));
  for (const [name, sql] of Object.entries(files)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

const tableExists = async (url: string, table: string) =>
  (await query<{ oid: string | null }>(url, 'SELECT to_regclass($1)::text AS oid', [table]))[0]?.oid !== null;

describe('migration runner', () => {
  it('applies every migration to an empty database and records them the way Prisma does', async () => {
    const db = await createTestDatabase({ empty: true });
    try {
      const files = await readMigrations();
      const result = await migrate({ connectionString: db.urls.migration });
      expect(result.applied).toEqual(files.map((f) => f.name));

      const ledger = await query<Record<string, unknown>>(db.urls.migration, 'SELECT * FROM _prisma_migrations ORDER BY migration_name');
      expect(ledger).toHaveLength(files.length);
      for (const [i, row] of ledger.entries()) {
        const file = files[i]!;
        expect(row.migration_name).toBe(file.name);
        expect(row.checksum).toBe(checksumOf(await readFile(path.join(DEFAULT_MIGRATIONS_DIR, file.name, 'migration.sql'), 'utf8')));
        expect(row.checksum).toMatch(/^[0-9a-f]{64}$/);
        expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(row.applied_steps_count).toBe(1);
        expect(row.finished_at).toBeInstanceOf(Date);
        expect(row.rolled_back_at).toBeNull();
        expect(row.logs).toBeNull();
      }
      const columns = await query<{ column_name: string; data_type: string; is_nullable: string }>(
        db.urls.migration,
        `SELECT column_name, data_type, is_nullable FROM information_schema.columns
          WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      expect(columns.map((c) => [c.column_name, c.data_type, c.is_nullable])).toEqual([
        ['id', 'character varying', 'NO'],
        ['checksum', 'character varying', 'NO'],
        ['finished_at', 'timestamp with time zone', 'YES'],
        ['migration_name', 'character varying', 'NO'],
        ['logs', 'text', 'YES'],
        ['rolled_back_at', 'timestamp with time zone', 'YES'],
        ['started_at', 'timestamp with time zone', 'NO'],
        ['applied_steps_count', 'integer', 'NO'],
      ]);
    } finally {
      await db.drop();
    }
  });

  it('does nothing when run again', async () => {
    const db = await createTestDatabase({ empty: true });
    try {
      await migrate({ connectionString: db.urls.migration });
      const before = await query(db.urls.migration, 'SELECT id, finished_at FROM _prisma_migrations ORDER BY id');
      const again = await migrate({ connectionString: db.urls.migration });
      expect(again.applied).toEqual([]);
      expect(again.alreadyApplied.length).toBeGreaterThan(0);
      expect(await query(db.urls.migration, 'SELECT id, finished_at FROM _prisma_migrations ORDER BY id')).toEqual(before);
    } finally {
      await db.drop();
    }
  });

  it('refuses an applied migration whose file was edited, naming the file', async () => {
    const db = await createTestDatabase({ empty: true });
    try {
      const dir = await migrationsDir({ '0001_widgets': 'CREATE TABLE widgets (id int PRIMARY KEY);' });
      await migrate({ connectionString: db.urls.migration, migrationsDir: dir });
      await writeFile(path.join(dir, '0001_widgets', 'migration.sql'), 'CREATE TABLE widgets (id bigint PRIMARY KEY);');
      const attempt = migrate({ connectionString: db.urls.migration, migrationsDir: dir });
      await expect(attempt).rejects.toThrow(MigrationError);
      await expect(attempt).rejects.toThrow(/0001_widgets\/migration\.sql was edited after it was applied/);
    } finally {
      await db.drop();
    }
  });

  it('rolls back a failing migration and reports the file and the SQL error', async () => {
    const db = await createTestDatabase({ empty: true });
    try {
      const dir = await migrationsDir({
        '0001_widgets': 'CREATE TABLE widgets (id int PRIMARY KEY);',
        '0002_broken': 'CREATE TABLE gadgets (id int PRIMARY KEY);\nINSERT INTO widgets VALUES (1);\nSELECT missing_column FROM widgets;',
        '0003_never': 'CREATE TABLE never_reached (id int);',
      });
      const error = await migrate({ connectionString: db.urls.migration, migrationsDir: dir }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as MigrationError).migration).toBe('0002_broken');
      expect((error as Error).message).toMatch(/0002_broken\/migration\.sql failed and was rolled back/);
      expect((error as Error).message).toMatch(/column "missing_column" does not exist \(SQLSTATE 42703\) at line 3/);

      expect(await tableExists(db.urls.migration, 'widgets')).toBe(true);
      expect(await tableExists(db.urls.migration, 'gadgets')).toBe(false);
      expect(await tableExists(db.urls.migration, 'never_reached')).toBe(false);
      expect(await query(db.urls.migration, 'SELECT * FROM widgets')).toEqual([]);
      const names = await query<{ migration_name: string }>(db.urls.migration, 'SELECT migration_name FROM _prisma_migrations');
      expect(names.map((r) => r.migration_name)).toEqual(['0001_widgets']);
    } finally {
      await db.drop();
    }
  });

  it('serializes concurrent runners with a lock so each migration is applied once', async () => {
    const db = await createTestDatabase({ empty: true });
    try {
      // pg_sleep makes the first runner hold the lock long enough for the others to queue behind it.
      const dir = await migrationsDir({
        '0001_slow': 'SELECT pg_sleep(0.3); CREATE TABLE widgets (id int PRIMARY KEY);',
        '0002_more': 'CREATE TABLE gadgets (id int PRIMARY KEY);',
      });
      const results = await Promise.all([1, 2, 3].map(() => migrate({ connectionString: db.urls.migration, migrationsDir: dir })));
      expect(results.map((r) => r.applied.length).sort()).toEqual([0, 0, 2]);
      const rows = await query<{ migration_name: string }>(
        db.urls.migration,
        'SELECT migration_name FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows.map((r) => r.migration_name)).toEqual(['0001_slow', '0002_more']);
    } finally {
      await db.drop();
    }
  });

  it('changes nothing on a dry run', async () => {
    const db = await createTestDatabase({ empty: true });
    try {
      const dir = await migrationsDir({ '0001_widgets': 'CREATE TABLE widgets (id int PRIMARY KEY);' });
      const lines: string[] = [];
      const result = await migrate({ connectionString: db.urls.migration, migrationsDir: dir, dryRun: true, log: (l) => lines.push(l) });
      expect(result.pending).toEqual(['0001_widgets']);
      expect(lines).toEqual(['would apply 0001_widgets']);
      expect(await tableExists(db.urls.migration, 'widgets')).toBe(false);
      expect(await tableExists(db.urls.migration, '_prisma_migrations')).toBe(false);

      await migrate({ connectionString: db.urls.migration, migrationsDir: dir });
      await mkdir(path.join(dir, '0002_gadgets'));
      await writeFile(path.join(dir, '0002_gadgets', 'migration.sql'), 'CREATE TABLE gadgets (id int);');
      const dry = await migrate({ connectionString: db.urls.migration, migrationsDir: dir, dryRun: true });
      expect(dry).toEqual({ applied: [], pending: ['0002_gadgets'], alreadyApplied: ['0001_widgets'] });
      expect(await tableExists(db.urls.migration, 'gadgets')).toBe(false);
    } finally {
      await db.drop();
    }
  });
});

// A tenant schema holds the placed tables only: there the runner applies each migration's
// `-- bulkhead:placed` sections alone (docs/migrations.md). The runner over every placement is
// tested in scripts/db/placements.test.ts.
describe('placed sections', () => {
  const file = [
    'CREATE TABLE control_only (id int);', // 1
    '-- bulkhead:placed begin', //            2
    'ALTER TABLE widgets ADD COLUMN colour "Colour";', // 3
    '-- bulkhead:placed end', //              4
    'CREATE INDEX control_only_idx ON control_only (id);', // 5
    '  --   bulkhead:placed   begin  ', //    6: spacing is free
    'CREATE INDEX widgets_colour_idx ON widgets (colour);', // 7
    '-- bulkhead:placed end', //              8
  ].join('\n');

  it('keeps only the placed sections, each at its own line of the file', () => {
    expect(placedSqlOf('0002_colour', file)?.split('\n')).toEqual([
      '',
      '',
      'ALTER TABLE widgets ADD COLUMN colour "Colour";',
      '',
      '',
      '',
      'CREATE INDEX widgets_colour_idx ON widgets (colour);',
      '',
    ]);
    expect(placedSqlOf('0001_none', 'CREATE TABLE widgets (id int);')).toBeNull();
    expect(placedSqlOf('0001_empty', '-- bulkhead:placed begin\n-- nothing yet\n-- bulkhead:placed end')).toBeNull();
  });

  it('refuses a misplaced marker, naming the file and the line', () => {
    expect(() => placedSqlOf('0003_x', 'SELECT 1;\n-- bulkhead:placed end')).toThrow(
      '0003_x/migration.sql, line 2: misplaced bulkhead:placed marker: no section is open.',
    );
    expect(() => placedSqlOf('0003_x', '-- bulkhead:placed begin\n-- bulkhead:placed begin')).toThrow(
      'line 2: misplaced bulkhead:placed marker: a section opened at line 1 is not closed yet.',
    );
    expect(() => placedSqlOf('0003_x', 'SELECT 1;\n-- bulkhead:placed begin\nSELECT 2;')).toThrow(
      'line 2: misplaced bulkhead:placed marker: the section is never closed (-- bulkhead:placed end).',
    );
  });

  it('applies only the placed sections in a tenant schema, with public after it on the search_path', async () => {
    const db = await createTestDatabase({ empty: true });
    const url = db.urls.migration;
    try {
      const dir = await migrationsDir({
        '0001_widgets': `CREATE TYPE "Colour" AS ENUM ('red', 'blue');\nCREATE TABLE widgets (id int PRIMARY KEY);`,
      });
      await migrate({ connectionString: url, migrationsDir: dir });
      await createTenantSchema({ connectionString: url, schema: 't_shop', tables: ['widgets'] });
      await mkdir(path.join(dir, '0002_colour'));
      await writeFile(path.join(dir, '0002_colour', 'migration.sql'), file);
      await migrate({ connectionString: url, migrationsDir: dir });

      const lines: string[] = [];
      const result = await migrate({
        connectionString: url,
        migrationsDir: dir,
        schema: 't_shop',
        apply: 'placed-sections',
        log: (l) => lines.push(l),
      });
      expect(result).toEqual({ applied: ['0002_colour'], pending: [], alreadyApplied: ['0001_widgets'] });
      expect(lines).toEqual(['applied 0002_colour (placed sections)']);
      const columns = await query<{ schema: string; type: string }>(
        url,
        `SELECT table_schema AS schema, udt_schema || '.' || udt_name AS type FROM information_schema.columns WHERE column_name = 'colour' ORDER BY 1`,
      );
      expect(columns).toEqual([
        { schema: 'public', type: 'public.Colour' },
        { schema: 't_shop', type: 'public.Colour' },
      ]);
      expect(await tableExists(url, 't_shop.control_only')).toBe(false);
      expect(await tableExists(url, 't_shop.widgets_colour_idx')).toBe(true);
      const ledger = await query<{ migration_name: string; checksum: string }>(
        url,
        'SELECT migration_name, checksum FROM t_shop._prisma_migrations ORDER BY 1',
      );
      expect(ledger.map((row) => row.migration_name)).toEqual(['0001_widgets', '0002_colour']);
      expect(ledger[1]!.checksum).toBe(checksumOf(file));

      // An error in a section points at the file's own line.
      await mkdir(path.join(dir, '0003_typo'));
      await writeFile(
        path.join(dir, '0003_typo', 'migration.sql'),
        'SELECT 1;\n\n-- bulkhead:placed begin\nSELECT 2;\nSELEC 3;\n-- bulkhead:placed end\n',
      );
      const error = await migrate({ connectionString: url, migrationsDir: dir, schema: 't_shop', apply: 'placed-sections' }).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toMatch(
        /^Migration 0003_typo\/migration\.sql \(placed sections, in schema t_shop\) failed and was rolled back: syntax error at or near "SELEC" \(SQLSTATE 42601\) at line 5$/,
      );

      // A schema that does not exist is refused: its placed tables would resolve to public's.
      await expect(migrate({ connectionString: url, migrationsDir: dir, schema: 't_gone', apply: 'placed-sections' })).rejects.toThrow(
        'Schema "t_gone" does not exist: nothing of it was migrated.',
      );
    } finally {
      await db.drop();
    }
  });
});
