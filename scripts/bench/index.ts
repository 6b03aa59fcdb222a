import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { keepSections } from './sections';
import path from 'node:path';
import { migrate } from '../../lib/db/migrate';
import { dropDatabase, dropRoles, provisionDatabase } from '../../lib/db/provision';
import { acquireServer } from '../db/server';
import { readConfig, type BenchConfig } from './config';
import { collectGarbage, settledHeapMb } from './heap';
import { checkRole, describeMachine, describeServer, packageVersions } from './environment';
import { CellAccumulator, runQuietWindow, runWindow, type CellSummary, type QuietBudget } from './measure';
import { renderConsole, renderMarkdown, TARGET, type BenchReport, type CellReport, type VariantFigure, type VariantSetup } from './report';
import { loadSample, planDataset, seedDataset, type SampledTenant } from './seed';
import { createVariant, VARIANTS, type Variant, type VariantKey, type VariantOptions } from './variants';
import { TenantPicker, WORKLOADS, type WorkloadKey } from './workload';

// `npm run bench`: what tenant isolation costs. A throw-away database on a throw-away server (or
// BOOTSTRAP_DATABASE_URL), a million orders across a thousand tenants of very different sizes, then
// the same two queries through each stack — from raw pg to Bulkhead's tenant client — reported as
// ratios against unscoped Prisma from this one run. Everything it starts, it stops.
//
// The run is split into phases, one per variant that keeps a PrismaClient per tenant (Bulkhead's
// two modes, and the layer-(a) diagnostic): a thousand such clients take about 2 GB of heap, so
// two at once would not fit in Node's default heap. The unscoped baseline is timed in every phase,
// interleaved with that phase's variants, and each ratio is taken against its own phase's baseline.

const log = (line: string) => console.log(`[bench] ${line}`);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface RunContext {
  config: BenchConfig;
  tenants: SampledTenant[];
  picker: TenantPicker;
  postmaster: number | undefined;
  variantOptions: VariantOptions;
  quiet: QuietBudget;
}

type CellKey = `${WorkloadKey}@${number}`;
const cellKey = (workload: WorkloadKey, concurrency: number): CellKey => `${workload}@${concurrency}`;

/** Timed windows of one cell, per variant, and per phase for the baseline. */
interface CellWindows {
  byVariant: Map<VariantKey, CellAccumulator>;
  /** The baseline's windows of the phase each variant ran in. */
  baselineOf: Map<VariantKey, CellAccumulator>;
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const startedAt = new Date();
  const config = readConfig();
  log(
    `${config.tenants.toLocaleString('en-US')} tenants, ${config.orders.toLocaleString('en-US')} orders; ` +
      `${config.secondsPerRound} s × ${config.rounds} rounds per measurement.`,
  );

