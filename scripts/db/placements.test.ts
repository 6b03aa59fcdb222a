import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { checksumOf, DEFAULT_MIGRATIONS_DIR, readMigrations } from '@bulkhead/tenancy/admin';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { placeInDatabase, placeInSchema } from '@/lib/db/tiers';
import { dedicatedServer, setupTestDatabase } from '@/test/db';
import { seedTenant, withClient } from '@/test/fixtures';

import {
  migrateEveryPlacement,
  reportStatus,
  statusOfEveryPlacement,
  summarizeMigration,
  tenantDatabaseUrl,
  type DatabaseTargets,
} from './placements';

// `npm run db:migrate` and `npm run db:status` over every placement (docs/migrations.md): the
// control plane, four tenant schemas and a tenant database on a second server, with two new
// migrations — one with a placed section (a column and an index on orders) and a control-plane one
// without. The control-plane statements would hit public.tenants if a schema ever ran them (its
// search_path ends with public), so a runner that ran whole files in a schema fails these tests.

const run = promisify(execFile);
const database = setupTestDatabase();
const second = dedicatedServer();

const NOTES = '20991231000100_order_delivery_notes';
const MOTTO = '20991231000200_tenant_motto';
const NOTES_SQL = `-- A control-plane change: tenant schemas have no tenants table.
ALTER TABLE tenants ADD COLUMN migration_probe text;

-- bulkhead:placed begin
ALTER TABLE orders ADD COLUMN delivery_note text;
CREATE INDEX orders_delivery_note_idx ON orders (tenant_id, delivery_note);
-- bulkhead:placed end
`;
const MOTTO_SQL = 'ALTER TABLE tenants ADD COLUMN motto text;\n';

const SCHEMAS = ['t_alpha', 't_bravo', 't_charlie', 't_delta'] as const;
let dedicatedDatabase: string;
let migrationsDir: string;
let targets: DatabaseTargets;

const urls = () => database.current.urls;
/** The owner's URLs: the ledgers are the owner's alone. */
const owner = () => urls().migration;
const dedicatedOwner = () => tenantDatabaseUrl(owner(), targets, second.target.name, dedicatedDatabase);
const migrateAll = (options: { dryRun?: boolean; concurrency?: number; log?: (line: string) => void } = {}) =>
  migrateEveryPlacement(urls(), { targets, migrationsDir, ...options });

interface PlacedState {
  /** The new migrations its ledger records. */
  ledger: { migration_name: string; checksum: string }[];
  /** orders.delivery_note and its index: the placed section. */
  placed: boolean;
  /** tenants.motto: the control-plane migration (no tenants table in a tenant schema). */
  motto: boolean;
}

/** Every placement's state, keyed `public`, `t_alpha` … and `echo` (the tenant database): two connections. */
async function states(): Promise<Record<string, PlacedState>> {
  const read = (url: string, schemas: string[]) =>
    withClient(url, async (db) => {
      const found: [string, PlacedState][] = [];
      for (const schema of schemas) {
        const ledger = await db.query<{ migration_name: string; checksum: string }>(
          `SELECT migration_name, checksum FROM "${schema}"._prisma_migrations WHERE migration_name LIKE '2099%' ORDER BY 1`,
        );
        const { rows } = await db.query<{ placed: boolean; motto: boolean }>(
          `SELECT to_regclass($1) IS NOT NULL AND EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($2) AND attname = 'delivery_note') AS placed,
                  EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = to_regclass($3) AND attname = 'motto') AS motto`,
          [`"${schema}".orders_delivery_note_idx`, `"${schema}".orders`, `"${schema}".tenants`],
        );
        found.push([schema, { ledger: ledger.rows, ...rows[0]! }]);
      }
      return found;
    });
  const [control, dedicated] = await Promise.all([read(owner(), ['public', ...SCHEMAS]), read(dedicatedOwner(), ['public'])]);
  return Object.fromEntries([...control, ['echo', dedicated[0]![1]]]);
}

