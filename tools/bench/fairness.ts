import { isDeepStrictEqual } from 'node:util';

import { TenantBusyError } from '@bulkhead/tenancy';
import pg from 'pg';

import { revenueReport, type ReportRange } from '../../lib/billing/report';
import { appPool, closeAppPool } from '../../lib/db/pool';
import { env } from '../../lib/env';
import { runInTenant, tenantDb, type TenantClientFactory } from '../../lib/tenancy';
import { seedCommerce, type RevenueFigures } from '../../prisma/seed/commerce';
import { isChild, runChild, serveChild } from './child';
import type { BenchConfig } from './config';
import { runQuietWindow, runWindow, summarizeWindow, type CellSummary, type QuietBudget } from './measure';
import type { SampledTenant } from './seed';
import type { Variant } from './variants';
import { newQuietBudget } from './warm';
import { RECENT_PAID_LIMIT, TenantPicker } from './workload';

// Fairness: does one tenant's heavy work slow another tenant down? Tenants A and B, both on the
// pro plan, in one process that reaches the database exactly as the app does — runInTenant() and
// tenantDb() from lib/tenancy, the app's own factory and pool at their default settings. B keeps
// 16 revenue reports (lib/billing/report.ts, the report page's service, over B's 200,000 orders)
// running at once; A sends primary-key lookups in a closed loop at concurrency 1. A's latency is
// timed alone and during B's load, in alternating order, `targetRuns` times; while it runs, B's
// slots (the factory's own count) and the app role's busy connections (pg_stat_activity) are
// sampled every 50 ms.

export const FAIRNESS_TARGET = { p99Ratio: 1.5 } as const;
const PLAN = 'pro' as const;
const TIME_ZONE = 'UTC';
const SAMPLE_EVERY_MS = 50;

export interface FairnessDataset {
  quiet: SampledTenant;
  noisy: { id: string; orders: number; payments: number; orderItems: number; range: ReportRange; totals: RevenueFigures };
  seedMs: number;
}

/** B's side of one loaded phase: what its reports did, and what it held. */
export interface NoisyFigures {
  seconds: number;
  completed: number;
  /** Reports refused because one of their statements waited past the bounded queue wait. */
  busy: number;
  /** B's operations (statements) refused with TenantBusyError: the app's "tenant busy" log lines. */
  busyOperations: number;
  failed: number;
  /** Reports whose totals differ from what the seed generated: another tenant's rows, or a bug. */
  wrong: number;
  firstError?: string;
  /** The factory's own count of B's slots, sampled. */
  heldMax: number;
  heldMean: number;
  waitingMax: number;
  /** The app role's non-idle backends (pg_stat_activity), sampled; undefined when not visible. */
  connectionsMax: number | undefined;
  connectionsMean: number | undefined;
  /** The app role's connections (client backends), idle ones included, sampled. */
  backendsMax: number | undefined;
  /** Parallel query workers running for the app role's statements (they are not connections). */
  workersMax: number | undefined;
  workersMean: number | undefined;
  /** Connections the app's pg pool itself had open (pool.totalCount), sampled. */
  poolMax: number;
}

export interface FairnessRun {
  quiet: CellSummary;
  loaded: CellSummary;
  noisy: NoisyFigures;
  /** The app role's busy connections during A's quiet window. */
  quietConnectionsMax: number | undefined;
}

export interface FairnessResults {
  dataset: Omit<FairnessDataset, 'quiet'> & { quietOrders: number };
  plan: typeof PLAN;
  reports: number;
  /** The app settings the child ran with, as lib/env parsed them. */
  app: {
    poolSize: number;
    reserved: number;
    shares: Record<string, number>;
    queueWaitMs: number;
    statementTimeoutMs: number;
    mode: string;
  };
  /** One report of B alone, before the runs (median of 3). */
  reportAloneMs: number;
  runs: FairnessRun[];
  quietBudget: QuietBudget;
}

