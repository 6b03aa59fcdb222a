import type { BenchConfig } from './config';
import { settledHeapMb } from './heap';
import { runInterleaved, runWindow, type CellSummary, type QuietBudget } from './measure';
import type { SampledTenant } from './seed';
import { createVariant, type ClientBuildCost, type Variant, type VariantKey, type VariantOptions } from './variants';
import { TenantPicker, WORKLOADS, type WorkloadKey } from './workload';

// The warm cells: the same two queries through every stack — from raw pg to Bulkhead's tenant
// client — on a process that has been serving these tenants for a while, timed in interleaved
// windows beside unscoped Prisma. Bulkhead's factory keeps nothing per tenant, so it is timed in
// the same rounds as every other variant; only the layer-(a) diagnostic (a PrismaClient per
// tenant, about 2 MB each) still gets a phase of its own.

/** The bar (issue 11): Bulkhead, pipelined, at concurrency 8 ≥ 0.80 × unscoped Prisma, median of the runs. */
export const TARGET = { variant: 'pipelined', concurrency: 8, ratio: 0.8 } as const;

export interface VariantSetup {
  build: ClientBuildCost | undefined;
  /**
   * Means over all warm tenants, sequential: the first query of each shape through this variant
   * for that tenant, then again.
   */
  firstLookupMs: number;
  firstListMs: number;
  secondLookupMs: number;
  secondListMs: number;
  /** Settled heap growth from before the build to after the first queries. */
  heapAfterFirstQueriesMb: number;
  /** PrismaClients (or extended clients) the variant held once prepared. */
  clientsHeld: number;
}

export interface CellReport {
  workload: WorkloadKey;
  concurrency: number;
  /** Per variant, every window of the cell merged (only the variants this run timed). */
  results: Partial<Record<VariantKey, CellSummary>>;
  /** Per variant, each run (round) on its own: the ratios are medians over these. */
  runs: Partial<Record<VariantKey, CellSummary[]>>;
  /** Per variant, the unscoped baseline timed in the same rounds: what its ratio is against. */
  baselines: Partial<Record<VariantKey, CellSummary>>;
  baselineRuns: Partial<Record<VariantKey, CellSummary[]>>;
}

/** One variant's figures under a contrasting condition (lockstep, one tenant). */
export interface VariantFigure {
  variant: VariantKey;
  summary: CellSummary;
}

export interface WarmResults {
  tenants: SampledTenant[];
  shareOfTop10: number;
  setup: Partial<Record<VariantKey, VariantSetup>>;
  cells: CellReport[];
  /** Lookups at concurrency 8 with no macrotask between operations (Prisma may batch them). */
  lockstep: VariantFigure[];
  /** Lookups at concurrency 8, every one on the largest tenant. */
  oneTenant: VariantFigure[];
  quiet: QuietBudget;
}

interface WarmContext {
  config: BenchConfig;
  tenants: SampledTenant[];
  picker: TenantPicker;
  postmaster: number | undefined;
  quiet: QuietBudget;
  log: (line: string) => void;
}

export const newQuietBudget = (config: BenchConfig): QuietBudget => ({
  thresholdCores: config.quietThresholdCores,
  remainingMs: config.repeatBudgetSeconds * 1000,
  windows: 0,
  repeated: 0,
});

/** Rounds of a cell: the target concurrency's cells are the median of `targetRuns` runs. */
export const roundsOf = (config: BenchConfig, concurrency: number) =>
  concurrency === TARGET.concurrency ? config.targetRuns : config.rounds;

export async function runWarmSection(
  options: { config: BenchConfig; tenants: SampledTenant[]; postmaster: number | undefined; variantOptions: VariantOptions },
  log: (line: string) => void,
): Promise<WarmResults> {
  const { config, tenants, postmaster, variantOptions } = options;
  const picker = new TenantPicker(tenants);
  const context: WarmContext = { config, tenants, picker, postmaster, quiet: newQuietBudget(config), log };
  const setup: Partial<Record<VariantKey, VariantSetup>> = {};
  const open = new Set<Variant>();
  const openVariant = async (key: VariantKey) => {
    const variant = createVariant(key, variantOptions);
    open.add(variant);
    setup[key] = await prepareVariant(variant, context);
    return variant;
  };
  try {
    const baseline = await openVariant('prisma');
    const variants = [baseline];
    for (const key of ['raw', 'official', 'scopeOnly', 'pipelined', 'transaction'] as const) variants.push(await openVariant(key));
    const cells = new Map<string, CellReport>();
    await measureCells(variants, baseline, cells, context);
    const target = variants.find((variant) => variant.key === TARGET.variant)!;
    const lockstep = await measureLookups([baseline, target], context, { independentRequests: false });
    const oneTenant = await measureLookups([baseline, target], context, { oneTenant: true });
    if (config.layerDiagnostics) {
      // A PrismaClient per tenant: built, timed beside the baseline, and released on its own.
      log(`Phase 2: layer (a) alone (heap in use before: ${settledHeapMb().toFixed(0)} MB).`);
      const poolOnly = await openVariant('poolOnly');
      await measureCells([baseline, poolOnly], baseline, cells, context);
      await poolOnly.close();
      open.delete(poolOnly);
    }
    return {
      tenants,
      shareOfTop10: picker.shareOfLargest(10),
      setup,
      cells: [...cells.values()],
      lockstep,
      oneTenant,
      quiet: context.quiet,
    };
  } finally {
    await Promise.allSettled([...open].map((variant) => variant.close()));
  }
}

