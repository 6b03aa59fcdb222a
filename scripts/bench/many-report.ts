import { columns, cores, disturbedBy, integer, mb, ms, quietLine, signed, signedMb, table, verdictOf, withRuns, workloadLabel, type TargetLine } from './format';
import { COLD_START_MS, MANY_TARGET, type ManyCell, type ManyRun, type ManyTenantsResults } from './many-tenants';
import { medianOverRuns, p99Ratio, throughputRatio } from './measure';
import type { BenchReport } from './report';
import { WORKLOADS } from './workload';

// The many-tenants section of docs/benchmarks.md and its lines on the console.

const throughput = (cell: ManyCell) => medianOverRuns(cell.bulkhead.runs, cell.baseline.runs, throughputRatio);
const latency = (cell: ManyCell) => medianOverRuns(cell.bulkhead.runs, cell.baseline.runs, p99Ratio);
const label = (run: ManyRun) => `${integer(run.tenants)} tenants`;
const growth = (run: ManyRun) => ({
  heap: run.memory.after.heapAndExternalMb - run.memory.baseline.heapAndExternalMb,
  rss: run.memory.after.rssMb - run.memory.baseline.rssMb,
});
const spread = (small: number, large: number) => Math.abs(large - small) / small;
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

/** Anonymous RSS beside total RSS: the part of RSS a reclaimer of file pages does not move. */
function anonNote(smallest: ManyRun, largest: ManyRun): string | undefined {
  const [small, large] = [smallest.memory.after.rssAnonMb, largest.memory.after.rssAnonMb];
  if (small === undefined || large === undefined) return undefined;
  return `anonymous RSS ${mb(small)} vs ${mb(large)}, ${(spread(small, large) * 100).toFixed(1)}%`;
}

const anonGrowth = (run: ManyRun) =>
  run.memory.after.rssAnonMb === undefined || run.memory.baseline.rssAnonMb === undefined
    ? 'n/a'
    : `${mb(run.memory.baseline.rssAnonMb)} → ${mb(run.memory.after.rssAnonMb)} (${signedMb(run.memory.after.rssAnonMb - run.memory.baseline.rssAnonMb)})`;

function targetCellsOf(run: ManyRun): ManyCell[] {
  return WORKLOADS.map((workload) =>
    run.cells.find((cell) => cell.access === MANY_TARGET.access && cell.concurrency === MANY_TARGET.concurrency && cell.workload === workload.key),
  ).filter((cell): cell is ManyCell => cell !== undefined);
}

