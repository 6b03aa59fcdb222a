import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { dropDatabase, dropRoles, migrate, provisionDatabase } from '@bulkhead/tenancy/admin';
import { acquireServer, freePort } from '@bulkhead/tenancy/server';
import pg from 'pg';

import { parseEnv } from '../../lib/env';
import { runtimeEnv } from '../../scripts/db/runtime-env';
import { checkRole, describeMachine, describeServer, packageVersions } from './environment';
import { ownershipOf, type Ownership } from './noisy/checks';
import { cpuSplitBetween, snapshotSplit, type ProcessIds } from './noisy/cpu';
import { FloodProcess } from './noisy/flood';
import type { FloodMark } from './noisy/flood-protocol';
import { summarizeLatencies } from './noisy/latency';
import { ensureProductionBuild, startNext, type RunningNext } from './noisy/next-server';
import { DISTURBED_CORES, renderConsole, renderMarkdown, type NoisyReport } from './noisy/report';
import { readSettings, type NoisySettings } from './noisy/settings';
import {
  emptyCorrectness,
  isolationHeld,
  recordAnswers,
  requestCosts,
  summarizePhase,
  type Correctness,
  type MeasuredWindow,
  type PhaseKind,
} from './noisy/summary';
import { runTenantTraffic, type TenantTrafficWindow } from './noisy/tenant-traffic';
import { bindingLimitPerMinute, seedTenants, type TenantUnderTest } from './noisy/tenants';

// `npm run bench:noisy`: does one tenant's flood slow another tenant's API? Two tenants on one
// `next start` (the production build, as the restricted runtime role) over loopback: A sends a
// steady, modest rate of reads well inside its plan; B floods the same endpoint far past its plan
// from a process of its own. A's latency is measured with and without the flood, in alternating
// rounds, every answer either side gets is checked for the other's data, and the result goes to
// docs/noisy-neighbour.md. A goal not met is a finding, not a failure: the exit code is non-zero
// only when something broke or an answer was wrong. Everything it starts, it stops.

const log = (line: string) => console.log(`[bench:noisy] ${line}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

interface RunContext {
  settings: NoisySettings;
  quiet: TenantUnderTest;
  quietOwnership: Ownership;
  next: RunningNext;
  flood: FloodProcess;
  stats: pg.Client;
  pids: ProcessIds;
  correctness: Correctness;
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const startedAt = new Date();
  const settings = readSettings();
  log(
    `${settings.rounds} rounds × (quiet + flood) × ${settings.seconds} s; A at ` +
      `${settings.quietRate} req/s over ${settings.quietConnections} connections, ` +
      `B flooding over ${settings.floodConnections}.`,
  );
  const builtFirst = await ensureProductionBuild(log);

  const server = await acquireServer();
  const rolePrefix = `bulkhead_n${randomBytes(3).toString('hex')}`;
  const database = `${rolePrefix}_db`;
  let next: RunningNext | undefined;
  let flood: FloodProcess | undefined;
  let stats: pg.Client | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () =>
    (cleaned ??= (async () => {
      await flood?.close().catch(() => {});
      await next?.stop().catch(() => {});
      await stats?.end().catch(() => {});
      await dropDatabase(server.bootstrapUrl, database).catch(() => {});
      await dropRoles(server.bootstrapUrl, rolePrefix).catch(() => {});
      await server.release();
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the server, the flood and the database…`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    log(server.shared ? 'Using BOOTSTRAP_DATABASE_URL.' : 'Started a throw-away embedded PostgreSQL (fsync off).');
    const { urls } = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database, rolePrefix });
    await migrate({ connectionString: urls.migration });
    const { quiet, noisy } = await seedTenants(urls.ops);
    assertPlansFit(settings, quiet, noisy);
    const appRole = await checkRole(urls.app);
    if (appRole.bypassesRls || appRole.isSuperuser)
      throw new Error(`The runtime role ${appRole.user} bypasses RLS; the server would not run as the app does.`);
    const serverInfo = await describeServer(urls.ops);
    log(
      `Seeded ${quiet.name} (A, ${quiet.plan}, ${quiet.orderIds.length} orders) and ` +
        `${noisy.name} (B, ${noisy.plan}, ${noisy.orderIds.length} orders).`,
    );

    next = await startNext({ appDatabaseUrl: urls.app, port: await freePort(), log });
    log(`next start is healthy at ${next.baseUrl} (pid ${next.pid}).`);
    flood = await FloodProcess.spawn();
    await flood.configure({
      baseUrl: next.baseUrl,
      apiKeys: noisy.apiKeys,
      connections: settings.floodConnections,
      ownership: noisy.ownership,
    });
    stats = new pg.Client({ connectionString: urls.ops });
    await stats.connect();

    const context: RunContext = {
      settings,
      quiet,
      quietOwnership: ownershipOf(quiet.ownership),
      next,
      flood,
      stats,
      pids: { postmaster: serverInfo.postmasterPid, next: next.pid, flood: flood.pid },
      correctness: emptyCorrectness(),
    };

    await warmUp(context);
    const windows: MeasuredWindow[] = [];
    const repeats: RepeatBudget = { left: settings.repeats, used: 0 };
    for (let round = 0; round < settings.rounds; round++) {
      const order: PhaseKind[] = round % 2 === 0 ? ['quiet', 'flood'] : ['flood', 'quiet'];
      for (const phase of order) windows.push(await measureQuietly(context, round, phase, repeats));
    }

    const quietPhase = summarizePhase(windows.filter((w) => w.phase === 'quiet'));
    const floodPhase = summarizePhase(windows.filter((w) => w.phase === 'flood'));
    const report: NoisyReport = {
      startedAt,
      settings,
      builtFirst,
      machine: describeMachine(),
      server: { ...serverInfo, embedded: !server.shared },
      versions: { ...(await packageVersions()), next: await versionOf('next'), autocannon: await versionOf('autocannon') },
      appRole: appRole.user,
      app: appSettings(urls.app),
      tenants: { quiet, noisy },
      windows,
      quiet: quietPhase,
      flood: floodPhase,
      costs: requestCosts(quietPhase, floodPhase),
      repeatedWindows: repeats.used,
      correctness: context.correctness,
      serverLogLinesSilenced: next.silencedLines(),
      wallTimeMs: performance.now() - runStarted,
    };
    console.log(renderConsole(report));
    if (settings.reportPath) {
      const file = path.resolve(settings.reportPath);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, renderMarkdown(report));
      log(`Wrote ${path.relative(process.cwd(), file)}.`);
    } else {
      log('Smoke run (NOISY_* overrides): no report written (set NOISY_OUTPUT=<file> to write one).');
    }
    if (!isolationHeld(context.correctness)) {
      log('FAILED: an answer carried the other tenant’s data, was not the one asked for, or A was refused for B’s traffic (see above).');
      process.exitCode = 1;
    }
  } finally {
    await cleanup();
    log(`Done in ${seconds(performance.now() - runStarted)} (wall time, including set-up and teardown).`);
  }
}