  const server = await acquireServer();
  const database = `bulkhead_bench_${randomBytes(3).toString('hex')}`;
  let provisioned = false;
  const open = new Set<Variant>();
  try {
    log(server.shared ? 'Using BOOTSTRAP_DATABASE_URL.' : 'Started a throw-away embedded PostgreSQL (fsync off).');
    const { urls } = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database, rolePrefix: database });
    provisioned = true;
    await migrate({ connectionString: urls.migration });

    const plan = planDataset(config.tenants, config.orders);
    log('Seeding…');
    const seedTimings = await seedDataset(plan, { ops: urls.ops, owner: urls.migration }, log);
    log(`Seeded in ${seconds(seedTimings.totalMs)}.`);

    const tenants = await loadSample(urls.ops, config.idSamplePerTenant);
    const serverInfo = await describeServer(urls.ops);
    const roles = { app: await checkRole(urls.app), ops: await checkRole(urls.ops) };
    assertRolesAreWhatTheyClaim(roles);
    const context: RunContext = {
      config,
      tenants,
      picker: new TenantPicker(tenants),
      postmaster: serverInfo.postmasterPid,
      variantOptions: { urls, poolSize: config.poolSize, cacheSize: tenants.length },
      quiet: { thresholdCores: config.quietThresholdCores, remainingMs: config.repeatBudgetSeconds * 1000, windows: 0, repeated: 0 },
    };

    const setup = {} as Partial<Record<VariantKey, VariantSetup>>;
    const windows = new Map<CellKey, CellWindows>();
    const openVariant = async (key: VariantKey) => {
      const variant = createVariant(key, context.variantOptions);
      open.add(variant);
      setup[key] = await prepareVariant(variant, context);
      return variant;
    };

    // Cheap to keep (no client per tenant): open for the whole run.
    const baseline = await openVariant('prisma');
    const shared = [baseline, await openVariant('raw'), await openVariant('official'), await openVariant('scopeOnly')];

    const phases: VariantKey[] = ['pipelined', 'transaction', ...(config.layerDiagnostics ? (['poolOnly'] as const) : [])];
    let contrasts: Contrasts = { lockstep: [], oneTenant: [] };
    for (const [index, key] of phases.entries()) {
      log(`Phase ${index + 1}/${phases.length}: ${VARIANTS[key].name} (heap in use before: ${settledHeapMb().toFixed(0)} MB).`);
      // The first phase also times the variants that need no per-tenant clients.
      const phaseContrasts = await runPhase(key, index === 0 ? shared : [baseline], { openVariant, open, baseline, windows, context });
      if (phaseContrasts) contrasts = phaseContrasts;
    }

    const cells: CellReport[] = [];
    for (const workload of WORKLOADS) {
      for (const concurrency of config.concurrencies) {
        const cell = windows.get(cellKey(workload.key, concurrency))!;
        const results = {} as Record<VariantKey, CellSummary>;
        const baselines = {} as Record<VariantKey, CellSummary>;
        for (const [key, accumulator] of cell.byVariant) {
          results[key] = accumulator.summarize();
          baselines[key] = key === 'prisma' ? results[key] : cell.baselineOf.get(key)!.summarize();
        }
        cells.push({ workload: workload.key, concurrency, results, baselines });
      }
    }

    const report: BenchReport = {
      startedAt,
      config,
      machine: describeMachine(),
      server: { ...serverInfo, embedded: !server.shared, cpuMeasured: serverInfo.postmasterPid !== undefined },
      versions: await packageVersions(),
      roles,
      dataset: { plan, tenants, seedTimings, shareOfTop10: context.picker.shareOfLargest(10) },
      setup,
      cells,
      ...contrasts,
      quiet: context.quiet,
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
      log('Smoke run below the documented size: no report written (set BENCH_OUTPUT=<file> to write one).');
    }
  } finally {
    await Promise.allSettled([...open].map((variant) => variant.close()));
    if (server.shared && provisioned) {
      await dropDatabase(server.bootstrapUrl, database);
      await dropRoles(server.bootstrapUrl, database);
    }
    await server.release();
    log(`Done in ${seconds(performance.now() - runStarted)} (wall time, including seeding and teardown).`);
  }
}

type Contrasts = Pick<BenchReport, 'lockstep' | 'oneTenant'>;

/**
 * One phase: build the per-tenant variant, time it beside `alongside`, close it. A function of its
 * own so that nothing in main()'s suspended frame still points at the thousand clients of the last
 * phase while the next phase builds its own.
 */