/**
 * Builds the per-tenant clients of the variants that keep one (not Bulkhead's), sends each tenant
 * both query shapes twice (the first query of a shape through a new PrismaClient compiles its
 * plan), then runs a short untimed load of both workloads so the JIT and the buffer cache are
 * warm for every variant alike.
 */
async function prepareVariant(variant: Variant, { tenants, picker, postmaster, config, log }: WarmContext): Promise<VariantSetup> {
  const heapBefore = settledHeapMb();
  const build = variant.buildTenantClients(tenants.map((tenant) => tenant.id));
  const meanPerTenant = async (query: (tenant: SampledTenant) => Promise<unknown>) => {
    const started = performance.now();
    for (const tenant of tenants) await query(tenant);
    return (performance.now() - started) / tenants.length;
  };
  const lookup = (tenant: SampledTenant) => variant.findOrder(tenant, tenant.orderIds[0]!);
  const list = (tenant: SampledTenant) => variant.recentPaidOrders(tenant);
  const firstLookupMs = await meanPerTenant(lookup);
  const firstListMs = await meanPerTenant(list);
  const secondLookupMs = await meanPerTenant(lookup);
  const secondListMs = await meanPerTenant(list);
  const heapAfterFirstQueriesMb = settledHeapMb() - heapBefore;
  for (const workload of WORKLOADS) {
    await runWindow({
      variant,
      workload: workload.key,
      picker,
      concurrency: 8,
      durationMs: config.warmupSeconds * 2000,
      seed: 1,
      postmaster,
    });
  }
  const clientsHeld = variant.clientsHeld();
  log(
    `Prepared ${variant.key}: ${build ? `${build.clients} clients built in ${build.buildMs.toFixed(0)} ms; ` : ''}` +
      `per tenant, first lookup ${firstLookupMs.toFixed(2)} ms → ${secondLookupMs.toFixed(2)} ms, ` +
      `first list ${firstListMs.toFixed(2)} ms → ${secondListMs.toFixed(2)} ms; ${clientsHeld} clients held.`,
  );
  return { build, firstLookupMs, firstListMs, secondLookupMs, secondListMs, heapAfterFirstQueriesMb, clientsHeld };
}

/** Every workload at every concurrency for the given variants, interleaved with the baseline. */
async function measureCells(variants: Variant[], baseline: Variant, cells: Map<string, CellReport>, context: WarmContext): Promise<void> {
  const { config, picker, postmaster, quiet, log } = context;
  for (const workload of WORKLOADS) {
    for (const concurrency of config.concurrencies) {
      const key = `${workload.key}@${concurrency}`;
      const cell = cells.get(key) ?? { workload: workload.key, concurrency, results: {}, runs: {}, baselines: {}, baselineRuns: {} };
      cells.set(key, cell);
      const measured = await runInterleaved({
        variants,
        workload: workload.key,
        picker,
        concurrency,
        rounds: roundsOf(config, concurrency),
        seed: 100 + concurrency,
        warmupMs: config.warmupSeconds * 1000,
        durationMs: config.secondsPerRound * 1000,
        postmaster,
        quiet,
      });
      const base = measured.get(baseline.key)!;
      const baseSummary = base.pooled.summarize();
      for (const variant of variants) {
        const { pooled, runs } = measured.get(variant.key)!;
        // The baseline's own row is that of the first phase (the one every other variant ran in).
        if (variant === baseline && cell.results[variant.key]) continue;
        cell.results[variant.key] = variant === baseline ? baseSummary : pooled.summarize();
        cell.runs[variant.key] = runs;
        cell.baselines[variant.key] = baseSummary;
        cell.baselineRuns[variant.key] = base.runs;
      }
      const ratios = variants
        .filter((variant) => variant !== baseline)
        .map((variant) => `${variant.key} ×${(cell.results[variant.key]!.opsPerSecond / baseSummary.opsPerSecond).toFixed(2)}`);
      log(`${workload.key} @ ${concurrency}: prisma ${baseSummary.opsPerSecond.toFixed(0)} ops/s; ${ratios.join(', ')}`);
    }
  }
}

/**
 * Lookups at concurrency 8 under a changed condition, in `rounds` rounds of alternating order:
 *  - `independentRequests: false` — no macrotask between operations: shows what Prisma's
 *    same-tick findUnique batching does to a lockstep closed loop, and that a tenant client
 *    (one lease per operation) cannot batch across operations;
 *  - `oneTenant` — every operation on the largest tenant: separates what scoping costs per query
 *    from what spreading the traffic over many tenants costs.
 */
async function measureLookups(
  variants: Variant[],
  { config, tenants, picker, postmaster, quiet }: WarmContext,
  condition: { independentRequests?: boolean; oneTenant?: boolean },
): Promise<VariantFigure[]> {
  const largest = [...tenants].sort((a, b) => b.orders - a.orders).slice(0, 1);
  const measured = await runInterleaved({
    variants,
    workload: 'lookup',
    picker: condition.oneTenant ? new TenantPicker(largest) : picker,
    concurrency: 8,
    rounds: config.rounds,
    seed: 7,
    warmupMs: config.warmupSeconds * 1000,
    durationMs: config.secondsPerRound * 1000,
    postmaster,
    quiet,
    independentRequests: condition.independentRequests,
  });
  return variants.map((variant) => ({ variant: variant.key, summary: measured.get(variant.key)!.pooled.summarize() }));
}
