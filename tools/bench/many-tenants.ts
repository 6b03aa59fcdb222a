import { isChild, runChild, serveChild } from './child';
import type { BenchConfig } from './config';
import { heapFiguresAreExact, settledMemory, type MemoryFigures } from './heap';
import { runInterleaved, runWindow, summarizeWindow, type CellSummary, type QuietBudget } from './measure';
import type { SampledTenant } from './seed';
import { createVariant, type Variant, type VariantOptions } from './variants';
import { newQuietBudget } from './warm';
import { AccessPicker, WORKLOADS, type Access, type WorkloadKey } from './workload';

// Many tenants: does what Bulkhead costs grow with the number of tenants a process serves? For
// each tenant count (1,000 and 10,000 by default) a fresh child process builds the tenant-client
// factory exactly as the app does (pool of 10, 8 slots, default shares) and starts COLD: nothing
// is built or touched per tenant before the first timed operation. It then times both queries at
// concurrency 1 and 8 under uniform and Zipf access, beside unscoped Prisma in interleaved
// windows, and measures its memory after a full collection: at the baseline (factory created, no
// tenant operation yet) and after the whole workload.
//
// Every child loads the same sample (all tenants of the largest count) and does the same work, so
// their absolute memory figures are comparable: only the number of tenants drawn from differs.

export const ACCESSES: readonly Access[] = ['uniform', 'zipf'];
/** The factory's first moments, timed on their own: uniform lookups at concurrency 8. */
export const COLD_START_MS = 2000;
export const MANY_TARGET = { access: 'uniform', concurrency: 8, ratio: 0.8, p99Ratio: 1.5, memorySpread: 0.1, growthMb: 150 } as const;

export interface ManyCell {
  access: Access;
  workload: WorkloadKey;
  concurrency: number;
  /** Timed in `targetRuns` runs (the figure is their median) rather than `rounds`. */
  target: boolean;
  bulkhead: { pooled: CellSummary; runs: CellSummary[] };
  baseline: { pooled: CellSummary; runs: CellSummary[] };
}

export interface ManyRun {
  tenants: number;
  /** Distinct tenants that received at least one operation (timed or not). */
  touched: number;
  /** The factory's first COLD_START_MS: uniform lookups at concurrency 8, nothing built before. */
  coldStart: CellSummary;
  clientsAfterColdStart: number;
  cells: ManyCell[];
  /** After a full collection: at the baseline, once the cold start has built the slots, and after the workload. */
  memory: { baseline: MemoryFigures; afterColdStart: MemoryFigures; after: MemoryFigures; peakRssMb: number; exact: boolean };
  /** What the factory holds once the workload is over. */
  clientsBuilt: number;
  slots: number;
  tenantsTracked: number;
  quiet: QuietBudget;
  wallMs: number;
}

export interface ManyTenantsResults {
  runs: ManyRun[];
  /** Share of Zipf draws that land on the 10 largest tenants, per tenant count. */
  zipfTop10: Record<number, number>;
}

interface ManyRequest {
  config: BenchConfig;
  variantOptions: VariantOptions;
  tenants: SampledTenant[];
  count: number;
  postmaster: number | undefined;
}

export async function runManyTenants(
  options: { config: BenchConfig; variantOptions: VariantOptions; tenants: SampledTenant[]; postmaster: number | undefined },
  log: (line: string) => void,
): Promise<ManyTenantsResults> {
  const runs: ManyRun[] = [];
  const zipfTop10: Record<number, number> = {};
  for (const count of options.config.manyTenants) {
    log(`Many tenants: ${count.toLocaleString('en-US')} tenants, in a fresh process.`);
    runs.push(await runChild<ManyRequest, ManyRun>(import.meta.filename, { ...options, count }, { execArgv: ['--expose-gc'] }));
    zipfTop10[count] = new AccessPicker(options.tenants.slice(0, count), 'zipf').shareOfFirst(10);
  }
  return { runs, zipfTop10 };
}