const untouched: PlacedState = { ledger: [], placed: false, motto: false };

const sql = (url: string, statement: string) => withClient(url, (db) => db.query(statement));

beforeAll(async () => {
  migrationsDir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-placements-'));
  await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
  for (const [name, text] of [
    [NOTES, NOTES_SQL],
    [MOTTO, MOTTO_SQL],
  ] as const) {
    await mkdir(path.join(migrationsDir, name));
    await writeFile(path.join(migrationsDir, name, 'migration.sql'), text);
  }
  targets = { [second.target.name]: second.target.bootstrapUrl };
  await seedTenant(urls().ops, 'foxtrot', 1); // stays shared
  for (const schema of SCHEMAS) {
    const tenant = await seedTenant(urls().ops, schema.slice(2), 1);
    await placeInSchema(urls(), tenant.id, schema);
  }
  const echo = await seedTenant(urls().ops, 'echo', 1);
  dedicatedDatabase = second.newName();
  await placeInDatabase(urls(), echo.id, {
    target: second.target,
    database: dedicatedDatabase,
    rolePrefix: second.rolePrefix,
    template: second.template,
  });
});
afterAll(async () => {
  if (migrationsDir) await rm(migrationsDir, { recursive: true, force: true });
});

const labels = (result: Awaited<ReturnType<typeof migrateAll>>) =>
  result.outcomes.map((o) => [o.target?.tenant ?? 'control plane', o.state, o.applied.length]);