/** A must stay well inside its plan, or its own 429s would be measured; B needs keys to flood with. */
function assertPlansFit(settings: NoisySettings, quiet: TenantUnderTest, noisy: TenantUnderTest): void {
  const quietPerMinute = settings.quietRate * 60;
  const quietLimit = bindingLimitPerMinute(quiet.plan, 1);
  if (quietPerMinute > quietLimit * 0.8) {
    throw new Error(
      `A's ${settings.quietRate} req/s (${quietPerMinute}/min) is too close to its ${quiet.plan} ` +
        `plan's ${quietLimit}/min for a fair measurement.`,
    );
  }
  if (noisy.apiKeys.length === 0) throw new Error(`Tenant ${noisy.slug} has no demo API keys to flood with.`);
}

/** A alone, then A beside the flood, untimed: routes loaded, pools filled, B's budget spent. */
async function warmUp(context: RunContext): Promise<void> {
  const { settings, flood, correctness } = context;
  if (settings.warmupSeconds === 0) return;
  log(`Warming up: ${settings.warmupSeconds} s of A alone, then ${settings.warmupSeconds} s beside the flood.`);
  recordAnswers(correctness, await steadyTraffic(context, settings.warmupSeconds), undefined);
  await flood.start();
  const traffic = await steadyTraffic(context, settings.warmupSeconds);
  recordAnswers(correctness, traffic, await flood.stop());
}

/** Tenant A's steady reads, for `seconds`. */
function steadyTraffic(context: RunContext, seconds: number): Promise<TenantTrafficWindow> {
  const { settings, quiet, quietOwnership, next } = context;
  return runTenantTraffic({
    baseUrl: next.baseUrl,
    apiKey: quiet.apiKeys[0]!,
    orderIds: quiet.orderIds,
    ownership: quietOwnership,
    requestsPerSecond: settings.quietRate,
    connections: settings.quietConnections,
    seconds,
  });
}

/** Transactions the database has counted so far (pg_stat_database, flushed by backends within ~1 s). */
async function transactionsSoFar(stats: pg.Client): Promise<number | undefined> {
  const { rows } = await stats.query<{ n: string | null }>(
    'SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()',
  );
  return rows[0]?.n == null ? undefined : Number(rows[0].n);
}

