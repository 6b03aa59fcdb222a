import { FAIRNESS_TARGET, type FairnessResults, type FairnessRun } from './fairness';
import { cores, disturbedBy, integer, ms, percent, table, times, verdictOf, withRuns, type TargetLine } from './format';
import { median } from './measure';
import type { BenchReport } from './report';

// The fairness section of docs/benchmarks.md and its lines on the console.

const p99Ratio = (run: FairnessRun) => run.loaded.p99Ms / run.quiet.p99Ms;
const p99Ratios = (fairness: FairnessResults) => {
  const perRun = fairness.runs.map(p99Ratio);
  return { median: median(perRun), perRun };
};
const optional = (value: number | undefined, digits = 0) => (value === undefined ? 'n/a' : value.toFixed(digits));
const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);

export function fairnessTargets(report: BenchReport, fairness: FairnessResults): TargetLine[] {
  const ratios = p99Ratios(fairness);
  const disturbed = disturbedBy(report.config, fairness.runs.flatMap((run) => [run.quiet, run.loaded]));
  return [
    {
      target: `Fairness: A's primary-key p99 while B runs ${fairness.reports} reports ≤ ${FAIRNESS_TARGET.p99Ratio} × A's quiet p99`,
      figure: withRuns(ratios),
      verdict: verdictOf(ratios.median <= FAIRNESS_TARGET.p99Ratio),
      note: disturbed ? 'other processes were busy during some of its windows' : undefined,
    },
  ];
}

export function fairnessConsole(fairness: FairnessResults): string[] {
  const lines = ['', `Fairness (A's lookups alone vs beside B's ${fairness.reports} reports):`];
  for (const [i, run] of fairness.runs.entries()) {
    lines.push(
      `  run ${i + 1}: A p50 ${ms(run.quiet.p50Ms)} → ${ms(run.loaded.p50Ms)} ms, p99 ${ms(run.quiet.p99Ms)} → ${ms(run.loaded.p99Ms)} ms (${times(p99Ratio(run))}); ` +
        `B ${run.noisy.completed} reports, ${run.noisy.busy} busy (${run.noisy.busyOperations} statements), held ≤ ${run.noisy.heldMax} slots, ` +
        `app connections ≤ ${optional(run.noisy.connectionsMax)}, parallel workers ≤ ${optional(run.noisy.workersMax)}`,
    );
  }
  return lines;
}

function runRow(run: FairnessRun, index: number): string[] {
  const { noisy } = run;
  return [
    String(index + 1),
    `${ms(run.quiet.p50Ms)} / ${ms(run.quiet.p99Ms)}`,
    `${ms(run.loaded.p50Ms)} / ${ms(run.loaded.p99Ms)}`,
    times(p99Ratio(run)),
    `${integer(run.quiet.opsPerSecond)} → ${integer(run.loaded.opsPerSecond)}`,
    `${noisy.completed} (${(noisy.completed / noisy.seconds).toFixed(1)}/s)`,
    `${noisy.busy} (${noisy.busyOperations} statements) / ${noisy.failed + noisy.wrong}`,
    `${noisy.heldMax} (mean ${noisy.heldMean.toFixed(1)})`,
    `${optional(run.quietConnectionsMax)} → ${optional(noisy.connectionsMax)} (mean ${optional(noisy.connectionsMean, 1)})`,
    `${optional(noisy.backendsMax)} / ${noisy.poolMax}`,
    `${optional(noisy.workersMax)} (mean ${optional(noisy.workersMean, 1)})`,
    `${cores(run.loaded.nodeCores)} / ${cores(run.loaded.postgresCores)} / ${percent(run.loaded.machineBusy)}`,
    cores(Math.max(run.quiet.otherCores ?? 0, run.loaded.otherCores ?? 0)),
  ];
}