/** Seeds A (2,000 orders) and B (`noisyOrders`) with the realistic generator, through the ops role. */
export async function seedFairnessTenants(opsUrl: string, noisyOrders: number, log: (line: string) => void): Promise<FairnessDataset> {
  const started = performance.now();
  const ops = new pg.Client({ connectionString: opsUrl });
  await ops.connect();
  try {
    const insert = async (slug: string) => {
      const { rows } = await ops.query<{ id: string }>(
        `INSERT INTO tenants (slug, name, timezone, currency, plan) VALUES ($1, $2, $3, 'USD', $4) RETURNING id`,
        [slug, `Fairness ${slug}`, TIME_ZONE, PLAN],
      );
      return rows[0]!.id;
    };
    const tenant = (id: string, slug: string) => ({ id, slug, timezone: TIME_ZONE, currency: 'USD' });
    const quietId = await insert('fair-a');
    const noisyId = await insert('fair-b');
    const months = 12;
    log(`Seeding the fairness tenants: A with 2,000 orders, B with ${noisyOrders.toLocaleString('en-US')}…`);
    await seedCommerce(ops, tenant(quietId, 'fair-a'), {
      customers: 200,
      products: 40,
      orders: 2_000,
      months,
      seed: 11,
      signature: 2,
      canary: 'CANARY-FAIR-A',
    });
    const expected = await seedCommerce(ops, tenant(noisyId, 'fair-b'), {
      customers: 2_000,
      products: 200,
      orders: noisyOrders,
      months,
      seed: 12,
      signature: 3,
      canary: 'CANARY-FAIR-B',
    });
    const firstMonth = Object.keys(expected.byMonth).sort()[0]!;
    const { rows } = await ops.query<{ id: string }>('SELECT id FROM orders WHERE tenant_id = $1 ORDER BY md5(id::text)', [quietId]);
    const orderIds = rows.map((row) => row.id);
    return {
      quiet: { id: quietId, slug: 'fair-a', plan: PLAN, orders: orderIds.length, paidOrders: 0, orderIds },
      noisy: {
        id: noisyId,
        orders: expected.orders.total,
        payments: expected.totals.payments,
        orderItems: expected.orderItems,
        // The whole history, by month: every report reads all of B's payments, refunds and lines.
        range: { from: `${firstMonth}-01`, to: new Date(Date.now() + 86_400_000).toISOString().slice(0, 10), granularity: 'month' },
        totals: expected.totals,
      },
      seedMs: performance.now() - started,
    };
  } finally {
    await ops.end();
  }
}

interface FairnessRequest {
  config: BenchConfig;
  dataset: FairnessDataset;
  postmaster: number | undefined;
  /** A connection that may read every session of pg_stat_activity (the bootstrap superuser). */
  monitorUrl: string;
  database: string;
  appRole: string;
}

export async function runFairness(request: FairnessRequest & { appUrl: string }, log: (line: string) => void): Promise<FairnessResults> {
  log(`Fairness: A's lookups alone and beside ${request.config.fairness.reports} of B's reports, in a process with the app's defaults.`);
  // The app's own settings: DATABASE_URL only; every tuning variable left to its default.
  const childEnv: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: request.appUrl };
  for (const name of Object.keys(childEnv)) {
    if ((name.startsWith('TENANT_') || name.startsWith('DATABASE_POOL_')) && name !== 'DATABASE_URL') delete childEnv[name];
  }
  const { appUrl: _, ...rest } = request;
  return runChild<FairnessRequest, FairnessResults>(import.meta.filename, rest, { env: childEnv });
}

// ─── the child: the app's factory, A's lookups, B's reports ─────────────────────────────────────

const asTenant = <T>(tenant: { id: string }, work: () => Promise<T>) =>
  runInTenant({ tenantId: tenant.id, actorType: 'system', plan: PLAN }, work);

/** The app's factory, as lib/tenancy/index.ts keeps it on globalThis (it exports no accessor). */
const appFactory = () => (globalThis as { bulkheadTenantClients?: TenantClientFactory }).bulkheadTenantClients;

/**
 * The app's factory logs every TenantBusyError as one JSON line on stderr (lib/tenancy's default
 * onBusy). Counted per tenant here rather than printed: hundreds of them would bury the run's log.
 */
function countBusyLines(): Map<string, number> {
  const counts = new Map<string, number>();
  const print = console.error.bind(console);
  console.error = (...args: unknown[]) => {
    const [line] = args;
    if (args.length === 1 && typeof line === 'string' && line.includes('"msg":"tenant busy"')) {
      try {
        const { tenantId } = JSON.parse(line) as { tenantId: string };
        counts.set(tenantId, (counts.get(tenantId) ?? 0) + 1);
        return;
      } catch {
        // not the line we know: print it
      }
    }
    print(...args);
  };
  return counts;
}

/** A's client: every operation its own runInTenant(), as every request of the app is. */
function appVariant(): Variant {
  let checkouts = 0;
  appPool().on('acquire', () => (checkouts += 1));
  return {
    key: 'pipelined',
    checkouts: () => checkouts,
    buildTenantClients: () => undefined,
    clientsHeld: () => appFactory()?.builtClients() ?? 0,
    findOrder: (tenant, orderId) =>
      asTenant(tenant, () => tenantDb().order.findUnique({ where: { tenantId_id: { tenantId: tenant.id, id: orderId } } })),
    recentPaidOrders: (tenant) =>
      asTenant(tenant, () =>
        tenantDb().order.findMany({ where: { status: 'paid' }, orderBy: { placedAt: 'desc' }, take: RECENT_PAID_LIMIT }),
      ),
    close: closeAppPool,
  };
}