export function manyTargets(report: BenchReport, many: ManyTenantsResults): TargetLine[] {
  const largest = many.runs.at(-1);
  if (!largest) return [];
  const lines: TargetLine[] = [];
  for (const cell of targetCellsOf(largest)) {
    const where = `${label(largest)}, ${cell.access}, concurrency ${cell.concurrency}, ${workloadLabel(cell.workload).toLowerCase()}`;
    const note = disturbedBy(report.config, [...cell.bulkhead.runs, ...cell.baseline.runs]) ? 'other processes were busy during some of its windows' : undefined;
    const ops = throughput(cell);
    const p99 = latency(cell);
    lines.push(
      { target: `${where}: ≥ ${MANY_TARGET.ratio.toFixed(2)} × unscoped Prisma's ops/s`, figure: withRuns(ops), verdict: verdictOf(ops.median >= MANY_TARGET.ratio), note },
      { target: `${where}: p99 ≤ ${MANY_TARGET.p99Ratio} × unscoped Prisma's p99`, figure: withRuns(p99), verdict: verdictOf(p99.median <= MANY_TARGET.p99Ratio), note },
    );
  }
  const smallest = many.runs[0]!;
  if (many.runs.length >= 2) {
    const pair = `${integer(smallest.tenants)} vs ${integer(largest.tenants)} tenants`;
    const heap = spread(smallest.memory.after.heapAndExternalMb, largest.memory.after.heapAndExternalMb);
    const rss = spread(smallest.memory.after.rssMb, largest.memory.after.rssMb);
    const within = `within ${Math.round(MANY_TARGET.memorySpread * 100)}%`;
    lines.push(
      {
        target: `Memory, ${pair}: heap used + external after a full GC ${within}`,
        figure: `${mb(smallest.memory.after.heapAndExternalMb)} vs ${mb(largest.memory.after.heapAndExternalMb)} (${(heap * 100).toFixed(1)}%)`,
        verdict: verdictOf(heap <= MANY_TARGET.memorySpread),
      },
      {
        target: `Memory, ${pair}: RSS ${within}`,
        figure: `${mb(smallest.memory.after.rssMb)} vs ${mb(largest.memory.after.rssMb)} (${(rss * 100).toFixed(1)}%)`,
        verdict: verdictOf(rss <= MANY_TARGET.memorySpread),
        note: anonNote(smallest, largest),
      },
    );
  }
  const growths = many.runs.map((run) => ({ run, ...growth(run) }));
  const worst = Math.max(...growths.flatMap((g) => [g.heap, g.rss]));
  lines.push({
    target: `Memory growth from each process's baseline (heap used + external, and RSS) under ${MANY_TARGET.growthMb} MB`,
    figure: growths.map((g) => `${label(g.run)}: ${signedMb(g.heap)} / ${signedMb(g.rss)}`).join('; '),
    verdict: verdictOf(worst < MANY_TARGET.growthMb),
  });
  return lines;
}

export function manyConsole(many: ManyTenantsResults): string[] {
  const widths = [34, 9, 9, 6, 16, 7];
  const lines = ['', 'Many tenants (cold factory per tenant count; ratio = median over runs):', ''];
  lines.push(`  ${columns(widths, ['cell', 'prisma/s', 'bulk/s', 'ratio', 'p99 ms (p/b)', 'p99×'])}`);
  for (const run of many.runs) {
    for (const cell of run.cells) {
      const name = `${integer(run.tenants)} ${cell.access} ${cell.workload} @${cell.concurrency}`;
      const p99s = `${ms(cell.baseline.pooled.p99Ms)}/${ms(cell.bulkhead.pooled.p99Ms)}`;
      const figures = [integer(cell.baseline.pooled.opsPerSecond), integer(cell.bulkhead.pooled.opsPerSecond), throughput(cell).median.toFixed(2), p99s];
      lines.push(`  ${columns(widths, [name, ...figures, latency(cell).median.toFixed(2)])}`);
    }
    const g = growth(run);
    lines.push(
      `  memory: heap+external ${mb(run.memory.after.heapAndExternalMb)} (${signedMb(g.heap)}), RSS ${mb(run.memory.after.rssMb)} (${signedMb(g.rss)}); ` +
        `${run.clientsBuilt} PrismaClients, ${integer(run.touched)} tenants touched`,
    );
  }
  return lines;
}

function cellRow(run: ManyRun, cell: ManyCell): string[] {
  const b = cell.bulkhead.pooled;
  const u = cell.baseline.pooled;
  const delta = (variant: number | undefined, base: number | undefined) =>
    variant === undefined || base === undefined ? 'n/a' : `${integer(variant)} (${signed(variant - base)})`;
  const bad = [cell.bulkhead.pooled, cell.baseline.pooled].reduce((sum, s) => sum + s.correctness.foreignRows + s.correctness.wrongAnswers + s.correctness.errors, 0);
  return [
    integer(run.tenants),
    cell.access,
    workloadLabel(cell.workload),
    String(cell.concurrency),
    String(cell.bulkhead.runs.length),
    integer(u.opsPerSecond),
    integer(b.opsPerSecond),
    withRuns(throughput(cell)),
    `${ms(u.p50Ms)} → ${ms(b.p50Ms)}`,
    `${ms(u.p99Ms)} → ${ms(b.p99Ms)}`,
    withRuns(latency(cell)),
    delta(b.nodeMicrosPerOp, u.nodeMicrosPerOp),
    delta(b.postgresMicrosPerOp, u.postgresMicrosPerOp),
    cores(Math.max(b.otherCores ?? 0, u.otherCores ?? 0)),
    `${integer(b.operations + u.operations)} / ${bad}`,
  ];
}

