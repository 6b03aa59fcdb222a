// What one `npm run bench` measures, read once from the environment. The defaults are the
// documented run (≥ 1,000 tenants, ≥ 1,000,000 orders) and fit the ~10-minute budget on a 2-core
// machine; the BENCH_* overrides exist for quick smoke runs, whose report is kept out of
// docs/benchmarks.md unless BENCH_OUTPUT names a file explicitly.

export const DOCUMENTED_MINIMUM = { tenants: 1_000, orders: 1_000_000 } as const;

/** The report written by a run at (or above) the documented size. */
export const DEFAULT_REPORT_PATH = 'docs/benchmarks.md';

export interface BenchConfig {
  tenants: number;
  orders: number;
  /** Seconds each variant is timed per workload, concurrency and round. */
  secondsPerRound: number;
  /** Each cell is timed in this many rounds, alternating the order of the variants. */
  rounds: number;
  /** Untimed load just before every timed window (new concurrency, new query shape). */
  warmupSeconds: number;
  /** Order ids kept per tenant to draw lookups from. */
  idSamplePerTenant: number;
  /** Connections in each variant's pool. */
  poolSize: number;
  concurrencies: readonly number[];
  /** A window during which other processes used more cores than this is repeated… */
  quietThresholdCores: number;
  /** …within this many seconds of repeats for the whole run. */
  repeatBudgetSeconds: number;
  /** Also time layer (a) alone: one more thousand-client phase, about two minutes. */
  layerDiagnostics: boolean;
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

export function readConfig(): BenchConfig {
  const tenants = readNumber('BENCH_TENANTS', DOCUMENTED_MINIMUM.tenants, { min: 10 });
  const orders = readNumber('BENCH_ORDERS', DOCUMENTED_MINIMUM.orders, { min: tenants * 10 });
  const isDocumentedSize = tenants >= DOCUMENTED_MINIMUM.tenants && orders >= DOCUMENTED_MINIMUM.orders;
  const overrides = Object.fromEntries(
    Object.entries(process.env).filter((entry): entry is [string, string] => entry[0].startsWith('BENCH_') && entry[1] !== undefined),
  );
  const secondsPerRound = readNumber('BENCH_SECONDS', 4, { min: 0.2, integer: false });
  return {
    tenants,
    orders,
    secondsPerRound,
    rounds: readNumber('BENCH_ROUNDS', 2, { min: 1 }),
    warmupSeconds: readNumber('BENCH_WARMUP_SECONDS', 0.5, { min: 0, integer: false }),
    idSamplePerTenant: readNumber('BENCH_ID_SAMPLE', 200, { min: 1 }),
    poolSize: 10,
    concurrencies: [1, 8],
    layerDiagnostics: process.env.BENCH_DIAGNOSTICS === '1',
    quietThresholdCores: 0.15,
    // Ten windows' worth: enough to dodge a neighbour's short burst, bounded so a busy machine
    // cannot stretch the run far past its budget.
    repeatBudgetSeconds: readNumber('BENCH_REPEAT_SECONDS', 10 * secondsPerRound, { min: 0, integer: false }),
    reportPath: process.env.BENCH_OUTPUT || (isDocumentedSize ? DEFAULT_REPORT_PATH : undefined),
    overrides,
  };
}