/** B: `concurrency` report loops, each starting its next report when the last one ended. */
class NoisyReports {
  private running = false;
  private loops: Promise<void>[] = [];
  private started = 0;
  private busyLinesBefore = 0;
  counts = { completed: 0, busy: 0, failed: 0, wrong: 0, firstError: undefined as string | undefined };

  constructor(
    private readonly tenant: FairnessDataset['noisy'],
    private readonly concurrency: number,
    private readonly busyLines: Map<string, number>,
  ) {}

  /** B's operations refused since start(). */
  busyOperations(): number {
    return (this.busyLines.get(this.tenant.id) ?? 0) - this.busyLinesBefore;
  }

  start(): void {
    this.counts = { completed: 0, busy: 0, failed: 0, wrong: 0, firstError: undefined };
    this.busyLinesBefore = this.busyLines.get(this.tenant.id) ?? 0;
    this.running = true;
    this.started = performance.now();
    this.loops = Array.from({ length: this.concurrency }, () => this.loop());
  }

  /** Stops starting reports, waits for the running ones; the seconds B's load lasted. */
  async stop(): Promise<number> {
    this.running = false;
    await Promise.all(this.loops);
    return (performance.now() - this.started) / 1000;
  }

  async once(): Promise<void> {
    const report = await asTenant(this.tenant, () => revenueReport(this.tenant.range));
    if (!isDeepStrictEqual(report.totals, this.tenant.totals))
      throw new Error(`B's report totals are wrong: ${JSON.stringify(report.totals)}`);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      try {
        await this.once();
        this.counts.completed += 1;
      } catch (error) {
        if (error instanceof TenantBusyError) this.counts.busy += 1;
        else if (error instanceof Error && error.message.startsWith("B's report totals")) this.counts.wrong += 1;
        else this.counts.failed += 1;
        if (!(error instanceof TenantBusyError)) this.counts.firstError ??= error instanceof Error ? error.message : String(error);
      }
    }
  }
}

/** Samples B's slots (the factory's count) and the app role's busy connections every 50 ms. */
class Sampler {
  private held: number[] = [];
  private waiting: number[] = [];
  private connections: number[] = [];
  private backends: number[] = [];
  private workers: number[] = [];
  private pool: number[] = [];
  private timer?: NodeJS.Timeout;
  private querying = false;

  constructor(
    private readonly monitor: pg.Client,
    private readonly noisyId: string,
    private readonly database: string,
    private readonly appRole: string,
  ) {}

  start(): void {
    this.held = [];
    this.waiting = [];
    this.connections = [];
    this.backends = [];
    this.workers = [];
    this.pool = [];
    this.timer = setInterval(() => this.sample(), SAMPLE_EVERY_MS);
  }

  stop() {
    clearInterval(this.timer);
    const mean = (values: number[]) => values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);
    const seen = this.connections.length > 0;
    return {
      heldMax: Math.max(0, ...this.held),
      heldMean: mean(this.held),
      waitingMax: Math.max(0, ...this.waiting),
      connectionsMax: seen ? Math.max(...this.connections) : undefined,
      connectionsMean: seen ? mean(this.connections) : undefined,
      backendsMax: seen ? Math.max(...this.backends) : undefined,
      workersMax: seen ? Math.max(...this.workers) : undefined,
      workersMean: seen ? mean(this.workers) : undefined,
      poolMax: Math.max(0, ...this.pool),
    };
  }

  private sample(): void {
    const stats = appFactory()?.stats();
    this.held.push(stats?.held[this.noisyId] ?? 0);
    this.waiting.push(stats?.waiting ?? 0);
    this.pool.push(appPool().totalCount);
    if (this.querying) return;
    this.querying = true;
    this.monitor
      .query<{ busy: number; backends: number; workers: number }>(
        // Parallel workers show up under the leader's role: counted apart, they are not connections.
        `SELECT (count(*) FILTER (WHERE backend_type = 'client backend' AND state IN ('active', 'idle in transaction')))::int AS busy,
                (count(*) FILTER (WHERE backend_type = 'client backend'))::int AS backends,
                (count(*) FILTER (WHERE backend_type = 'parallel worker'))::int AS workers
           FROM pg_stat_activity WHERE datname = $1 AND usename = $2`,
        [this.database, this.appRole],
      )
      .then(
        ({ rows }) => {
          this.connections.push(rows[0]!.busy);
          this.backends.push(rows[0]!.backends);
          this.workers.push(rows[0]!.workers);
        },
        () => undefined,
      )
      .finally(() => (this.querying = false));
  }
}