function memoryRow(run: ManyRun): string[] {
  const { baseline, afterColdStart, after, peakRssMb } = run.memory;
  const g = growth(run);
  return [
    integer(run.tenants),
    integer(run.touched),
    `${mb(baseline.heapAndExternalMb)} → ${mb(after.heapAndExternalMb)} (${signedMb(g.heap)})`,
    `${mb(baseline.heapUsedMb)} + ${mb(baseline.externalMb)} → ${mb(after.heapUsedMb)} + ${mb(after.externalMb)}`,
    `${signedMb(afterColdStart.heapAndExternalMb - baseline.heapAndExternalMb)} / ${signedMb(afterColdStart.rssMb - baseline.rssMb)}`,
    `${mb(baseline.rssMb)} → ${mb(after.rssMb)} (${signedMb(g.rss)})`,
    anonGrowth(run),
    `${mb(baseline.heapTotalMb)} → ${mb(after.heapTotalMb)}`,
    mb(peakRssMb),
    `${run.clientsBuilt} of ${run.slots}`,
    integer(run.tenantsTracked),
  ];
}

/** Node and PostgreSQL CPU per operation in the target cells: where Bulkhead's cost lands. */
function cpuLines(many: ManyTenantsResults): string[] {
  const largest = many.runs.at(-1)!;
  return targetCellsOf(largest).map((cell) => {
    const b = cell.bulkhead.pooled;
    const u = cell.baseline.pooled;
    const nodeBound = (u.nodeMicrosPerOp ?? Number.NaN) / (b.nodeMicrosPerOp ?? Number.NaN);
    return (
      `- *${workloadLabel(cell.workload)}, ${label(largest)}, ${cell.access}, concurrency ${cell.concurrency}:* Node ${integer(b.nodeMicrosPerOp ?? Number.NaN)} µs/op ` +
      `against ${integer(u.nodeMicrosPerOp ?? Number.NaN)} unscoped (${cores(b.nodeCores)} vs ${cores(u.nodeCores)} cores); PostgreSQL ` +
      `${integer(b.postgresMicrosPerOp ?? Number.NaN)} against ${integer(u.postgresMicrosPerOp ?? Number.NaN)} µs/op (${cores(b.postgresCores)} vs ${cores(u.postgresCores)} cores). ` +
      `If Node-bound, the ratio would be ${nodeBound.toFixed(2)}; measured ${throughput(cell).median.toFixed(2)}.`
    );
  });
}

