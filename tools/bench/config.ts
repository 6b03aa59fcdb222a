// What one `npm run bench` measures, read once from the environment. The defaults are the
// documented run (10,000 tenants, 1,000,000 orders; about a quarter of an hour on a 2-core
// machine); the BENCH_* overrides exist for quick smoke runs, whose report is kept out of
// docs/benchmarks.md unless BENCH_OUTPUT names a file explicitly.

export const DOCUMENTED_MINIMUM = { tenants: 10_000, orders: 1_000_000 } as const;

/** The report written by a run at (or above) the documented size. */
export const DEFAULT_REPORT_PATH = 'docs/benchmarks.md';

export const SECTIONS = ['warm', 'many', 'fairness'] as const;
export type Section = (typeof SECTIONS)[number];

export interface BenchConfig {
  /** Tenants in the dataset (the largest many-tenants count draws from all of them). */
  tenants: number;
  orders: number;
  /** The warm cells draw from the first (largest) this many tenants. */
  warmTenants: number;
  /** Tenant counts of the many-tenants section, each drawing from the first that many tenants. */
  manyTenants: readonly number[];
  /** Seconds each variant is timed per workload, concurrency and round. */
  secondsPerRound: number;
  /** Each cell is timed in this many rounds, alternating the order of the variants. */
  rounds: number;
  /** Rounds (runs) of a target cell: its figure is the median of the runs. */
  targetRuns: number;
  /** Untimed load just before every timed window (new concurrency, new query shape). */
  warmupSeconds: number;
  /** Order ids kept per tenant to draw lookups from: warm cells, and many-tenants cells. */
  idSamplePerTenant: number;
  manyIdSamplePerTenant: number;
  /** Connections in each variant's pool: the app's DATABASE_POOL_SIZE default. */
  poolSize: number;
  concurrencies: readonly number[];
  /** Fairness: tenant B's orders, the reports it keeps running, and each window of A's lookups. */
  fairness: { noisyOrders: number; reports: number; seconds: number; leadSeconds: number };
  /** A window during which other processes used more cores than this is repeated… */
  quietThresholdCores: number;
  /** …within this many seconds of repeats per section. */
  repeatBudgetSeconds: number;
  /** Also time layer (a) alone: a PrismaClient per tenant, in a phase of its own. */
  layerDiagnostics: boolean;
  /** The sections this run measures (BENCH_SECTIONS); a report is written only when all ran. */
  sections: readonly Section[];
  /** Where the markdown goes; undefined for a smoke run without BENCH_OUTPUT. */
  reportPath: string | undefined;
  /** BENCH_* variables that were set, to print beside the command. */
  overrides: Record<string, string>;
}

function readNumber(name: string, fallback: number, { min, integer = true }: { min: number; integer?: boolean }): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw.replaceAll('_', ''));
  if (!Number.isFinite(value) || value < min || (integer && !Number.isInteger(value))) {
    throw new Error(`${name}=${raw} is not valid: expected ${integer ? 'an integer' : 'a number'} ≥ ${min}.`);
  }
  return value;
}

function readList<T extends string | number>(name: string, fallback: readonly T[], parse: (item: string) => T | undefined): readonly T[] {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const items = raw.split(',').map((item) => item.trim());
  const parsed = items.map(parse);
  if (parsed.some((item) => item === undefined)) throw new Error(`${name}=${raw} is not valid.`);
  return parsed as T[];
}

/** The tenant counts of the many-tenants section: a tenth of the dataset and all of it, by default. */
function readManyTenants(tenants: number): readonly number[] {
  const counts = readList('BENCH_MANY_TENANTS', [Math.max(1, Math.round(tenants / 10)), tenants], (item) => {
    const value = Number(item.replaceAll('_', ''));
    return Number.isInteger(value) && value >= 1 && value <= tenants ? value : undefined;
  });
  return [...new Set(counts)].sort((a, b) => a - b);
}

export function readConfig(): BenchConfig {
  const tenants = readNumber('BENCH_TENANTS', DOCUMENTED_MINIMUM.tenants, { min: 10 });
  const orders = readNumber('BENCH_ORDERS', DOCUMENTED_MINIMUM.orders, { min: tenants * 10 });
  const manyTenants = readManyTenants(tenants);
  const sections = readList<Section>('BENCH_SECTIONS', SECTIONS, (item) => SECTIONS.find((section) => section === item));
  const isDocumentedSize = tenants >= DOCUMENTED_MINIMUM.tenants && orders >= DOCUMENTED_MINIMUM.orders;
  const overrides = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('BENCH_') && entry[1] !== undefined),
  );
  const secondsPerRound = readNumber('BENCH_SECONDS', 4, { min: 0.2, integer: false });
  return {
    tenants,
    orders,
    warmTenants: readNumber('BENCH_WARM_TENANTS', Math.min(1_000, manyTenants[0]!), { min: 1 }),
    manyTenants,
    secondsPerRound,
    rounds: readNumber('BENCH_ROUNDS', 2, { min: 1 }),
    targetRuns: readNumber('BENCH_TARGET_RUNS', 3, { min: 1 }),
    warmupSeconds: readNumber('BENCH_WARMUP_SECONDS', 0.5, { min: 0, integer: false }),
    idSamplePerTenant: readNumber('BENCH_ID_SAMPLE', 200, { min: 1 }),
    manyIdSamplePerTenant: readNumber('BENCH_MANY_ID_SAMPLE', 20, { min: 1 }),
    poolSize: 10,
    concurrencies: [1, 8],
    fairness: {
      noisyOrders: readNumber('BENCH_FAIR_ORDERS', Math.min(200_000, Math.round(orders / 5)), { min: 100 }),
      reports: readNumber('BENCH_FAIR_REPORTS', 16, { min: 1 }),
      seconds: readNumber('BENCH_FAIR_SECONDS', Math.max(2, 2.5 * secondsPerRound), { min: 0.5, integer: false }),
      leadSeconds: 2,
    },
    layerDiagnostics: process.env.BENCH_DIAGNOSTICS === '1',
    quietThresholdCores: 0.15,
    // Ten windows' worth per section: enough to dodge a neighbour's short burst, bounded so a busy
    // machine cannot stretch the run far past its budget.
    repeatBudgetSeconds: readNumber('BENCH_REPEAT_SECONDS', 10 * secondsPerRound, { min: 0, integer: false }),
    sections,
    reportPath: process.env.BENCH_OUTPUT || (isDocumentedSize && sections.length === SECTIONS.length ? DEFAULT_REPORT_PATH : undefined),
    overrides,
  };
}