/** What the figures say about where A's extra latency comes from, from this run's figures. */
function reading(report: BenchReport, fairness: FairnessResults, share: number): string[] {
  const ratios = p99Ratios(fairness);
  const heldMax = Math.max(...fairness.runs.map((run) => run.noisy.heldMax));
  const postgresLoaded = median(fairness.runs.map((run) => run.loaded.postgresCores ?? Number.NaN));
  const postgresQuiet = median(fairness.runs.map((run) => run.quiet.postgresCores ?? Number.NaN));
  const busy = sum(fairness.runs.map((run) => run.noisy.busy));
  const bullets = [
    `**The bulkhead held.** B never held more than ${heldMax} slot${heldMax === 1 ? '' : 's'} (its pro share is ${share}), so A always found one of the ` +
      `${fairness.app.poolSize - fairness.app.reserved} slots free: A's operations never queued behind B's.`,
  ];
  const machineBusy = median(fairness.runs.map((run) => run.loaded.machineBusy ?? Number.NaN));
  const nodeLoaded = median(fairness.runs.map((run) => run.loaded.nodeCores));
  if (ratios.median > FAIRNESS_TARGET.p99Ratio && machineBusy >= 0.9) {
    bullets.push(
      `**What A waited for is CPU, not a connection.** During B's load the machine was ${percent(machineBusy)} busy, PostgreSQL used ` +
        `${cores(postgresLoaded)} cores (${cores(postgresQuiet)} in A's quiet windows) and the process of A and B ${cores(nodeLoaded)}: ` +
        `B's ${share} concurrent report statements keep the cores busy, and A's lookup — well under a millisecond of work — waits for a core behind them. ` +
        "A share of connections bounds how many statements a tenant runs at once, not how much CPU each takes. Ideas: a share " +
        "sized to the database's cores rather than to the pool (on this 2-core server a pro tenant with 4 slots can occupy every core); no parallel " +
        'query for tenant statements (`SET LOCAL max_parallel_workers_per_gather = 0` in the round trip that sets the tenant), or fewer workers on smaller plans; ' +
        'a separate, smaller share (or the batch workload) for report-like statements; a CPU-time budget per tenant; or running reports against a replica.',
    );
  } else if (ratios.median > FAIRNESS_TARGET.p99Ratio) {
    bullets.push(
      `**A waited although the machine was not saturated** (${percent(machineBusy)} busy during B's load, PostgreSQL at ${cores(postgresLoaded)} cores): ` +
        "the extra latency is not a queue for a slot (see above), so it is in the shared process or the server — the event loop B's reports share with A, or locks and I/O.",
    );
  }
  const workersMax = Math.max(0, ...fairness.runs.map((run) => run.noisy.workersMax ?? 0));
  if (workersMax > 0) {
    const perGather = report.server.settings.max_parallel_workers_per_gather ?? '?';
    const total = report.server.settings.max_parallel_workers ?? '?';
    bullets.push(
      `**B's CPU is not bounded by its share.** B's report statements started up to ${workersMax} parallel query workers at once ` +
        `(mean ${median(fairness.runs.map((run) => run.noisy.workersMean ?? 0)).toFixed(1)}; max_parallel_workers_per_gather=${perGather}, max_parallel_workers=${total}): ` +
        `processes on top of its ${share} connections, which no connection share counts.`,
    );
  }
  if (busy > 0) {
    bullets.push(
      `**B's overflow was refused, not absorbed.** ${integer(busy)} of B's reports (${integer(sum(fairness.runs.map((run) => run.noisy.busyOperations)))} statements) ` +
        `failed with \`TenantBusyError\` after waiting ${fairness.app.queueWaitMs / 1000} s ` +
        "in B's own queue: 16 reports of 5 statements each are more than B's share can run within the bounded wait.",
    );
  }
  return bullets;
}