describe('npm run db:migrate over every placement', () => {
  it('a dry run lists what each placement would apply, and changes nothing', async () => {
    const lines: string[] = [];
    const result = await migrateAll({ dryRun: true, log: (line) => lines.push(line) });
    expect(result.ok).toBe(true);
    expect(result.outcomes.map((o) => [o.target?.tenant ?? 'control plane', o.state, o.pending])).toEqual(
      ['control plane', 'alpha', 'bravo', 'charlie', 'delta', 'echo'].map((who) => [who, 'pending', [NOTES, MOTTO]]),
    );
    expect(lines).toContain(`the control plane (public): would apply ${NOTES}`);
    expect(lines).toContain(`tenant alpha (schema t_alpha): would apply ${NOTES} (placed sections)`);
    expect(lines).toContain(`tenant alpha (schema t_alpha): would record ${MOTTO} (no placed section)`);
    expect(lines).toContain(`tenant echo (database ${dedicatedDatabase} on second): would apply ${MOTTO}`);
    expect(summarizeMigration(result, { dryRun: true, ms: 0 })[0]).toBe('6 placements of 6 would be migrated (dry run: nothing changed).');

    expect(Object.values(await states())).toEqual(Array.from({ length: 6 }, () => untouched));
  });

  it('db:status shows the new migrations pending in every placement', async () => {
    const { shared, statuses } = await statusOfEveryPlacement(urls(), { targets, migrationsDir });
    expect(shared).toBe(1);
    expect(statuses.map((s) => [s.target?.tenant ?? 'control plane', s.pending, s.drift])).toEqual(
      ['control plane', 'alpha', 'bravo', 'charlie', 'delta', 'echo'].map((who) => [who, [NOTES, MOTTO], []]),
    );
    // Every placement at the repository's own latest migration, the two new ones pending.
    const latest = (await readMigrations(DEFAULT_MIGRATIONS_DIR)).at(-1)!.name;
    expect(statuses.map((s) => s.version)).toEqual(statuses.map(() => latest));
    const report = reportStatus(shared, statuses);
    expect(report.ready).toBe(false);
    expect(report.lines.at(-1)).toBe('NOT READY: 6 placements with migrations pending, 0 placements with drift. Run `npm run db:migrate`.');
  });

  it('a failing canary stops the run before any other tenant placement is touched', async () => {
    await sql(owner(), 'ALTER TABLE t_alpha.orders ADD COLUMN delivery_note text');
    const result = await migrateAll().finally(() => sql(owner(), 'ALTER TABLE t_alpha.orders DROP COLUMN delivery_note'));
    expect(result.ok).toBe(false);
    expect(labels(result)).toEqual([
      ['control plane', 'migrated', 2],
      ['alpha', 'failed', 0],
      ['bravo', 'not-reached', 0],
      ['charlie', 'not-reached', 0],
      ['delta', 'not-reached', 0],
      ['echo', 'not-reached', 0],
    ]);
    const failed = result.outcomes[1]!;
    expect(failed.failure?.migration).toBe(NOTES);
    expect(failed.failure?.message).toMatch(/column "delivery_note" of relation "orders" already exists \(SQLSTATE 42701\)/);
    const summary = summarizeMigration(result, { ms: 0 });
    expect(summary[0]).toMatch(new RegExp(`^FAILED: tenant alpha \\(schema t_alpha\\), migration ${NOTES}: .*already exists`));
    expect(summary[1]).toBe('Kept: 1 placement migrated or up to date (nothing is rolled back). Not started: 4 placements. (0.0 s)');

    const { public: controlPlane, ...tenants } = await states();
    expect(controlPlane).toMatchObject({ ledger: [{ migration_name: NOTES }, { migration_name: MOTTO }], placed: true, motto: true });
    expect(tenants).toEqual({ t_alpha: untouched, t_bravo: untouched, t_charlie: untouched, t_delta: untouched, echo: untouched });
  });

  it('a failure names its placement; those migrated stay so, and a re-run continues to the end', async () => {
    await sql(owner(), 'ALTER TABLE t_charlie.orders ADD COLUMN delivery_note text');
    const failing = await migrateAll({ concurrency: 1 }).finally(() =>
      sql(owner(), 'ALTER TABLE t_charlie.orders DROP COLUMN delivery_note'),
    );
    expect(failing.ok).toBe(false);
    expect(labels(failing)).toEqual([
      ['control plane', 'up-to-date', 0],
      ['alpha', 'migrated', 2],
      ['bravo', 'migrated', 2],
      ['charlie', 'failed', 0],
      ['delta', 'not-reached', 0],
      // The database canary ran second, before the rest.
      ['echo', 'migrated', 2],
    ]);
    expect(summarizeMigration(failing, { ms: 0 })[0]).toMatch(
      new RegExp(
        `^FAILED: tenant charlie \\(schema t_charlie\\), migration ${NOTES}: .*placed sections, in schema t_charlie.*already exists`,
      ),
    );
    expect((await states()).t_delta).toEqual(untouched);

    const again = await migrateAll({ concurrency: 2 });
    expect(again.ok).toBe(true);
    expect(labels(again)).toEqual([
      ['control plane', 'up-to-date', 0],
      ['alpha', 'up-to-date', 0],
      ['bravo', 'up-to-date', 0],
      ['charlie', 'migrated', 2],
      ['delta', 'migrated', 2],
      ['echo', 'up-to-date', 0],
    ]);
    expect(summarizeMigration(again, { ms: 0 })).toEqual(['Migrated 2 placements of 6; the others were up to date (0.0 s).']);

    // One ledger per placement, with the files' checksums; the placed section ran everywhere, the
    // control-plane statements only where the whole file runs.
    const ledger = [
      { migration_name: NOTES, checksum: checksumOf(NOTES_SQL) },
      { migration_name: MOTTO, checksum: checksumOf(MOTTO_SQL) },
    ];
    const inSchema = { ledger, placed: true, motto: false };
    expect(await states()).toEqual({
      public: { ledger, placed: true, motto: true },
      t_alpha: inSchema,
      t_bravo: inSchema,
      t_charlie: inSchema,
      t_delta: inSchema,
      echo: { ledger, placed: true, motto: true },
    });
  });
});