export function manySection(report: BenchReport, many: ManyTenantsResults): string {
  const counts = many.runs.map((run) => integer(run.tenants)).join(' and ');
  const header = ['Tenants', 'Access', 'Workload', 'Conc.', 'Runs', 'Unscoped ops/s', 'Bulkhead ops/s', 'Ratio', 'p50 ms (unscoped → Bulkhead)'];
  header.push('p99 ms (unscoped → Bulkhead)', 'p99 ratio', 'Bulkhead Node µs/op (Δ)', 'Bulkhead PG µs/op (Δ)', 'Other load', 'Checked / bad');
  const rows = many.runs.flatMap((run) => run.cells.map((cell) => cellRow(run, cell)));
  const memoryHeader = ['Tenants', 'Distinct tenants touched', 'Heap used + external: baseline → after', 'Heap used + external, apart'];
  memoryHeader.push('Growth once the slots are built: heap + external / RSS', 'RSS: baseline → after', 'Anonymous RSS: baseline → after');
  memoryHeader.push('V8 heap committed (heapTotal): baseline → after', 'Peak RSS');
  memoryHeader.push('PrismaClients built', 'Tenants with state after');
  const zipf = many.runs.map((run) => `${Math.round((many.zipfTop10[run.tenants] ?? 0) * 100)}% among ${integer(run.tenants)}`).join(', ');
  const other = Math.max(0, ...many.runs.flatMap((run) => run.cells.flatMap((cell) => [cell.bulkhead.pooled.otherCores ?? 0, cell.baseline.pooled.otherCores ?? 0])));
  // Each process has its own repeat budget.
  const quiet = {
    ...many.runs[0]!.quiet,
    windows: sum(many.runs.map((run) => run.quiet.windows)),
    repeated: sum(many.runs.map((run) => run.quiet.repeated)),
    remainingMs: sum(many.runs.map((run) => run.quiet.remainingMs)),
  };
  return [
    `## Many tenants: ${counts}, from a cold start`,
    '',
    `For each tenant count a fresh Node process (\`--expose-gc\`) builds Bulkhead's factory as the app does (pool of 10, 8 slots, default shares, each tenant on its stored plan) ` +
      'and an unscoped PrismaClient beside it, warms only the unscoped one, takes its memory baseline, and then times both with nothing built or touched per tenant ' +
      'beforehand. Every cell is timed beside unscoped Prisma in interleaved windows of the same operations. *Uniform*: every tenant equally likely; ' +
      `*Zipf*: the tenant of size rank r with probability ∝ 1/r (the 10 largest get ${zipf} of the operations). ` +
      `The uniform cells at concurrency ${MANY_TARGET.concurrency} are timed in ${report.config.targetRuns} runs in every process (so both do the same work); ` +
      "their ratios are the median of the per-run ratios; p50 and p99 columns merge every window of the cell, the p99 ratio is the median of the per-run ratios.",
    '',
    table(header, ['r', 'l', 'l', ...header.slice(3).map((): 'r' => 'r')], rows),
    '',
    quietLine(quiet, report.config, other, report.config.repeatBudgetSeconds * many.runs.length),
    '',
    '### Memory',
    '',
    "Measured in each process after a full collection: at its baseline (factory and unscoped client created, the unscoped client warmed, no tenant operation yet) " +
      "and after its whole workload; also right after the cold start (below), when the slots' PrismaClients exist but few tenants have come by. " +
      'Every process loads the same sample of order ids (all tenants), so only the number of tenants drawn from differs. ' +
      '*Tenants with state after*: tenants the factory still keeps anything for once the work is done (its fair-share queues exist only while a tenant holds or waits for a slot). ' +
      "*Anonymous RSS* is the memory the process allocated; the rest of RSS is mapped files (code, libraries, Prisma's engine), pages the kernel may drop " +
      'and read again at will' +
      (report.machine.proactiveReclaim ? ' — this machine runs a proactive reclaimer (a DAMON monitor was on), which does, so total RSS moves between runs. ' : '. ') +
      '*V8 heap committed* is what V8 keeps for its heap after the collection: pages it used under load and did not give back, part of anonymous RSS.',
    '',
    table(memoryHeader, memoryHeader.map((): 'r' => 'r'), many.runs.map(memoryRow)),
    '',
    ...many.runs.map(
      (run) =>
        `- *Cold start, ${label(run)}:* the factory's first ${COLD_START_MS / 1000} s served ${integer(run.coldStart.operations)} lookups at concurrency 8 ` +
        `(p50 ${ms(run.coldStart.p50Ms)} ms, ` +
        `p99 ${ms(run.coldStart.p99Ms)} ms) and built ${run.clientsAfterColdStart} PrismaClients; ${run.memory.exact ? '' : 'heap figures approximate (no forced collection); '}` +
        `the process took ${(run.wallMs / 1000).toFixed(0)} s.`,
    ),
    '',
    '### Where the time goes (target cells)',
    '',
    ...cpuLines(many),
  ].join('\n');
}