async function runPhase(
  key: VariantKey,
  alongside: Variant[],
  phase: {
    openVariant: (key: VariantKey) => Promise<Variant>;
    open: Set<Variant>;
    baseline: Variant;
    windows: Map<CellKey, CellWindows>;
    context: RunContext;
  },
): Promise<Contrasts | undefined> {
  const perTenant = await phase.openVariant(key);
  try {
    await measurePhase([...alongside, perTenant], phase.baseline, phase.windows, phase.context);
    if (key !== TARGET.variant) return undefined;
    return {
      lockstep: await measureLookups([phase.baseline, perTenant], phase.context, { independentRequests: false }),
      oneTenant: await measureLookups([phase.baseline, perTenant], phase.context, { oneTenant: true }),
    };
  } finally {
    await perTenant.close();
    phase.open.delete(perTenant);
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
  if (!roles.ops.bypassesRls) throw new Error(`The ops role ${roles.ops.user} does not bypass RLS; the unscoped baselines would be filtered.`);
}

/**
 * Builds every tenant client before anything is timed, sends each tenant both query shapes twice
 * (a new PrismaClient starts its engine on first use and compiles a plan per shape), then runs a short
 * untimed load of both workloads so the JIT and the buffer cache are warm for every variant alike.
 */
async function prepareVariant(variant: Variant, { tenants, picker, postmaster, config }: RunContext): Promise<VariantSetup> {
  const heapBefore = settledHeapMb();
  const build = variant.buildTenantClients(tenants.map((tenant) => tenant.id));
  const meanPerTenant = async (query: (tenant: SampledTenant) => Promise<unknown>) => {
    const started = performance.now();
    for (const tenant of tenants) await query(tenant);
    return (performance.now() - started) / tenants.length;
  };
  const lookup = (tenant: SampledTenant) => variant.findOrder(tenant.id, tenant.orderIds[0]!);
  const list = (tenant: SampledTenant) => variant.recentPaidOrders(tenant.id);
  const firstLookupMs = await meanPerTenant(lookup);
  const firstListMs = await meanPerTenant(list);
  const secondLookupMs = await meanPerTenant(lookup);
  const secondListMs = await meanPerTenant(list);
  const heapAfterFirstQueriesMb = settledHeapMb() - heapBefore;
  for (const workload of WORKLOADS) {
    await runWindow({ variant, workload: workload.key, picker, concurrency: 8, durationMs: config.warmupSeconds * 2000, seed: 1, postmaster });
  }
  log(
    `Prepared ${variant.key}: ${build ? `${build.clients} clients built in ${build.buildMs.toFixed(0)} ms; ` : ''}` +
      `per tenant, first lookup ${firstLookupMs.toFixed(2)} ms → ${secondLookupMs.toFixed(2)} ms, ` +
      `first list ${firstListMs.toFixed(2)} ms → ${secondListMs.toFixed(2)} ms.`,
  );
  return { build, firstLookupMs, firstListMs, secondLookupMs, secondListMs, heapAfterFirstQueriesMb };
}

/**
 * Every workload at every concurrency for the given variants, in `rounds` rounds. Odd rounds run
 * the variants in reverse order, so slow drift on the machine (autovacuum, a neighbour) does not
 * always land on the same one. Every variant gets the same operations (same seeds) in a round.
 */
async function measurePhase(variants: Variant[], baseline: Variant, windows: Map<CellKey, CellWindows>, context: RunContext): Promise<void> {
  const { config, picker, postmaster } = context;
  for (const workload of WORKLOADS) {
    for (const concurrency of config.concurrencies) {
      const key = cellKey(workload.key, concurrency);
      const cell = windows.get(key) ?? { byVariant: new Map(), baselineOf: new Map() };
      windows.set(key, cell);
      const phaseBaseline = new CellAccumulator();
      for (let round = 0; round < config.rounds; round++) {
        const order = round % 2 === 0 ? variants : [...variants].reverse();
        const seed = 100 + round * 10 + concurrency;
        for (const variant of order) {
          collectGarbage();
          if (config.warmupSeconds > 0) {
            await runWindow({ variant, workload: workload.key, picker, concurrency, durationMs: config.warmupSeconds * 1000, seed: seed + 5, postmaster });
          }
          const window = await runQuietWindow(
            { variant, workload: workload.key, picker, concurrency, durationMs: config.secondsPerRound * 1000, seed, postmaster },
            context.quiet,
          );
          if (!cell.byVariant.has(variant.key)) cell.byVariant.set(variant.key, new CellAccumulator());
          cell.byVariant.get(variant.key)!.add(window);
          if (variant === baseline) phaseBaseline.add(window);
        }
      }
      for (const variant of variants) if (variant !== baseline) cell.baselineOf.set(variant.key, phaseBaseline);
      const base = phaseBaseline.summarize().opsPerSecond;
      const ratios = variants
        .filter((variant) => variant !== baseline)
        .map((variant) => `${variant.key} ×${(cell.byVariant.get(variant.key)!.summarize().opsPerSecond / base).toFixed(2)}`);
      log(`${workload.key} @ ${concurrency}: prisma ${base.toFixed(0)} ops/s; ${ratios.join(', ')}`);
    }
  }
}

/**
 * Lookups at concurrency 8 under a changed condition, in `rounds` rounds of alternating order:
 *  - `independentRequests: false` — no macrotask between operations: shows what Prisma's
 *    same-tick findUnique batching does to a lockstep closed loop, and that per-tenant clients
 *    cannot batch across tenants;
 *  - `oneTenant` — every operation on the largest tenant: separates what a tenant client costs per
 *    query from what rotating among a thousand of them costs.
 */
async function measureLookups(
  variants: Variant[],
  { config, tenants, picker, postmaster, quiet }: RunContext,
  condition: { independentRequests?: boolean; oneTenant?: boolean },
): Promise<VariantFigure[]> {
  const largest = [...tenants].sort((a, b) => b.orders - a.orders).slice(0, 1);
  const conditionPicker = condition.oneTenant ? new TenantPicker(largest) : picker;
  const accumulators = new Map(variants.map((variant) => [variant, new CellAccumulator()]));
  for (let round = 0; round < config.rounds; round++) {
    for (const variant of round % 2 === 0 ? variants : [...variants].reverse()) {
      const options = { variant, workload: 'lookup', picker: conditionPicker, concurrency: 8, seed: 7 + round, postmaster, independentRequests: condition.independentRequests } as const;
      collectGarbage();
      await runWindow({ ...options, durationMs: config.warmupSeconds * 1000 });
      accumulators.get(variant)!.add(await runQuietWindow({ ...options, durationMs: config.secondsPerRound * 1000 }, quiet));
    }
  }
  return variants.map((variant) => ({ variant: variant.key, summary: accumulators.get(variant)!.summarize() }));
}

main().catch((error: unknown) => {
  console.error(`[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
