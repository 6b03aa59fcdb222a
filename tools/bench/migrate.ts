import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

import {
  DEFAULT_MIGRATIONS_DIR,
  dropDatabase,
  dropRoles,
  migrate,
  provisionDatabase,
  type PlacementOutcome,
} from '@bulkhead/tenancy/admin';
import { acquireServer, type AcquiredServer } from '@bulkhead/tenancy/server';

import { databaseNameFor, placeInDatabase, placeInSchema, schemaNameFor, withClient, type DatabaseTarget } from '../../lib/db/tiers';
import { migrateEveryPlacement, statusOfEveryPlacement, type ControlPlaneUrls, type DatabaseTargets } from '../../scripts/db/placements';
import { describeMachine } from './environment';
import { ms, seconds, table } from './report';

// Migrations over every placement at scale (issue 15): what `npm run db:migrate` costs with 1,000
// tenant schemas and 20 tenant databases. Not part of CI; figures in docs/migrations.md.
//
//   npm run bench:migrate
//
// 1. A control plane on one server (BOOTSTRAP_DATABASE_URL, or an embedded PostgreSQL), tenant
//    databases on a second (BOOTSTRAP_DEDICATED_DATABASE_URL, or an embedded one). Tenants are
//    created shared with three customers and orders each, then placed with the operator's own
//    functions (lib/db/tiers.ts): MIGRATE_SCHEMAS in schemas, MIGRATE_DATABASES in databases
//    (copied from a migrated template on the second server, as the tests do).
// 2. For each concurrency of MIGRATE_CONCURRENCIES, the runner db:migrate runs
//    (scripts/db/placements.ts → the kit's migratePlacements()), timed per placement and in total:
//      a. a no-op: every placement up to date;
//      b. one new migration with a placed section — a column and an index on orders — applied to
//         the control plane, every schema and every database (a new migration for each run, so
//         each run applies exactly one).
//    Then `db:status` once over everything, with the definition comparison of every schema.
// 3. Every run must succeed and leave every placement migrated (the exit code is 1 otherwise);
//    everything made here is dropped at the end, failed or interrupted.
//
// MIGRATE_SCHEMAS, MIGRATE_DATABASES, MIGRATE_CONCURRENCIES (e.g. "1,4,8") and MIGRATE_PARALLEL
// (placements created at once) change the sizes; a smoke run: MIGRATE_SCHEMAS=20 MIGRATE_DATABASES=2.