async function measureWindow(context: RunContext, round: number, phase: PhaseKind): Promise<MeasuredWindow> {
  const { settings, flood, stats, pids, correctness } = context;
  let floodStart: FloodMark | undefined;
  if (phase === 'flood') {
    await flood.start();
    await sleep(settings.leadSeconds * 1000);
    floodStart = await flood.mark();
  }
  const transactionsBefore = await transactionsSoFar(stats);
  const cpuBefore = snapshotSplit(pids);
  const cpuStarted = performance.now();
  const traffic = await steadyTraffic(context, settings.seconds);
  const cpuSeconds = (performance.now() - cpuStarted) / 1000;
  const cpu = cpuSplitBetween(cpuBefore, snapshotSplit(pids), cpuSeconds * 1000);
  const transactionsAfter = await transactionsSoFar(stats);

  let floodWindow: MeasuredWindow['flood'];
  if (floodStart) {
    const floodEnd = await flood.mark();
    const result = await flood.stop();
    const statuses = Object.fromEntries(
      Object.entries(floodEnd.statuses).map(([status, count]) => [status, count - (floodStart.statuses[status] ?? 0)]),
    );
    floodWindow = {
      requests: floodEnd.responses - floodStart.responses,
      seconds: (floodEnd.atMs - floodStart.atMs) / 1000,
      statuses,
      clientCpuMs: floodEnd.cpuMs - floodStart.cpuMs,
      result,
    };
  }
  recordAnswers(correctness, traffic, floodWindow?.result);
  return {
    round,
    phase,
    traffic,
    flood: floodWindow,
    cpu,
    cpuSeconds,
    transactions: transactionsBefore === undefined || transactionsAfter === undefined ? undefined : transactionsAfter - transactionsBefore,
  };
}

/** Repeats left for windows disturbed by processes outside the benchmark. */
interface RepeatBudget {
  left: number;
  used: number;
}

/**
 * One window, measured again (once, within the run's budget) when processes outside the
 * benchmark used more than DISTURBED_CORES meanwhile; the attempt they disturbed less is kept.
 * The discarded attempt's answers were checked all the same (measureWindow records them).
 */
async function measureQuietly(context: RunContext, round: number, phase: PhaseKind, budget: RepeatBudget): Promise<MeasuredWindow> {
  let kept = await measureWindow(context, round, phase);
  log(describeWindow(kept));
  const disturbance = (window: MeasuredWindow) => window.cpu.other ?? 0;
  if (disturbance(kept) > DISTURBED_CORES && budget.left > 0) {
    budget.left -= 1;
    budget.used += 1;
    log(`  other processes used ${disturbance(kept).toFixed(2)} cores meanwhile: measuring this window again.`);
    const again = await measureWindow(context, round, phase);
    log(describeWindow(again));
    if (disturbance(again) < disturbance(kept)) kept = again;
  }
  return kept;
}

function describeWindow(window: MeasuredWindow): string {
  const latency = summarizeLatencies([...window.traffic.latenciesMs.list, ...window.traffic.latenciesMs.detail]);
  const rate = (window.traffic.responses / (window.traffic.elapsedMs / 1000)).toFixed(1);
  const b = window.flood
    ? `; B ${(window.flood.requests / window.flood.seconds).toFixed(0)} req/s, ` +
      `${(((window.flood.statuses['429'] ?? 0) / Math.max(1, window.flood.requests)) * 100).toFixed(1)}% ` +
      `429`
    : '';
  const refused = window.traffic.responses - (window.traffic.statuses['200'] ?? 0);
  const other = window.cpu.other === undefined ? '' : `; others ${window.cpu.other.toFixed(2)} cores`;
  return (
    `Round ${window.round + 1}, ${window.phase}: A p50 ${latency.p50Ms.toFixed(1)} ms, p99 ` +
    `${latency.p99Ms.toFixed(1)} ms, ${rate} req/s, ${refused} ` +
    `non-200${b}${other}${window.traffic.firstRefusal ? ` (first: ${window.traffic.firstRefusal})` : ''}.`
  );
}

/** What the server runs with: the environment next-server.ts gives it, parsed as lib/env parses it. */
function appSettings(appDatabaseUrl: string): NoisyReport['app'] {
  const parsed = parseEnv({ ...runtimeEnv(appDatabaseUrl), NODE_ENV: 'production' });
  return {
    tenantDbMode: parsed.TENANT_DB_MODE,
    poolSize: parsed.DATABASE_POOL_SIZE,
    poolReserved: parsed.DATABASE_POOL_RESERVED,
    redis: parsed.REDIS_URL !== undefined,
    refusalHoldMs: parsed.API_REFUSAL_HOLD_MS,
  };
}

async function versionOf(name: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(path.join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')) as {
      version?: string;
    };
    return manifest.version ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

main().catch((error: unknown) => {
  console.error(`[bench:noisy] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