describe('npm run db:status', () => {
  it('is ready when every placement is up to date', async () => {
    const { shared, statuses } = await statusOfEveryPlacement(urls(), { targets, migrationsDir });
    expect(statuses.map((s) => [s.version, s.pending.length, s.drift])).toEqual(Array.from({ length: 6 }, () => [MOTTO, 0, []]));
    const report = reportStatus(shared, statuses);
    expect(report.ready).toBe(true);
    expect(report.lines.at(-1)).toBe(`Ready: 6 placements at ${MOTTO}, nothing pending, no drift.`);
  });

  it('reports an edited migration, a ledger entry unknown on disk, an unfinished migration and a schema that differs from public', async () => {
    await sql(
      owner(),
      `INSERT INTO t_bravo._prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
       VALUES (gen_random_uuid(), repeat('0', 64), '20991231000900_from_another_branch', now(), 1);
       INSERT INTO t_delta._prisma_migrations (id, checksum, migration_name, applied_steps_count)
       VALUES (gen_random_uuid(), repeat('0', 64), '20991231000300_half_done', 0);
       CREATE INDEX orders_by_hand_idx ON t_charlie.orders (notes);
       ALTER TABLE t_alpha.orders ALTER COLUMN delivery_note SET DEFAULT 'n/a';`,
    );
    const edited = path.join(migrationsDir, MOTTO, 'migration.sql');
    await writeFile(edited, `${MOTTO_SQL}-- edited after it was applied\n`);
    try {
      const { shared, statuses } = await statusOfEveryPlacement(urls(), { targets, migrationsDir });
      const driftOf = (tenant: string | undefined) => statuses.find((s) => s.target?.tenant === tenant)!.drift;
      const editedLine = expect.stringMatching(new RegExp(`^${MOTTO} was edited after it was applied \\(checksum [0-9a-f]{12}… applied`));
      expect(driftOf(undefined)).toEqual([editedLine]);
      expect(driftOf('echo')).toEqual([editedLine]);
      expect(driftOf('bravo')).toEqual([editedLine, '20991231000900_from_another_branch is in the ledger but not on disk']);
      expect(driftOf('delta')).toEqual([editedLine, '20991231000300_half_done was started and never finished']);
      expect(driftOf('charlie')).toEqual([
        editedLine,
        "t_charlie.orders has index CREATE INDEX ON orders USING btree (notes) (not in public's)",
      ]);
      expect(driftOf('alpha')).toEqual([
        editedLine,
        "t_alpha.orders lacks public's column delivery_note text",
        "t_alpha.orders has column delivery_note text default 'n/a'::text (not in public's)",
      ]);
      const report = reportStatus(shared, statuses);
      expect(report.ready).toBe(false);
      expect(report.lines.at(-1)).toBe('NOT READY: 0 placements with migrations pending, 6 placements with drift.');

      // The command itself: the same report, and an exit code a deploy can gate on.
      const { bootstrapUrl } = second.target;
      const cli = await run(process.execPath, ['--import', 'tsx', 'scripts/db-status.ts', '--migrations', migrationsDir], {
        env: {
          NODE_ENV: 'test',
          PATH: process.env.PATH,
          MIGRATION_DATABASE_URL: urls().migration,
          OPS_DATABASE_URL: urls().ops,
          TENANT_DATABASE_TARGETS: `second=${bootstrapUrl}`,
        },
      }).then(
        () => ({ code: 0, out: '' }),
        (error: { code: number; stdout: string }) => ({ code: error.code, out: error.stdout }),
      );
      expect(cli.code).toBe(1);
      expect(cli.out).toMatch(/^tenant +tier +where +version +pending +drift$/m);
      expect(cli.out).toMatch(new RegExp(`^echo +database +${dedicatedDatabase} on second +${MOTTO} +0 +1 DRIFT$`, 'm'));
      expect(cli.out).toContain('NOT READY: 0 placements with migrations pending, 6 placements with drift.');
    } finally {
      await writeFile(edited, MOTTO_SQL);
    }
  });
});
