import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { dropDatabase, dropRoles, migrate, provisionDatabase } from '@bulkhead/tenancy/admin';
import { acquireServer } from '@bulkhead/tenancy/server';
import pg from 'pg';

import { readConfig } from './config';
import { checkRole, describeMachine, describeServer, describeSource, packageVersions } from './environment';
import { runFairness, seedFairnessTenants } from './fairness';
import { runManyTenants } from './many-tenants';
import { keepSections, renderConsole, renderMarkdown, seconds, type BenchReport } from './report';
import { loadSample, planDataset, seedDataset } from './seed';
import { runWarmSection } from './warm';

// `npm run bench`: what tenant isolation costs. A throw-away database on a throw-away server (or
// BOOTSTRAP_DATABASE_URL), a million orders across ten thousand tenants of very different sizes
// (and two more tenants for the fairness section), then three sections:
//
//   warm      the same two queries through every stack — raw pg to Bulkhead's tenant client — on
//             the 1,000 largest tenants, as ratios against unscoped Prisma timed beside them;
//   many      1,000 and 10,000 tenants from a cold start, a fresh process each, uniform and Zipf
//             access, beside unscoped Prisma: throughput, latency, heap and RSS;
//   fairness  one tenant's primary-key lookups while another runs 16 revenue reports, through the
//             app's own factory at its default settings.
//
// Everything it starts, it stops. docs/benchmarks.md is written from this one run.

const log = (line: string) => console.log(`[bench] ${line}`);

async function main(): Promise<void> {
  const runStarted = performance.now();
  const startedAt = new Date();
  const config = readConfig();
  const source = describeSource();
  log(
    `${config.tenants.toLocaleString('en-US')} tenants, ${config.orders.toLocaleString('en-US')} ` +
      `orders; sections ${config.sections.join(', ')}; ` +
      `${config.secondsPerRound} s windows, ${config.rounds} runs per cell (${config.targetRuns} per target cell).`,
  );
  if (source.uncommitted.length) log(`Measuring commit ${source.commit} with uncommitted changes to ${source.uncommitted.join(', ')}.`);

  const server = await acquireServer();
  const database = `bulkhead_bench_${randomBytes(3).toString('hex')}`;
  let provisioned = false;
  try {
    log(server.shared ? 'Using BOOTSTRAP_DATABASE_URL.' : 'Started a throw-away embedded PostgreSQL (fsync off).');
    const { urls } = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database, rolePrefix: database });
    provisioned = true;
    await migrate({ connectionString: urls.migration });

    // The fairness tenants first: the dataset's VACUUM (ANALYZE) then covers their tables too.
    const fairnessData = config.sections.includes('fairness')
      ? await seedFairnessTenants(urls.ops, config.fairness.noisyOrders, log)
      : undefined;
    const plan = planDataset(config.tenants, config.orders);
    log('Seeding…');
    const seedTimings = await seedDataset(plan, { ops: urls.ops, owner: urls.migration }, log);
    log(`Seeded in ${seconds(seedTimings.totalMs)}.`);
    await checkpoint(server.bootstrapUrl);

    const serverInfo = await describeServer(urls.ops);
    const roles = { app: await checkRole(urls.app), ops: await checkRole(urls.ops) };
    assertRolesAreWhatTheyClaim(roles);
    const postmaster = serverInfo.postmasterPid;
    const variantOptions = { urls, poolSize: config.poolSize };

    const warm = config.sections.includes('warm')
      ? await runWarmSection(
          {
            config,
            postmaster,
            variantOptions,
            tenants: await loadSample(urls.ops, { idsPerTenant: config.idSamplePerTenant, tenants: config.warmTenants }),
          },
          log,
        )
      : undefined;
    const many = config.sections.includes('many')
      ? await runManyTenants(
          {
            config,
            postmaster,
            variantOptions,
            tenants: await loadSample(urls.ops, { idsPerTenant: config.manyIdSamplePerTenant, tenants: Math.max(...config.manyTenants) }),
          },
          log,
        )
      : undefined;
    const fairness = fairnessData
      ? await runFairness(
          {
            config,
            dataset: fairnessData,
            postmaster,
            monitorUrl: server.bootstrapUrl,
            database,
            appRole: roles.app.user,
            appUrl: urls.app,
          },
          log,
        )
      : undefined;

    const report: BenchReport = {
      startedAt,
      config,
      machine: describeMachine(),
      server: { ...serverInfo, embedded: !server.shared, cpuMeasured: serverInfo.postmasterPid !== undefined },
      versions: await packageVersions(),
      source,
      roles,
      dataset: { plan, seedTimings },
      warm,
      many,
      fairness,
      wallTimeMs: performance.now() - runStarted,
    };
    console.log(renderConsole(report));
    if (config.reportPath) {
      const file = path.resolve(config.reportPath);
      await mkdir(path.dirname(file), { recursive: true });
      // Sections other benchmarks keep in this file (bench:report's summary) survive the rewrite.
      const previous = existsSync(file) ? await readFile(file, 'utf8') : '';
      await writeFile(file, keepSections(previous, renderMarkdown(report)));
      log(`Wrote ${path.relative(process.cwd(), file)}.`);
    } else {
      log('Smoke run (below the documented size, or only some sections): no report written (set BENCH_OUTPUT=<file> to write one).');
    }
  } finally {
    if (server.shared && provisioned) {
      await dropDatabase(server.bootstrapUrl, database);
      await dropRoles(server.bootstrapUrl, database);
    }
    await server.release();
    log(`Done in ${seconds(performance.now() - runStarted)} (wall time, including seeding and teardown).`);
  }
}

/** Writes the bulk load out before timing, so the checkpointer does not share the timed windows. */
async function checkpoint(bootstrapUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: bootstrapUrl });
  await client.connect();
  try {
    await client.query('CHECKPOINT');
  } catch (error) {
    log(`CHECKPOINT refused (${error instanceof Error ? error.message : String(error)}); carrying on.`);
  } finally {
    await client.end();
  }
}

/** A scoped figure measured through a role that bypasses RLS would be a figure about nothing. */
function assertRolesAreWhatTheyClaim(roles: BenchReport['roles']): void {
  if (roles.app.bypassesRls || roles.app.isSuperuser || roles.app.ordersVisibleWithoutTenant !== 0) {
    throw new Error(
      `The runtime role ${roles.app.user} is not restricted (bypassrls=${roles.app.bypassesRls}, ` +
        `sees ${roles.app.ordersVisibleWithoutTenant} orders without a tenant).`,
    );
  }
  if (!roles.ops.bypassesRls)
    throw new Error(`The ops role ${roles.ops.user} does not bypass RLS; the unscoped baselines would be filtered.`);
}

main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