async function measureTenantCount({ config, variantOptions, tenants, count, postmaster }: ManyRequest): Promise<ManyRun> {
  const started = performance.now();
  const log = (line: string) => console.log(`[bench] [${count.toLocaleString('en-US')} tenants] ${line}`);
  const drawn = tenants.slice(0, count);
  const pickers = { uniform: new AccessPicker(drawn, 'uniform'), zipf: new AccessPicker(drawn, 'zipf') };
  const baseline = createVariant('prisma', variantOptions);
  const bulkhead = createVariant('pipelined', variantOptions);
  const quiet = newQuietBudget(config);
  try {
    // The unscoped baseline is what Bulkhead is compared with, not what is measured: warm it (its
    // one client compiles its plans) before the memory baseline. Bulkhead gets nothing.
    const warmupPicker = new AccessPicker(drawn, 'zipf');
    for (const workload of WORKLOADS) {
      await runWindow({
        variant: baseline,
        workload: workload.key,
        picker: warmupPicker,
        concurrency: 8,
        durationMs: config.warmupSeconds * 2000,
        seed: 3,
        postmaster,
      });
    }
    const memoryBaseline = settledMemory();
    const coldStart = summarizeWindow(
      await runWindow({
        variant: bulkhead,
        workload: 'lookup',
        picker: pickers.uniform,
        concurrency: 8,
        durationMs: COLD_START_MS,
        seed: 1,
        postmaster,
      }),
    );
    const clientsAfterColdStart = bulkhead.clientsHeld();
    const afterColdStart = settledMemory();
    log(
      `cold start: ${coldStart.operations} lookups in the first ${COLD_START_MS / 1000} s, p50 ${coldStart.p50Ms.toFixed(2)} ms, ` +
        `p99 ${coldStart.p99Ms.toFixed(1)} ms; ${clientsAfterColdStart} PrismaClients built.`,
    );

    const cells: ManyCell[] = [];
    for (const access of ACCESSES) {
      for (const workload of WORKLOADS) {
        for (const concurrency of config.concurrencies) {
          cells.push(
            await measureCell(
              { access, workload: workload.key, concurrency },
              { config, picker: pickers[access], postmaster, quiet, baseline, bulkhead },
            ),
          );
          const cell = cells.at(-1)!;
          log(
            `${access} ${workload.key} @ ${concurrency}: prisma ${cell.baseline.pooled.opsPerSecond.toFixed(0)} ops/s, ` +
              `bulkhead ×${(cell.bulkhead.pooled.opsPerSecond / cell.baseline.pooled.opsPerSecond).toFixed(2)}, ` +
              `p99 ${cell.bulkhead.pooled.p99Ms.toFixed(2)} vs ${cell.baseline.pooled.p99Ms.toFixed(2)} ms`,
          );
        }
      }
    }
    const after = settledMemory();
    const stats = bulkhead.poolStats?.();
    return {
      tenants: count,
      touched: Math.max(pickers.uniform.touchedCount(), pickers.zipf.touchedCount()),
      coldStart,
      clientsAfterColdStart,
      cells,
      memory: {
        baseline: memoryBaseline,
        afterColdStart,
        after,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        exact: heapFiguresAreExact,
      },
      clientsBuilt: bulkhead.clientsHeld(),
      slots: stats?.slots ?? Number.NaN,
      tenantsTracked: stats?.tenants ?? Number.NaN,
      quiet,
      wallMs: performance.now() - started,
    };
  } finally {
    await Promise.allSettled([baseline.close(), bulkhead.close()]);
  }
}

async function measureCell(
  cell: { access: Access; workload: WorkloadKey; concurrency: number },
  run: {
    config: BenchConfig;
    picker: AccessPicker;
    postmaster: number | undefined;
    quiet: QuietBudget;
    baseline: Variant;
    bulkhead: Variant;
  },
): Promise<ManyCell> {
  const { config } = run;
  // Both tenant counts time the same cells the same way, so their processes' histories match.
  const target = cell.access === MANY_TARGET.access && cell.concurrency === MANY_TARGET.concurrency;
  const measured = await runInterleaved({
    variants: [run.baseline, run.bulkhead],
    workload: cell.workload,
    picker: run.picker,
    concurrency: cell.concurrency,
    rounds: target ? config.targetRuns : config.rounds,
    seed: 500 + cell.concurrency,
    warmupMs: config.warmupSeconds * 1000,
    durationMs: config.secondsPerRound * 1000,
    postmaster: run.postmaster,
    quiet: run.quiet,
  });
  const figures = (variant: Variant) => {
    const { pooled, runs } = measured.get(variant.key)!;
    return { pooled: pooled.summarize(), runs };
  };
  return { ...cell, target, bulkhead: figures(run.bulkhead), baseline: figures(run.baseline) };
}

if (isChild()) serveChild(measureTenantCount);