/**
 * Waits until B holds and waits for nothing: a report refused mid-way leaves its other statements
 * running, and they must not spill into A's next quiet window.
 */
async function settled(noisyId: string): Promise<void> {
  for (let waited = 0; waited < 30_000; waited += SAMPLE_EVERY_MS) {
    const stats = appFactory()?.stats();
    if (!stats || ((stats.held[noisyId] ?? 0) === 0 && stats.waiting === 0)) return;
    await new Promise((resolve) => setTimeout(resolve, SAMPLE_EVERY_MS));
  }
}

async function measureFairness({ config, dataset, postmaster, monitorUrl, database, appRole }: FairnessRequest): Promise<FairnessResults> {
  const log = (line: string) => console.log(`[bench] [fairness] ${line}`);
  const settings = env();
  const variant = appVariant();
  const picker = new TenantPicker([dataset.quiet]);
  const busyLines = countBusyLines();
  const noisy = new NoisyReports(dataset.noisy, config.fairness.reports, busyLines);
  const monitor = new pg.Client({ connectionString: monitorUrl });
  await monitor.connect();
  const sampler = new Sampler(monitor, dataset.noisy.id, database, appRole);
  const quietBudget = newQuietBudget(config);
  const window = { variant, workload: 'lookup', picker, concurrency: 1, postmaster } as const;
  try {
    // Warm-up: A's lookups, then B's report alone (its timing is reported for scale).
    await runWindow({ ...window, durationMs: 1000, seed: 1 });
    const alone: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await noisy.once();
      alone.push(performance.now() - started);
    }
    const reportAloneMs = alone.sort((a, b) => a - b)[1]!;
    log(`one report of B alone: ${reportAloneMs.toFixed(0)} ms.`);

    const runs: FairnessRun[] = [];
    for (let run = 0; run < config.targetRuns; run++) {
      const timeQuiet = async () => {
        await runWindow({ ...window, durationMs: config.warmupSeconds * 1000, seed: 50 + run });
        sampler.start();
        const quiet = summarizeWindow(
          await runQuietWindow({ ...window, durationMs: config.fairness.seconds * 1000, seed: 100 + run }, quietBudget),
        );
        return { quiet, connections: sampler.stop().connectionsMax };
      };
      const timeLoaded = async () => {
        noisy.start();
        await new Promise((resolve) => setTimeout(resolve, config.fairness.leadSeconds * 1000));
        sampler.start();
        const loaded = summarizeWindow(
          await runQuietWindow({ ...window, durationMs: config.fairness.seconds * 1000, seed: 100 + run }, quietBudget),
        );
        const sampled = sampler.stop();
        const seconds = await noisy.stop();
        await settled(dataset.noisy.id);
        return { loaded, noisy: { seconds, ...noisy.counts, busyOperations: noisy.busyOperations(), ...sampled } };
      };
      // Alternate which comes first, so drift does not always favour the same side.
      let quietSide: Awaited<ReturnType<typeof timeQuiet>>;
      let loadedSide: Awaited<ReturnType<typeof timeLoaded>>;
      if (run % 2 === 0) {
        quietSide = await timeQuiet();
        loadedSide = await timeLoaded();
      } else {
        loadedSide = await timeLoaded();
        quietSide = await timeQuiet();
      }
      const { quiet, connections } = quietSide;
      runs.push({ quiet, loaded: loadedSide.loaded, noisy: loadedSide.noisy, quietConnectionsMax: connections });
      log(
        `run ${run + 1}: A's p99 ${quiet.p99Ms.toFixed(2)} ms alone, ${loadedSide.loaded.p99Ms.toFixed(2)} ms beside B ` +
          `(${(loadedSide.loaded.p99Ms / quiet.p99Ms).toFixed(2)}×); B held at most ${loadedSide.noisy.heldMax} slots, ` +
          `completed ${loadedSide.noisy.completed} reports, ${loadedSide.noisy.busy} refused (busy).`,
      );
    }
    return {
      dataset: { noisy: dataset.noisy, seedMs: dataset.seedMs, quietOrders: dataset.quiet.orders },
      plan: PLAN,
      reports: config.fairness.reports,
      app: {
        poolSize: settings.DATABASE_POOL_SIZE,
        reserved: settings.DATABASE_POOL_RESERVED,
        shares: settings.TENANT_POOL_SHARES,
        queueWaitMs: settings.TENANT_QUEUE_WAIT_MS,
        statementTimeoutMs: settings.TENANT_STATEMENT_TIMEOUT_MS[PLAN],
        mode: settings.TENANT_DB_MODE,
      },
      reportAloneMs,
      runs,
      quietBudget,
    };
  } finally {
    await monitor.end();
    await variant.close();
  }
}

if (isChild()) serveChild(measureFairness);