export function fairnessSection(report: BenchReport, fairness: FairnessResults): string {
  const ratios = p99Ratios(fairness);
  const share = Math.min(fairness.app.shares[fairness.plan] ?? Number.NaN, fairness.app.poolSize - fairness.app.reserved);
  const completed = sum(fairness.runs.map((run) => run.noisy.completed));
  const busy = sum(fairness.runs.map((run) => run.noisy.busy));
  const busyOperations = sum(fairness.runs.map((run) => run.noisy.busyOperations));
  const failed = sum(fairness.runs.map((run) => run.noisy.failed + run.noisy.wrong));
  const firstError = fairness.runs.map((run) => run.noisy.firstError).find((error) => error !== undefined);
  const checked = sum(fairness.runs.map((run) => run.quiet.operations + run.loaded.operations));
  const bad = sum(fairness.runs.flatMap((run) => [run.quiet, run.loaded].map((s) => s.correctness.foreignRows + s.correctness.wrongAnswers + s.correctness.errors)));
  const shares = Object.entries(fairness.app.shares).map(([plan, n]) => `${plan} ${n}`).join(', ');
  const header = ['Run', 'A alone: p50 / p99 ms', 'A beside B: p50 / p99 ms', 'p99 ratio', "A's lookups/s", 'B reports done', 'B reports refused (busy) / failed'];
  header.push('B slots held, max', 'App connections busy, max (alone → beside B)', 'App connections: server / pool, max', 'Parallel workers, max');
  header.push('Beside B: Node / PG cores, machine busy');
  header.push('Other load');
  const { noisy } = fairness.dataset;
  return [
    `## Fairness: one tenant's reports beside another tenant's lookups`,
    '',
    `Tenants A and B, both on ${fairness.plan}, in one Node process that reaches the database as the app does: \`runInTenant()\` and \`tenantDb()\` from ` +
      `lib/tenancy with the app's own factory and pool at their defaults (DATABASE_POOL_SIZE=${fairness.app.poolSize}, DATABASE_POOL_RESERVED=${fairness.app.reserved}, ` +
      `shares ${shares}, queue wait ${fairness.app.queueWaitMs} ms, ${fairness.app.mode} mode, statement timeout ${fairness.app.statementTimeoutMs / 1000} s on ${fairness.plan}). ` +
      `B keeps ${fairness.reports} revenue reports running at once — \`revenueReport()\` of lib/billing/report.ts, the report page's service: the tenant row, then four ` +
      `statements side by side, over B's whole history (${integer(noisy.orders)} orders, ${integer(noisy.payments)} payments, ${integer(noisy.orderItems)} order lines, ` +
      `by month). One report of B alone took ${integer(fairness.reportAloneMs)} ms. A looks up one of its orders by primary key in a closed loop at concurrency 1. ` +
      `Each run times A for ${report.config.fairness.seconds} s alone and ${report.config.fairness.seconds} s while B's load runs ` +
      `(started ${report.config.fairness.leadSeconds} s before A's window), alternating which comes first. B's slots are the factory's own count ` +
      "and the app role's connections come from pg_stat_activity (busy: active or idle in transaction; the server's count of all of them beside the app " +
      "pool's own count) with the parallel query workers its statements started, all sampled every 50 ms.",
    '',
    table(header, ['r', ...header.slice(1).map((): 'r' => 'r')], fairness.runs.map(runRow)),
    '',
    `**A's p99 beside B ÷ alone: ${withRuns(ratios)} — target ≤ ${FAIRNESS_TARGET.p99Ratio}×: ${verdictOf(ratios.median <= FAIRNESS_TARGET.p99Ratio)}.** ` +
      `B completed ${integer(completed)} reports in its loaded phases; ${integer(busy)} were refused with TenantBusyError ` +
      `(${integer(busyOperations)} of B's statements refused, as the app logged them) and ${integer(failed)} failed otherwise` +
      `${firstError ? ` (first: \`${firstError}\`)` : ''}. Every report's totals are checked against the generator's; ${integer(checked)} of A's answers checked, ${bad} wrong.`,
    '',
    ...reading(report, fairness, share).map((bullet) => `- ${bullet}`),
  ].join('\n');
}