const int = (name: string, fallback: number) => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number (got "${value}").`);
  return parsed;
};

const SETTINGS = {
  schemas: int('MIGRATE_SCHEMAS', 1000),
  databases: int('MIGRATE_DATABASES', 20),
  concurrencies: (process.env.MIGRATE_CONCURRENCIES ?? '1,4,8').split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n < 1) throw new Error(`MIGRATE_CONCURRENCIES must list whole numbers (got "${part}").`);
    return n;
  }),
  parallel: Math.max(1, int('MIGRATE_PARALLEL', 3)),
};

const ROWS_PER_TENANT = 3;
const TARGET = 'dedicated';
const log = (line: string) => console.log(`[migrate] ${line}`);

interface Quantiles {
  count: number;
  median: number;
  p95: number;
  max: number;
}

function quantiles(values: number[]): Quantiles {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]! : Number.NaN);
  return { count: sorted.length, median: at(0.5), p95: at(0.95), max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN };
}

interface RunFigures {
  what: 'no-op' | 'one new migration';
  concurrency: number;
  totalMs: number;
  controlPlaneMs: number;
  schema: Quantiles;
  database: Quantiles;
  /** Placements in the parallel phase per second of it. */
  placementsPerSecond: number;
}

function figuresOf(what: RunFigures['what'], concurrency: number, totalMs: number, outcomes: PlacementOutcome[]): RunFigures {
  const of = (tier: 'schema' | 'database') => outcomes.filter((o) => o.target?.placement.tier === tier).map((o) => o.ms);
  const tenants = outcomes.filter((o) => o.target);
  const controlPlaneMs = outcomes.find((o) => !o.target)!.ms;
  return {
    what,
    concurrency,
    totalMs,
    controlPlaneMs,
    schema: quantiles(of('schema')),
    database: quantiles(of('database')),
    placementsPerSecond: tenants.length / ((totalMs - controlPlaneMs) / 1000),
  };
}

/** Shared tenants with three customers and orders each, set-based (ops role). */
async function seedTenants(opsUrl: string, slugs: string[]): Promise<Map<string, string>> {
  return withClient(opsUrl, async (db) => {
    await db.query('BEGIN');
    const { rows } = await db.query<{ id: string; slug: string }>(
      `INSERT INTO tenants (slug, name, plan) SELECT s, 'Migrate ' || s, 'enterprise' FROM unnest($1::text[]) AS s RETURNING id, slug`,
      [slugs],
    );
    await db.query(
      `INSERT INTO customers (tenant_id, name, email, notes)
       SELECT t.id, 'Customer ' || i, 'c' || i || '@' || t.slug || '.test', 'MIGRATE-' || t.slug
         FROM tenants t CROSS JOIN generate_series(1, $2::int) AS i WHERE t.slug = ANY($1)`,
      [slugs, ROWS_PER_TENANT],
    );
    await db.query(
      `INSERT INTO orders (tenant_id, number, customer_id, currency, subtotal, total, notes)
       SELECT c.tenant_id, 1000 + row_number() OVER (PARTITION BY c.tenant_id ORDER BY c.email), c.id, 'USD', 1000, 1000, c.notes
         FROM customers c JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = ANY($1)`,
      [slugs],
    );
    await db.query('COMMIT');
    return new Map(rows.map((row) => [row.slug, row.id]));
  });
}

/** Runs `work` over `items`, `parallel` at a time. */
async function inParallel<T>(items: readonly T[], parallel: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) await work(items[next++]!);
    }),
  );
}

async function serverVersion(url: string): Promise<string> {
  return withClient(url, async (db) => (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version);
}

/** The 1-minute load average: on a shared machine, other work competes for the cores. */
const loadAverage = () => os.loadavg()[0]!.toFixed(1);

async function main(): Promise<void> {
  const runStarted = performance.now();
  const loadAtStart = loadAverage();
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    log(`${ok ? 'ok ' : 'FAILED'}  ${what}`);
    if (!ok) problems.push(what);
  };
  log(`${SETTINGS.schemas} schema tenants, ${SETTINGS.databases} database tenants; concurrency ${SETTINGS.concurrencies.join(', ')}.`);

  const servers: AcquiredServer[] = [];
  const prefix = `bulkhead_mig_${randomBytes(3).toString('hex')}`;
  const migrationsDir = await mkdtemp(path.join(os.tmpdir(), 'bulkhead-bench-migrations-'));
  let cleaned: Promise<void> | undefined;
  // Everything this run made, on every server that is not ours to throw away; embedded ones go whole.
  const cleanup = () =>
    (cleaned ??= (async () => {
      for (const url of new Set(servers.filter((s) => s.shared).map((s) => s.bootstrapUrl))) {
        try {
          const names = await withClient(url, async (db) =>
            (await db.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix])).rows.map(
              (r) => r.datname,
            ),
          );
          for (const name of names) await dropDatabase(url, name);
          await dropRoles(url, prefix);
        } catch (error) {
          log(`Cleanup on ${new URL(url).host} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      for (const server of servers) await server.release().catch(() => {});
      await rm(migrationsDir, { recursive: true, force: true });
      log(`Cleaned up (${prefix}*).`);
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up.`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const control = await acquireServer();
    servers.push(control);
    const dedicatedServer = await acquireServer('BOOTSTRAP_DEDICATED_DATABASE_URL');
    servers.push(dedicatedServer);
    const describe = (server: AcquiredServer) => (server.shared ? new URL(server.bootstrapUrl).host : 'embedded, fsync off');
    const versions = { control: await serverVersion(control.bootstrapUrl), dedicated: await serverVersion(dedicatedServer.bootstrapUrl) };

    // ── the control plane, its tenants and their placements ──
    let started = performance.now();
    const { urls: controlUrls } = await provisionDatabase({ bootstrapUrl: control.bootstrapUrl, database: prefix, rolePrefix: prefix });
    await migrate({ connectionString: controlUrls.migration });
    const urls: ControlPlaneUrls = { migration: controlUrls.migration, ops: controlUrls.ops };
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const schemaSlugs = Array.from({ length: SETTINGS.schemas }, (_, i) => `sc-${pad(i + 1, 4)}`);
    const databaseSlugs = Array.from({ length: SETTINGS.databases }, (_, i) => `db-${pad(i + 1, 2)}`);
    const ids = await seedTenants(urls.ops, [...schemaSlugs, ...databaseSlugs]);
    log(`Control plane ${prefix} created, migrated and seeded in ${seconds(performance.now() - started)}.`);

    started = performance.now();
    let placed = 0;
    await inParallel(schemaSlugs, SETTINGS.parallel, async (slug) => {
      await placeInSchema(urls, ids.get(slug)!, schemaNameFor(slug));
      if (++placed % 100 === 0) log(`  ${placed}/${SETTINGS.schemas} schemas (${seconds(performance.now() - started)})`);
    });
    log(`${SETTINGS.schemas} schema tenants placed in ${seconds(performance.now() - started)}.`);

    started = performance.now();
    const template = `${prefix}_template`;
    const created = await provisionDatabase({ bootstrapUrl: dedicatedServer.bootstrapUrl, database: template, rolePrefix: prefix });
    await migrate({ connectionString: created.urls.migration });
    const target: DatabaseTarget = { name: TARGET, bootstrapUrl: dedicatedServer.bootstrapUrl };
    for (const slug of databaseSlugs) {
      await placeInDatabase(urls, ids.get(slug)!, { target, database: databaseNameFor(prefix, slug), rolePrefix: prefix, template });
    }
    log(`${SETTINGS.databases} database tenants placed in ${seconds(performance.now() - started)}.`);
    const targets: DatabaseTargets = { [TARGET]: dedicatedServer.bootstrapUrl };
    const placements = 1 + SETTINGS.schemas + SETTINGS.databases;

    // ── the runs ──
    await cp(DEFAULT_MIGRATIONS_DIR, migrationsDir, { recursive: true });
    const runs: RunFigures[] = [];
    const runOnce = async (what: RunFigures['what'], concurrency: number) => {
      const t0 = performance.now();
      const result = await migrateEveryPlacement(urls, { targets, concurrency, migrationsDir });
      const totalMs = performance.now() - t0;
      const expected = what === 'no-op' ? 'up-to-date' : 'migrated';
      const wrong = result.outcomes.filter((o) => o.state !== expected || o.applied.length !== (what === 'no-op' ? 0 : 1));
      check(
        result.ok && result.outcomes.length === placements && wrong.length === 0,
        `${what} at concurrency ${concurrency}: ${result.outcomes.length} placements, ${wrong.length} not ${expected}` +
          (wrong[0] ? ` (first: ${wrong[0].target?.tenant ?? 'control plane'} ${wrong[0].state} ${wrong[0].failure?.message ?? ''})` : ''),
      );
      const figures = figuresOf(what, concurrency, totalMs, result.outcomes);
      runs.push(figures);
      log(
        `${what}, concurrency ${concurrency}: ${seconds(totalMs)}; per schema ${ms(figures.schema.median)} ms (p95 ${ms(figures.schema.p95)}), ` +
          `per database ${ms(figures.database.median)} ms (p95 ${ms(figures.database.p95)}).`,
      );
    };
    for (const concurrency of SETTINGS.concurrencies) {
      await runOnce('no-op', concurrency);
      const name = `20991231${pad(concurrency, 6)}_bench_order_note_c${concurrency}`;
      const column = `bench_note_c${concurrency}`;
      await mkdir(path.join(migrationsDir, name));
      await writeFile(
        path.join(migrationsDir, name, 'migration.sql'),
        `-- bulkhead:placed begin\nALTER TABLE orders ADD COLUMN ${column} text;\n` +
          `CREATE INDEX orders_${column}_idx ON orders (tenant_id, ${column});\n-- bulkhead:placed end\n`,
      );
      await runOnce('one new migration', concurrency);
    }

    started = performance.now();
    const { statuses } = await statusOfEveryPlacement(urls, { targets, migrationsDir });
    const statusMs = performance.now() - started;
    const unready = statuses.filter((s) => s.pending.length > 0 || s.drift.length > 0);
    check(
      statuses.length === placements && unready.length === 0,
      `db:status: ${statuses.length} placements read in ${seconds(statusMs)}, ${unready.length} pending or drifted` +
        (unready[0]
          ? ` (first: ${unready[0].target?.tenant ?? 'control plane'}: ${[...unready[0].pending, ...unready[0].drift].join('; ')})`
          : ''),
    );
    const indexed = await withClient(urls.migration, async (db) => {
      const { rows } = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_indexes WHERE indexname LIKE 'orders_bench_note_c%'`,
      );
      return rows[0]!.n;
    });
    check(
      indexed === (1 + SETTINGS.schemas) * SETTINGS.concurrencies.length,
      `the new indexes exist in public and every schema of the control plane: ${indexed}`,
    );

    // ── the report ──
    const machine = describeMachine();
    console.log('');
    console.log(
      `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(0)} GiB, Node ${machine.node}; ` +
        `control plane PostgreSQL ${versions.control} (${describe(control)}), tenant databases PostgreSQL ${versions.dedicated} ` +
        `(${describe(dedicatedServer)}). ${SETTINGS.schemas} tenant schemas and ${SETTINGS.databases} tenant databases; ` +
        `${ROWS_PER_TENANT} orders per tenant. Load average at the start ${loadAtStart}, at the end ${loadAverage()}.`,
    );
    console.log('');
    const q = (figures: Quantiles) => (figures.count ? `${ms(figures.median)} / ${ms(figures.p95)} ms` : 'n/a');
    console.log(
      table(
        ['run', 'concurrency', 'total', 'control plane', 'per schema: median / p95', 'per database: median / p95', 'placements/s'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
        runs.map((run) => [
          run.what,
          String(run.concurrency),
          seconds(run.totalMs),
          `${ms(run.controlPlaneMs)} ms`,
          q(run.schema),
          q(run.database),
          run.placementsPerSecond.toFixed(0),
        ]),
      ),
    );
    console.log('');
    console.log(`db:status over ${statuses.length} placements (ledgers and every schema's definition): ${seconds(statusMs)}.`);
    log(`Wall time ${seconds(performance.now() - runStarted)} before cleanup.`);
  } finally {
    await cleanup();
  }
  if (problems.length) {
    log(`${problems.length} check(s) failed.`);
    process.exitCode = 1;
  } else {
    log('All checks passed.');
  }
}

await main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
