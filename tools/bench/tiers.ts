import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

import type { Placement } from '@bulkhead/tenancy';
import { dropDatabase, dropRoles, migrate, provisionDatabase, rolesFor, urlFor } from '@bulkhead/tenancy/admin';
import { acquireServer, type AcquiredServer } from '@bulkhead/tenancy/server';
import pg from 'pg';

import { databaseNameFor, placeInDatabase, placeInSchema, schemaNameFor, type DatabaseTarget } from '../../lib/db/tiers';
import { createTenantClientFactory, runInTenant, tenantDbFrom, type TenantClientFactory } from '../../lib/tenancy';
import type { Plan } from '../../lib/tenancy/context';
import { cpuBetween, snapshotCpu, type CpuSnapshot } from './cpu';
import { describeMachine } from './environment';
import { heapFiguresAreExact, settledMemory, type MemoryFigures } from './heap';
import { mb, ms, seconds, table } from './report';
import { seededRandom } from './workload';

// Isolation tiers at scale (issue 14): do the connection and memory bounds of the router hold with
// 1,000 tenants in schemas of their own and 20 in databases of their own? Not part of CI; figures in
// docs/tiers-benchmark.md.
//
//   node --import tsx tools/bench/tiers.ts
//
// 1. A control-plane database on one server (BOOTSTRAP_DATABASE_URL, or an embedded PostgreSQL),
//    dedicated databases on a second (BOOTSTRAP_DEDICATED_DATABASE_URL, or an embedded one; both
//    variables may name the same server). Every tenant is created shared with three customers,
//    products and orders, then placed with the operator's own functions (lib/db/tiers.ts), timed:
//    1,000 in schemas (the first and the last 20 one at a time, for uncontended figures at both
//    ends, the rest TIERS_PARALLEL at a time) and 20 in databases, created and migrated one at a
//    time. What the schemas cost the control plane's tenants table is measured before and after.
// 2. Three fresh child processes run the same visits through ONE tenant-client factory each, built
//    as the app builds it (a pool of 10, the default 8 slots, dedicated databases capped at 8 open
//    connections): over shared tenants only; over the schema tenants and shared ones; over every
//    tier — each schema tenant, each database tenant (10 visits a round: the largest tenants are
//    the busiest) and 100 shared ones. The runs differ only in where the visited tenants live. Each
//    round visits every tenant in a new random order, 16 at a time; a visit is a findMany of
//    customers, a count of orders, a raw join with unqualified table names, and an insert in 10% of
//    visits, every answer checked. Nothing is built or touched per tenant before the first timed
//    operation, and nothing is sized to the test.
// 3. Meanwhile this process samples pg_stat_activity on both servers every 50 ms (its own superuser
//    connections), the child its factory's databaseStats() every 5 ms; the child measures its heap
//    after a full collection between rounds. After the workload the tiered child waits until every
//    dedicated pool has been ended for want of use (30 s unused, swept every 5 s).
// 4. The bounds are asserted (the exit code is 1 when one fails), and every database and role made
//    here is dropped at the end, failed or interrupted.
//
// TIERS_SCHEMAS, TIERS_DATABASES, TIERS_SHARED, TIERS_SERIAL_SCHEMAS, TIERS_PARALLEL, TIERS_ROUNDS,
// TIERS_CONCURRENCY, TIERS_DATABASE_WEIGHT and TIERS_INSERT_PERCENT change the sizes, for a smoke
// run: TIERS_SCHEMAS=20 TIERS_SERIAL_SCHEMAS=5 TIERS_DATABASES=3 TIERS_SHARED=10 TIERS_ROUNDS=2.

const SLOT_POOL_SIZE = 10; // the app's default DATABASE_POOL_SIZE: 8 slots, 2 connections reserved
const DEDICATED_MAX_CONNECTIONS = 8; // the kit's default cap across dedicated databases
const SAMPLE_MS = 50;
/** How long the tiered child waits, at most, for the dedicated pools to be ended (30 s unused, swept every 5 s). */
const IDLE_WAIT_MS = 60_000;
/**
 * The memory bound: heap used after the tiered workload within HEAP_BOUND_MB of the same workload
 * over shared tenants only. 8 MB over 1,020 placed tenants is 8 KB a tenant: one PrismaClient per
 * schema would cost ~3 MB each (docs/tiers.md), and any per-tenant structure of the router bigger
 * than a few small strings would pass it. Two processes doing the same work differ by ~1 MB.
 */
const HEAP_BOUND_MB = 8;
/** And no growth once every tenant has been visited: heap after the last round within this of after the first. */
const ROUND_GROWTH_BOUND_MB = 4;

const int = (name: string, fallback: number) => {
  const value = process.env[name];
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) throw new Error(`${name} must be a whole number (got "${value}").`);
  return parsed;
};

const SETTINGS = {
  schemas: int('TIERS_SCHEMAS', 1000),
  databases: int('TIERS_DATABASES', 20),
  /** Shared tenants visited in the tiered run beside the placed ones. */
  shared: int('TIERS_SHARED', 100),
  /** Placed one at a time before the rest run in parallel: the uncontended figure. */
  serialSchemas: int('TIERS_SERIAL_SCHEMAS', 20),
  parallel: Math.max(1, int('TIERS_PARALLEL', 3)),
  rounds: Math.max(1, int('TIERS_ROUNDS', 5)),
  concurrency: Math.max(1, int('TIERS_CONCURRENCY', 16)),
  /** Visits a round of each database tenant. */
  databaseWeight: Math.max(1, int('TIERS_DATABASE_WEIGHT', 10)),
  insertPercent: int('TIERS_INSERT_PERCENT', 10),
};

const ROWS_PER_TENANT = 3;
const TARGET = 'dedicated';
const CHILD_FLAG = '--tiers-child';
const log = (line: string) => console.log(`[tiers] ${line}`);

// ─── what the parent hands a child ───────────────────────────────────────────────────────────────

type Tier = Placement['tier'];

interface BenchTenant {
  id: string;
  slug: string;
  plan: Plan;
  placement: Placement;
  /** Visits a round. */
  weight: number;
}

interface RunRequest {
  label: 'shared-only' | 'schemas' | 'tiered';
  tenants: BenchTenant[];
  appUrl: string;
  dedicated: { bootstrapUrl: string; appRole: string; password: string };
  waitForIdlePools: boolean;
}

interface LatencySummary {
  operations: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
}

interface RunResult {
  label: RunRequest['label'];
  operations: number;
  visits: number;
  tenantsTouched: number;
  tenantsTotal: number;
  workloadMs: number;
  latency: Partial<Record<Tier, LatencySummary>>;
  wrongAnswers: number;
  errors: number;
  firstProblem?: string;
  slots: number;
  builtClients: number;
  /** Peaks of factory.databaseStats(), sampled every 5 ms during the workload. */
  peakDedicatedConnections: number;
  peakDedicatedPools: number;
  maxConnections: number;
  /** Tenants the fair-share queue still tracks after the workload (0: nothing kept per tenant). */
  tenantsTracked: number;
  memory: { baseline: MemoryFigures; rounds: MemoryFigures[]; after: MemoryFigures; afterIdle?: MemoryFigures; peakRssMb: number };
  /** CPU time of this process during the rounds (not the collections between them). */
  nodeCpuMs: number;
  /** databaseStats() after the workload, while waiting for the unused pools to be ended. */
  idle?: { waitedMs: number; timeline: { atMs: number; pools: number; connections: number }[]; endPools: number; endConnections: number };
}

type ChildMessage =
  { type: 'phase'; phase: 'workload' | 'measure' | 'idle' } | { type: 'result'; value: RunResult } | { type: 'error'; error: string };

// ─── the child: one factory, one workload ────────────────────────────────────────────────────────

const canaryOf = (slug: string) => `TIERS-${slug}`;
const nextMacrotask = () => new Promise<void>((resolve) => setImmediate(resolve));

function summarize(values: number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const at = (p: number) => (sorted.length ? sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1]! : Number.NaN);
  return { operations: sorted.length, p50Ms: at(0.5), p95Ms: at(0.95), p99Ms: at(0.99) };
}

/** Every tenant `weight` times, in a random order of its own for each round; the same for both runs. */
function visitsOf(tenants: BenchTenant[], round: number): { tenant: BenchTenant; insert: boolean }[] {
  const random = seededRandom(1_000 + round);
  const list = tenants.flatMap((tenant) => Array.from({ length: tenant.weight }, () => tenant));
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list.map((tenant) => ({ tenant, insert: random() * 100 < SETTINGS.insertPercent }));
}

async function runWorkload(request: RunRequest): Promise<RunResult> {
  const send = (message: ChildMessage) => process.send?.(message);
  const pool = new pg.Pool({ connectionString: request.appUrl, max: SLOT_POOL_SIZE, application_name: 'bulkhead-tiers-bench' });
  const factory: TenantClientFactory = createTenantClientFactory({
    pool,
    databases: {
      poolConfig: (_target, database) => ({
        connectionString: urlFor(request.dedicated.bootstrapUrl, database, request.dedicated.appRole, request.dedicated.password),
      }),
      maxConnections: DEDICATED_MAX_CONNECTIONS,
    },
  });
  const latencies: Record<Tier, number[]> = { shared: [], schema: [], database: [] };
  const touched = new Set<string>();
  let wrongAnswers = 0;
  let errors = 0;
  let firstProblem: string | undefined;
  let visits = 0;
  const problem = (kind: 'wrong' | 'error', what: string) => {
    if (kind === 'wrong') wrongAnswers += 1;
    else errors += 1;
    firstProblem ??= what;
  };

  let peakDedicatedConnections = 0;
  let peakDedicatedPools = 0;
  const watch = setInterval(() => {
    const stats = factory.databaseStats();
    peakDedicatedConnections = Math.max(peakDedicatedConnections, stats.dedicatedConnections);
    peakDedicatedPools = Math.max(peakDedicatedPools, stats.dedicatedPools);
  }, 5);

  /** One request of a tenant: each awaited operation is timed and its answer checked. */
  async function visit(tenant: BenchTenant, insert: boolean): Promise<void> {
    const canary = canaryOf(tenant.slug);
    const tier = tenant.placement.tier;
    const context = {
      tenantId: tenant.id,
      actorType: 'user',
      requestId: `tiers-${visits}`,
      plan: tenant.plan,
      placement: tenant.placement,
    } as const;
    await runInTenant(context, async () => {
      const db = tenantDbFrom(factory);
      const timed = async <T>(name: string, operation: () => PromiseLike<T>, check: (value: T) => boolean) => {
        const started = performance.now();
        try {
          const value = await operation();
          latencies[tier].push(performance.now() - started);
          if (!check(value)) problem('wrong', `${tenant.slug} (${tier}) ${name}: unexpected answer ${JSON.stringify(value).slice(0, 200)}`);
        } catch (error) {
          problem('error', `${tenant.slug} (${tier}) ${name}: ${error instanceof Error ? error.message : String(error)}`);
        }
      };
      await timed(
        'customer.findMany',
        () => db.customer.findMany({ orderBy: { createdAt: 'asc' } }),
        (rows) => rows.length >= ROWS_PER_TENANT && rows.every((row) => row.tenantId === tenant.id && row.notes === canary),
      );
      await timed(
        'order.count',
        () => db.order.count(),
        (count) => count === ROWS_PER_TENANT,
      );
      // Unqualified names: the schema tier reaches its tables through the transaction's search_path.
      await timed(
        'raw join',
        () =>
          db.$queryRaw<{ number: number; notes: string }[]>`
            SELECT o.number, c.notes FROM orders o JOIN customers c ON c.tenant_id = o.tenant_id AND c.id = o.customer_id
             ORDER BY o.number`,
        (rows) => rows.length === ROWS_PER_TENANT && rows.every((row) => row.notes === canary),
      );
      if (insert) {
        await timed(
          'customer.create',
          () => db.customer.create({ data: { name: `Visitor ${visits}`, email: `v${visits}@${tenant.slug}.test`, notes: canary } }),
          (row) => row.tenantId === tenant.id,
        );
      }
    });
    touched.add(tenant.id);
  }

  try {
    const baseline = settledMemory();
    const rounds: MemoryFigures[] = [];
    send({ type: 'phase', phase: 'workload' });
    let workloadMs = 0;
    let nodeCpuMs = 0;
    for (let round = 1; round <= SETTINGS.rounds; round++) {
      const queue = visitsOf(request.tenants, round);
      let next = 0;
      const roundStarted = performance.now();
      const cpuStarted = process.cpuUsage();
      await Promise.all(
        Array.from({ length: SETTINGS.concurrency }, async () => {
          while (next < queue.length) {
            const item = queue[next++]!;
            visits += 1;
            // Each visit starts in its own macrotask, as a request does (tools/bench/measure.ts).
            await nextMacrotask();
            await visit(item.tenant, item.insert);
          }
        }),
      );
      workloadMs += performance.now() - roundStarted;
      const used = process.cpuUsage(cpuStarted);
      nodeCpuMs += (used.user + used.system) / 1000;
      rounds.push(settledMemory()); // untimed: between rounds
      const stats = factory.databaseStats();
      console.log(
        `[tiers] [${request.label}] round ${round}/${SETTINGS.rounds}: ${queue.length} visits in ${seconds(performance.now() - roundStarted)}; ` +
          `heap ${mb(rounds.at(-1)!.heapUsedMb)}, ${factory.builtClients()} PrismaClients, ` +
          `dedicated ${stats.dedicatedConnections}/${stats.maxConnections} connections (peak ${peakDedicatedConnections}) in ${stats.dedicatedPools} pools`,
      );
    }
    const after = rounds.at(-1)!;
    const result: RunResult = {
      label: request.label,
      operations: latencies.shared.length + latencies.schema.length + latencies.database.length,
      visits,
      tenantsTouched: touched.size,
      tenantsTotal: request.tenants.length,
      workloadMs,
      latency: Object.fromEntries(
        (Object.keys(latencies) as Tier[]).filter((tier) => latencies[tier].length).map((tier) => [tier, summarize(latencies[tier])]),
      ),
      wrongAnswers,
      errors,
      firstProblem,
      slots: factory.slotCount,
      builtClients: factory.builtClients(),
      peakDedicatedConnections,
      peakDedicatedPools,
      maxConnections: factory.databaseStats().maxConnections,
      tenantsTracked: factory.stats().tenants,
      memory: { baseline, rounds, after, peakRssMb: process.resourceUsage().maxRSS / 1024 },
      nodeCpuMs,
    };
    // The parent reads the PostgreSQL backends' memory while this factory's connections are open.
    const measured = new Promise((resolve) => process.once('message', resolve));
    send({ type: 'phase', phase: 'measure' });
    await measured;
    if (request.waitForIdlePools) {
      send({ type: 'phase', phase: 'idle' });
      const idleStarted = performance.now();
      const timeline: { atMs: number; pools: number; connections: number }[] = [];
      for (;;) {
        const stats = factory.databaseStats();
        const atMs = performance.now() - idleStarted;
        const last = timeline.at(-1);
        if (!last || last.pools !== stats.dedicatedPools || last.connections !== stats.dedicatedConnections) {
          timeline.push({ atMs, pools: stats.dedicatedPools, connections: stats.dedicatedConnections });
        }
        if ((stats.dedicatedPools === 0 && stats.dedicatedConnections === 0) || atMs > IDLE_WAIT_MS) break;
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      const end = factory.databaseStats();
      result.idle = {
        waitedMs: performance.now() - idleStarted,
        timeline,
        endPools: end.dedicatedPools,
        endConnections: end.dedicatedConnections,
      };
      result.memory.afterIdle = settledMemory();
    }
    return result;
  } finally {
    clearInterval(watch);
    factory.close();
    await pool.end();
  }
}

function serveChild(): void {
  process.once('message', (request: RunRequest) => {
    runWorkload(request).then(
      (value) => process.send!({ type: 'result', value } satisfies ChildMessage, () => process.exit(0)),
      (error: unknown) => {
        const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
        process.send!({ type: 'error', error: message } satisfies ChildMessage, () => process.exit(1));
      },
    );
  });
}

// ─── the parent: servers, tenants, provisioning, sampling, verdicts ──────────────────────────────

interface ActivityPeaks {
  /** App-role backends on the control-plane database. */
  controlApp: number;
  /** App-role backends across the dedicated databases, at one sample. */
  dedicatedApp: number;
  /** Dedicated databases with at least one app-role backend, at one sample. */
  dedicatedDatabases: number;
  samples: number;
}

/** Samples pg_stat_activity on each server through its own superuser connection. */
class ActivitySampler {
  private clients: { client: pg.Client; control: boolean; dedicated: boolean }[] = [];
  private timer?: NodeJS.Timeout;
  private running = false;
  phase = 'setup';
  readonly peaks = new Map<string, ActivityPeaks>();
  /** The last sample's app-role backends across the dedicated databases, and when it was taken. */
  last = { dedicatedApp: 0, at: 0 };

  constructor(
    private readonly servers: { url: string; control: boolean; dedicated: boolean }[],
    private readonly appRole: string,
    private readonly controlDatabase: string,
    private readonly isDedicatedDatabase: (name: string) => boolean,
  ) {}

  async start(): Promise<void> {
    for (const server of this.servers) {
      const client = new pg.Client({ connectionString: server.url, application_name: 'bulkhead-tiers-sampler' });
      await client.connect();
      this.clients.push({ client, control: server.control, dedicated: server.dedicated });
    }
    this.running = true;
    const tick = async () => {
      const started = performance.now();
      try {
        await this.sample();
      } catch (error) {
        if (this.running) log(`pg_stat_activity sample failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      if (this.running) this.timer = setTimeout(() => void tick(), Math.max(0, SAMPLE_MS - (performance.now() - started)));
    };
    void tick();
  }

  private async sample(): Promise<void> {
    const answers = await Promise.all(
      this.clients.map(async ({ client, control, dedicated }) => ({
        control,
        dedicated,
        rows: (
          await client.query<{ datname: string; n: number }>(
            `SELECT datname, count(*)::int AS n FROM pg_stat_activity WHERE usename = $1 GROUP BY datname`,
            [this.appRole],
          )
        ).rows,
      })),
    );
    let controlApp = 0;
    let dedicatedApp = 0;
    let dedicatedDatabases = 0;
    for (const answer of answers) {
      for (const row of answer.rows) {
        if (answer.control && row.datname === this.controlDatabase) controlApp += row.n;
        if (answer.dedicated && this.isDedicatedDatabase(row.datname)) {
          dedicatedApp += row.n;
          dedicatedDatabases += 1;
        }
      }
    }
    const peaks = this.peaks.get(this.phase) ?? { controlApp: 0, dedicatedApp: 0, dedicatedDatabases: 0, samples: 0 };
    peaks.controlApp = Math.max(peaks.controlApp, controlApp);
    peaks.dedicatedApp = Math.max(peaks.dedicatedApp, dedicatedApp);
    peaks.dedicatedDatabases = Math.max(peaks.dedicatedDatabases, dedicatedDatabases);
    peaks.samples += 1;
    this.peaks.set(this.phase, peaks);
    this.last = { dedicatedApp, at: performance.now() };
  }

  /** The peaks over every phase of one run (`label:workload`, `label:measure`, `label:idle`). */
  peaksOf(label: string): ActivityPeaks {
    const all = [...this.peaks].filter(([phase]) => phase.startsWith(`${label}:`)).map(([, peaks]) => peaks);
    return {
      controlApp: Math.max(0, ...all.map((p) => p.controlApp)),
      dedicatedApp: Math.max(0, ...all.map((p) => p.dedicatedApp)),
      dedicatedDatabases: Math.max(0, ...all.map((p) => p.dedicatedDatabases)),
      samples: all.reduce((sum, p) => sum + p.samples, 0),
    };
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.timer);
    await Promise.all(this.clients.map(({ client }) => client.end().catch(() => {})));
    this.clients = [];
  }
}

interface ChildRun {
  result: RunResult;
  /** The control plane's app-role backends right after the workload, read from /proc (local servers only). */
  backends: BackendMemory | undefined;
  /** Cores the whole machine kept busy during the workload (this benchmark, both servers, anything else). */
  machineBusyCores: number | undefined;
}

/** Runs one child; the sampler's phase follows the child's. */
function runChild(
  request: RunRequest,
  sampler: ActivitySampler,
  children: Set<ChildProcess>,
  readBackends: () => Promise<BackendMemory | undefined>,
): Promise<ChildRun> {
  const child = fork(import.meta.filename, [CHILD_FLAG], { execArgv: [...process.execArgv, '--expose-gc'] });
  children.add(child);
  let workloadStarted: { cpu: CpuSnapshot; at: number } | undefined;
  let machineBusyCores: number | undefined;
  let backends: BackendMemory | undefined;
  const workloadEnded = () => {
    if (!workloadStarted || machineBusyCores !== undefined) return;
    const machine = cpuBetween(workloadStarted.cpu, snapshotCpu(undefined)).machine;
    machineBusyCores = machine ? machine.busyMs / (performance.now() - workloadStarted.at) : Number.NaN;
  };
  return new Promise<ChildRun>((resolve, reject) => {
    let answered = false;
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'phase') {
        sampler.phase = `${request.label}:${message.phase}`;
        if (message.phase === 'workload') workloadStarted = { cpu: snapshotCpu(undefined), at: performance.now() };
        else workloadEnded();
        if (message.phase === 'measure') {
          void readBackends()
            .catch(() => undefined)
            .then((memory) => {
              backends = memory;
              child.send({ type: 'go' });
            });
        }
      } else {
        answered = true;
        workloadEnded();
        sampler.phase = 'between';
        if (message.type === 'result') resolve({ result: message.value, machineBusyCores, backends });
        else reject(new Error(`The ${request.label} run failed: ${message.error}`));
      }
    });
    child.once('exit', (code, signal) => {
      children.delete(child);
      if (!answered) reject(new Error(`The ${request.label} run exited (${signal ?? code}) without answering.`));
    });
    child.send(request);
  });
}

interface BackendMemory {
  backends: number;
  /** Private memory (RssAnon) of those backends: their catalog and plan caches, not shared buffers. */
  totalMb: number;
  maxMb: number;
}

/** The private memory of the app role's backends on `database`, when the server runs on this machine. */
async function backendMemory(url: string, role: string, database: string): Promise<BackendMemory | undefined> {
  const pids = await withClient(url, async (db) =>
    (await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE usename = $1 AND datname = $2', [role, database])).rows.map(
      (row) => row.pid,
    ),
  );
  const sizes: number[] = [];
  for (const pid of pids) {
    try {
      const match = /^RssAnon:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (match) sizes.push(Number(match[1]) / 1024);
    } catch {
      return undefined; // not on this machine, or not ours to read
    }
  }
  if (sizes.length === 0) return undefined;
  return { backends: sizes.length, totalMb: sizes.reduce((a, b) => a + b, 0), maxMb: Math.max(...sizes) };
}

/** Sessions ever opened on the dedicated databases (pg_stat_database): the connections the cap made the pools churn. */
async function dedicatedSessions(url: string, databases: string[]): Promise<number> {
  return withClient(url, async (db) => {
    const { rows } = await db.query<{ n: number }>(
      'SELECT coalesce(sum(sessions), 0)::int AS n FROM pg_stat_database WHERE datname = ANY($1)',
      [databases],
    );
    return rows[0]!.n;
  });
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates shared tenants with three customers, products and orders each, set-based (ops role). */
async function seedTenants(opsUrl: string, tenants: { slug: string; plan: Plan }[]): Promise<Map<string, string>> {
  return withClient(opsUrl, async (db) => {
    const slugs = tenants.map((t) => t.slug);
    await db.query('BEGIN');
    const { rows } = await db.query<{ id: string; slug: string }>(
      `INSERT INTO tenants (slug, name, plan)
       SELECT s, 'Tiers ' || s, p::"Plan" FROM unnest($1::text[], $2::text[]) AS x(s, p) RETURNING id, slug`,
      [slugs, tenants.map((t) => t.plan)],
    );
    await db.query(
      `INSERT INTO customers (tenant_id, name, email, notes)
       SELECT t.id, 'Customer ' || i, 'c' || i || '@' || t.slug || '.test', 'TIERS-' || t.slug
         FROM tenants t CROSS JOIN generate_series(1, $2::int) AS i WHERE t.slug = ANY($1)`,
      [slugs, ROWS_PER_TENANT],
    );
    await db.query(
      `INSERT INTO products (tenant_id, sku, name, unit_price)
       SELECT t.id, 'SKU-' || i, 'Product ' || i, 1000 + i FROM tenants t CROSS JOIN generate_series(1, $2::int) AS i WHERE t.slug = ANY($1)`,
      [slugs, ROWS_PER_TENANT],
    );
    await db.query(
      `INSERT INTO orders (tenant_id, number, customer_id, currency, subtotal, total, notes)
       SELECT c.tenant_id, 1000 + row_number() OVER (PARTITION BY c.tenant_id ORDER BY c.email), c.id, 'USD', 1000, 1000, c.notes
         FROM customers c JOIN tenants t ON t.id = c.tenant_id WHERE t.slug = ANY($1)`,
      [slugs],
    );
    await db.query('COMMIT');
    return new Map(rows.map((row) => [row.slug, row.id]));
  });
}

/** Runs `work` over `items`, `parallel` at a time. */
async function inParallel<T>(items: readonly T[], parallel: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(parallel, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        await work(items[index]!, index);
      }
    }),
  );
}

const quantiles = (values: number[]) => {
  const s = summarize(values);
  return { median: s.p50Ms, p95: s.p95Ms, max: Math.max(...values), count: values.length };
};

/**
 * What every schema's foreign keys to public.tenants cost the control plane: a fresh backend's first
 * read of tenants (it loads the table's triggers), and deleting one tenant (every referencing table
 * is checked), rolled back. Medians of three fresh connections (ops role).
 */
async function probeControlPlane(opsUrl: string, tenantId: string): Promise<{ firstReadMs: number; deleteMs: number; error?: string }> {
  const firstReads: number[] = [];
  const deletes: number[] = [];
  let error: string | undefined;
  for (let i = 0; i < 3; i++) {
    await withClient(opsUrl, async (db) => {
      let t0 = performance.now();
      await db.query('SELECT count(*) FROM tenants');
      firstReads.push(performance.now() - t0);
      await db.query('BEGIN');
      try {
        t0 = performance.now();
        await db.query('DELETE FROM tenants WHERE id = $1', [tenantId]);
        deletes.push(performance.now() - t0);
      } catch (failure) {
        error ??= `DELETE failed: ${failure instanceof Error ? failure.message : String(failure)}`;
      } finally {
        await db.query('ROLLBACK');
      }
    });
  }
  return { firstReadMs: summarize(firstReads).p50Ms, deleteMs: summarize(deletes).p50Ms, error };
}

async function serverVersion(url: string): Promise<string> {
  return withClient(url, async (db) => (await db.query<{ server_version: string }>('SHOW server_version')).rows[0]!.server_version);
}

async function main(): Promise<void> {
  const runStarted = performance.now();
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => {
    log(`${ok ? 'ok ' : 'FAILED'}  ${what}`);
    if (!ok) problems.push(what);
  };
  log(
    `${SETTINGS.schemas} schema tenants, ${SETTINGS.databases} database tenants, ${SETTINGS.shared} shared beside them; ` +
      `${SETTINGS.rounds} rounds at concurrency ${SETTINGS.concurrency}.`,
  );

  const servers: AcquiredServer[] = [];
  const children = new Set<ChildProcess>();
  const prefix = `bulkhead_tiers_${randomBytes(3).toString('hex')}`;
  let sampler: ActivitySampler | undefined;
  let cleaned: Promise<void> | undefined;
  // Everything this run made: its databases (control plane and dedicated) and its roles, on every
  // server that is not ours to throw away; the embedded servers go whole.
  const cleanup = () =>
    (cleaned ??= (async () => {
      for (const child of children) child.kill('SIGKILL');
      await sampler?.stop().catch(() => {});
      const shared = [...new Set(servers.filter((s) => s.shared).map((s) => s.bootstrapUrl))];
      for (const url of shared) {
        try {
          const names = await withClient(url, async (db) =>
            (await db.query<{ datname: string }>('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix])).rows.map(
              (r) => r.datname,
            ),
          );
          for (const name of names) await dropDatabase(url, name);
          await dropRoles(url, prefix);
        } catch (error) {
          log(`Cleanup on ${new URL(url).host} failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
      for (const server of servers) await server.release().catch(() => {});
      log(`Cleaned up (${prefix}*).`);
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up.`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const control = await acquireServer();
    servers.push(control);
    const dedicatedServer = await acquireServer('BOOTSTRAP_DEDICATED_DATABASE_URL');
    servers.push(dedicatedServer);
    const sameServer = control.bootstrapUrl === dedicatedServer.bootstrapUrl;
    const describe = (server: AcquiredServer) => (server.shared ? new URL(server.bootstrapUrl).host : 'embedded (fsync off)');
    const versions = { control: await serverVersion(control.bootstrapUrl), dedicated: await serverVersion(dedicatedServer.bootstrapUrl) };
    log(`Control plane: PostgreSQL ${versions.control}, ${describe(control)}.`);
    log(`Dedicated databases: PostgreSQL ${versions.dedicated}, ${describe(dedicatedServer)}${sameServer ? ' (the same server)' : ''}.`);

    // ── the control plane and its tenants ──
    let started = performance.now();
    const { urls } = await provisionDatabase({ bootstrapUrl: control.bootstrapUrl, database: prefix, rolePrefix: prefix });
    await migrate({ connectionString: urls.migration });
    const controlPlaneMs = performance.now() - started;
    const pad = (n: number, width: number) => String(n).padStart(width, '0');
    const sharedCount = SETTINGS.shared + SETTINGS.schemas + SETTINGS.databases; // the shared-only run's tenants
    const plans: Record<Tier, Plan> = { shared: 'free', schema: 'pro', database: 'enterprise' };
    const seedList = [
      ...Array.from({ length: sharedCount }, (_, i) => ({ slug: `sh-${pad(i + 1, 4)}`, tier: 'shared' as Tier })),
      ...Array.from({ length: SETTINGS.schemas }, (_, i) => ({ slug: `sc-${pad(i + 1, 4)}`, tier: 'schema' as Tier })),
      ...Array.from({ length: SETTINGS.databases }, (_, i) => ({ slug: `db-${pad(i + 1, 2)}`, tier: 'database' as Tier })),
    ];
    started = performance.now();
    const ids = await seedTenants(
      urls.ops,
      seedList.map(({ slug, tier }, i) => ({
        slug,
        // The shared-only run's tenants stand in for the tiered run's one for one, plans included.
        plan:
          tier === 'shared' ? (i < SETTINGS.shared ? 'free' : i < SETTINGS.shared + SETTINGS.schemas ? 'pro' : 'enterprise') : plans[tier],
      })),
    );
    log(
      `Control plane ${prefix} created and migrated in ${seconds(controlPlaneMs)}; ${seedList.length} tenants seeded ` +
        `(${ROWS_PER_TENANT} customers, products and orders each) in ${seconds(performance.now() - started)}.`,
    );

    // What a tenant row costs the control plane before any schema exists; measured again after.
    const sharedTenants = seedList.filter((t) => t.tier === 'shared');
    const probeTenant = ids.get(sharedTenants.at(-1)!.slug)!;
    const probeBefore = await probeControlPlane(urls.ops, probeTenant);

    // ── schemas: the first and the last few one at a time, the rest in parallel ──
    const schemaTenants = seedList.filter((t) => t.tier === 'schema');
    const schemaTimes: { provisionMs: number; totalMs: number }[] = [];
    const placeSchema = async (slug: string) => {
      const t0 = performance.now();
      const timing = await placeInSchema(urls, ids.get(slug)!, schemaNameFor(slug));
      schemaTimes.push({ provisionMs: timing.provisionMs, totalMs: performance.now() - t0 });
    };
    const serialCount = Math.min(SETTINGS.serialSchemas, Math.floor(schemaTenants.length / 2));
    const serialRun = async (slugs: { slug: string }[]) => {
      const t0 = performance.now();
      const from = schemaTimes.length;
      for (const { slug } of slugs) await placeSchema(slug);
      return { wallMs: performance.now() - t0, ...quantiles(schemaTimes.slice(from).map((t) => t.totalMs)) };
    };
    started = performance.now();
    const firstSerial = await serialRun(schemaTenants.slice(0, serialCount));
    if (serialCount) {
      log(
        `${serialCount} schemas one at a time: ${ms(firstSerial.median)} ms each (median), p95 ${ms(firstSerial.p95)} ms; ` +
          `all ${SETTINGS.schemas} at that pace would take ${seconds((firstSerial.wallMs / serialCount) * SETTINGS.schemas)}.`,
      );
    }
    const parallelStarted = performance.now();
    const middle = schemaTenants.slice(serialCount, schemaTenants.length - serialCount);
    await inParallel(middle, SETTINGS.parallel, async ({ slug }) => {
      await placeSchema(slug);
      if (schemaTimes.length % 100 === 0)
        log(`  ${schemaTimes.length}/${SETTINGS.schemas} schemas (${seconds(performance.now() - started)})`);
    });
    const parallelMs = performance.now() - parallelStarted;
    const parallelFigures = quantiles(schemaTimes.slice(serialCount).map((t) => t.totalMs));
    const lastSerial = await serialRun(schemaTenants.slice(schemaTenants.length - serialCount));
    const schemasMs = performance.now() - started;
    log(`${SETTINGS.schemas} schema tenants placed in ${seconds(schemasMs)}.`);
    // By hundreds, in the order they finished: does placing one cost more as schemas accumulate?
    const byHundred = Array.from({ length: Math.ceil(schemaTimes.length / 100) }, (_, i) =>
      quantiles(schemaTimes.slice(i * 100, (i + 1) * 100).map((t) => t.totalMs)),
    );
    log(`Median per schema, by hundred placed: ${byHundred.map((q) => ms(q.median)).join(', ')} ms.`);

    // ── dedicated databases, one at a time ──
    const target: DatabaseTarget = { name: TARGET, bootstrapUrl: dedicatedServer.bootstrapUrl };
    // The dedicated server is a target in the tenants' region (docs/residency.md).
    await withClient(urls.ops, (db) =>
      db.query(`INSERT INTO database_targets (name, region) VALUES ($1, bulkhead.local_region()) ON CONFLICT DO NOTHING`, [TARGET]),
    );
    const databaseTenants = seedList.filter((t) => t.tier === 'database');
    const databaseNames = new Map<string, string>();
    const databaseTimes: { provisionMs: number; totalMs: number }[] = [];
    started = performance.now();
    for (const { slug } of databaseTenants) {
      const database = databaseNameFor(prefix, slug);
      const t0 = performance.now();
      const timing = await placeInDatabase(urls, ids.get(slug)!, { target, database, rolePrefix: prefix });
      databaseTimes.push({ provisionMs: timing.provisionMs, totalMs: performance.now() - t0 });
      databaseNames.set(slug, database);
    }
    const databasesMs = performance.now() - started;
    log(`${SETTINGS.databases} database tenants placed in ${seconds(databasesMs)}.`);

    // Where every tenant really is: the placements the app would resolve, and no rows left behind.
    const where = await withClient(urls.ops, async (db) => {
      const { rows } = await db.query<{ tier: string; n: number }>(
        `SELECT tier::text AS tier, count(*)::int AS n FROM tenant_placements GROUP BY 1`,
      );
      const leftInPublic = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM customers c JOIN tenant_placements p ON p.tenant_id = c.tenant_id WHERE p.tier <> 'shared'`,
      );
      const triggers = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = 'public.tenants'::regclass`,
      );
      return {
        tiers: Object.fromEntries(rows.map((r) => [r.tier, r.n])),
        leftInPublic: leftInPublic.rows[0]!.n,
        tenantTriggers: triggers.rows[0]!.n,
      };
    });
    check(
      where.tiers.schema === SETTINGS.schemas && (where.tiers.database ?? 0) === SETTINGS.databases && where.leftInPublic === 0,
      `placements: ${JSON.stringify(where.tiers)}, placed tenants' rows left in the shared tables: ${where.leftInPublic}`,
    );
    const probeAfter = await probeControlPlane(urls.ops, probeTenant);
    const locks = await withClient(control.bootstrapUrl, async (db) => {
      const { rows } = await db.query<{ locks: string; connections: string }>(
        `SELECT current_setting('max_locks_per_transaction') AS locks, current_setting('max_connections') AS connections`,
      );
      return `${rows[0]!.locks}, max_connections ${rows[0]!.connections}`;
    });

    // ── the runs: one list of visits, three placements of it ──
    const tenantOf = (slug: string, plan: Plan, placement: Placement, weight = 1): BenchTenant => ({
      id: ids.get(slug)!,
      slug,
      plan,
      placement,
      weight,
    });
    const tiered: BenchTenant[] = [
      ...sharedTenants.slice(0, SETTINGS.shared).map(({ slug }) => tenantOf(slug, 'free', { tier: 'shared' })),
      ...schemaTenants.map(({ slug }) => tenantOf(slug, 'pro', { tier: 'schema', schema: schemaNameFor(slug) })),
      ...databaseTenants.map(({ slug }) =>
        tenantOf(slug, 'enterprise', { tier: 'database', target: TARGET, database: databaseNames.get(slug)! }, SETTINGS.databaseWeight),
      ),
    ];
    // Shared tenants in the placed ones' stead, one for one: same plans, weights, order, operations.
    const sharedOnly = tiered.map((tenant, i) => tenantOf(sharedTenants[i]!.slug, tenant.plan, { tier: 'shared' }, tenant.weight));
    // The schemas without the databases: what the schema tier costs apart from the dedicated cap.
    const schemasOnly = tiered.map((tenant, i) => (tenant.placement.tier === 'database' ? sharedOnly[i]! : tenant));

    const appRole = rolesFor(prefix).app;
    const dedicatedNames = new Set(databaseNames.values());
    sampler = new ActivitySampler(
      sameServer
        ? [{ url: control.bootstrapUrl, control: true, dedicated: true }]
        : [
            { url: control.bootstrapUrl, control: true, dedicated: false },
            { url: dedicatedServer.bootstrapUrl, control: false, dedicated: true },
          ],
      appRole,
      prefix,
      (name) => dedicatedNames.has(name),
    );
    await sampler.start();
    const base = {
      appUrl: urls.app,
      dedicated: { bootstrapUrl: dedicatedServer.bootstrapUrl, appRole, password: 'bulkhead-local' },
    };
    const sessions = () => dedicatedSessions(dedicatedServer.bootstrapUrl, [...dedicatedNames]);
    const readBackends = () => backendMemory(control.bootstrapUrl, appRole, prefix);
    const plan: { label: RunRequest['label']; tenants: BenchTenant[]; what: string }[] = [
      { label: 'shared-only', tenants: sharedOnly, what: 'shared tenants only' },
      { label: 'schemas', tenants: schemasOnly, what: 'schema tenants and shared ones, no database tenant' },
      { label: 'tiered', tenants: tiered, what: 'every tier' },
    ];
    const runs: { child: ChildRun; sessions: number; activity: ActivityPeaks }[] = [];
    for (const [index, { label, tenants, what }] of plan.entries()) {
      log(`Run ${index + 1}/${plan.length}: ${what}, in a fresh process.`);
      const before = await sessions();
      const child = await runChild({ ...base, label, tenants, waitForIdlePools: label === 'tiered' }, sampler, children, readBackends);
      runs.push({ child, sessions: (await sessions()) - before, activity: sampler.peaksOf(label) });
    }
    // The server's side of the idle wait: the last sample, taken after the child ended its pools.
    const serverAfterIdle = sampler.last.dedicatedApp;
    await sampler.stop();
    const [sharedRun, schemasRun, tieredRun] = runs.map((r) => r.child.result) as [RunResult, RunResult, RunResult];
    const tieredActivity = runs[2]!.activity;

    // ── the report ──
    const machine = describeMachine();
    // A cascade locks every referencing table: past max_locks_per_transaction × connections, it fails.
    const deleteFigure = (probe: { deleteMs: number; error?: string }) =>
      probe.error ? `fails (${probe.error}; max_locks_per_transaction ${locks})` : `${ms(probe.deleteMs)} ms`;
    const figures = (q: ReturnType<typeof quantiles>) => [String(q.count), `${ms(q.median)} ms`, `${ms(q.p95)} ms`, `${ms(q.max)} ms`];
    console.log('');
    console.log(
      `Machine: ${machine.cores} cores (${machine.cpuModel}), ${machine.memoryGiB.toFixed(0)} GiB, Node ${machine.node}; ` +
        `control plane PostgreSQL ${versions.control} (${describe(control)}), dedicated databases PostgreSQL ${versions.dedicated} ` +
        `(${describe(dedicatedServer)}${sameServer ? ', the same server' : ''}). Heap figures ${heapFiguresAreExact ? 'after a full collection' : 'APPROXIMATE (no gc)'}.`,
    );
    console.log('');
    console.log('Provisioning (per tenant; schema: createTenantSchema + moving its rows; database: provisionDatabase + migrate)');
    console.log(
      table(
        ['', 'count', 'median', 'p95', 'max', 'wall time'],
        ['l', 'r', 'r', 'r', 'r', 'r'],
        [
          ['schema: the first, one at a time', ...figures(firstSerial), seconds(firstSerial.wallMs)],
          [`schema: the middle, ${SETTINGS.parallel} at a time`, ...figures(parallelFigures), seconds(parallelMs)],
          ['schema: the last, one at a time', ...figures(lastSerial), seconds(lastSerial.wallMs)],
          ['schema: all, creating the schema alone', ...figures(quantiles(schemaTimes.map((t) => t.provisionMs))), ''],
          ['schema: all, create + move rows', ...figures(quantiles(schemaTimes.map((t) => t.totalMs))), seconds(schemasMs)],
          ['database: create + migrate', ...figures(quantiles(databaseTimes.map((t) => t.provisionMs))), ''],
          [
            'database: create + migrate + copy rows + switch',
            ...figures(quantiles(databaseTimes.map((t) => t.totalMs))),
            seconds(databasesMs),
          ],
        ],
      ),
    );
    console.log('');
    console.log(
      `What the schemas cost the control plane: public.tenants has ${where.tenantTriggers} triggers (foreign keys of every schema's ` +
        `tables); a fresh backend's first read of tenants ${ms(probeBefore.firstReadMs)} → ${ms(probeAfter.firstReadMs)} ms, ` +
        `deleting one tenant (rolled back) ${deleteFigure(probeBefore)} → ${deleteFigure(probeAfter)}.`,
    );
    console.log('');
    console.log(`Workload (one factory per run: pool ${SLOT_POOL_SIZE}, default slots, dedicated cap ${DEDICATED_MAX_CONNECTIONS})`);
    const runRow = ({ child: { result: run, machineBusyCores, backends }, activity, sessions: opened }: (typeof runs)[number]) => [
      run.label,
      `${run.tenantsTouched}/${run.tenantsTotal}`,
      String(run.operations),
      `${(run.operations / (run.workloadMs / 1000)).toFixed(0)}/s`,
      `${run.builtClients}/${run.slots}`,
      `${activity.controlApp}/${SLOT_POOL_SIZE}`,
      `${activity.dedicatedApp}/${DEDICATED_MAX_CONNECTIONS} (${activity.dedicatedDatabases} dbs)`,
      `${run.peakDedicatedConnections}/${run.maxConnections}, ${run.peakDedicatedPools} pools`,
      String(opened),
      `${mb(run.memory.baseline.heapUsedMb)} → ${mb(run.memory.after.heapUsedMb)}`,
      mb(run.memory.after.rssMb),
      backends ? `${backends.backends} × ${mb(backends.totalMb / backends.backends)} (max ${mb(backends.maxMb)})` : 'n/a',
      `${run.wrongAnswers}/${run.errors}`,
      `${(run.nodeCpuMs / run.workloadMs).toFixed(2)} / ${machineBusyCores?.toFixed(2) ?? 'n/a'}`,
    ];
    console.log(
      table(
        [
          'run',
          'tenants',
          'ops',
          'rate',
          'clients/slots',
          'control app conns (server)',
          'dedicated app conns (server)',
          'dedicated (factory)',
          'sessions opened, dedicated',
          'heap before → after',
          'RSS after',
          'control backends (private memory)',
          'wrong/errors',
          'cores: node / machine',
        ],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
        runs.map(runRow),
      ),
    );
    console.log('');
    console.log('Latency per operation, by tier');
    const latencyRows: string[][] = [];
    for (const run of [sharedRun, schemasRun, tieredRun]) {
      for (const tier of ['shared', 'schema', 'database'] as Tier[]) {
        const l = run.latency[tier];
        if (l) latencyRows.push([run.label, tier, String(l.operations), `${ms(l.p50Ms)} ms`, `${ms(l.p95Ms)} ms`, `${ms(l.p99Ms)} ms`]);
      }
    }
    console.log(table(['run', 'tier', 'ops', 'p50', 'p95', 'p99'], ['l', 'l', 'r', 'r', 'r', 'r'], latencyRows));
    console.log('');
    for (const run of [sharedRun, schemasRun, tieredRun]) {
      console.log(
        `${run.label}: heap after each round ${run.memory.rounds.map((m) => m.heapUsedMb.toFixed(1)).join(', ')} MB; ` +
          `peak RSS ${mb(run.memory.peakRssMb)}; ${run.tenantsTracked} tenants tracked by the fair-share queue after the workload.`,
      );
    }
    if (tieredRun.idle) {
      console.log(
        `tiered, after the workload: dedicated pools/connections ${tieredRun.idle.timeline.map((p) => `${p.pools}/${p.connections} at ${seconds(p.atMs)}`).join(' → ')}; ` +
          `heap then ${mb(tieredRun.memory.afterIdle!.heapUsedMb)}; app-role backends on the dedicated databases at the end: ${serverAfterIdle}.`,
      );
    }
    console.log('');

    // ── the bounds ──
    for (const { child, activity } of runs) {
      const run = child.result;
      check(run.builtClients <= run.slots, `${run.label}: PrismaClients built ${run.builtClients} ≤ slots ${run.slots}`);
      check(
        activity.samples > 0 && activity.controlApp <= SLOT_POOL_SIZE,
        `${run.label}: app-role connections to the control plane ${activity.controlApp} ≤ pool size ${SLOT_POOL_SIZE} (${activity.samples} samples)`,
      );
      check(run.tenantsTouched === run.tenantsTotal, `${run.label}: every tenant visited (${run.tenantsTouched}/${run.tenantsTotal})`);
      check(
        run.wrongAnswers === 0 && run.errors === 0,
        `${run.label}: ${run.wrongAnswers} wrong answers, ${run.errors} errors${run.firstProblem ? ` (first: ${run.firstProblem})` : ''}`,
      );
    }
    check(
      tieredActivity.dedicatedApp <= DEDICATED_MAX_CONNECTIONS,
      `tiered: app-role connections to the dedicated databases, server-side, ${tieredActivity.dedicatedApp} ≤ ${DEDICATED_MAX_CONNECTIONS} at every sample`,
    );
    check(
      tieredRun.peakDedicatedConnections <= tieredRun.maxConnections,
      `tiered: the factory's dedicated connections ${tieredRun.peakDedicatedConnections} ≤ ${tieredRun.maxConnections} at every sample`,
    );
    check(
      SETTINGS.databases === 0 || tieredActivity.dedicatedApp > 0,
      `tiered: the dedicated databases were used (peak ${tieredActivity.dedicatedApp} connections)`,
    );
    check(
      tieredRun.idle !== undefined && tieredRun.idle.endPools === 0 && tieredRun.idle.endConnections === 0 && serverAfterIdle === 0,
      `tiered: every dedicated pool ended after idling (${tieredRun.idle?.endPools} pools, ${tieredRun.idle?.endConnections} connections ` +
        `after ${seconds(tieredRun.idle?.waitedMs ?? 0)}; ${serverAfterIdle} backends on the server)`,
    );
    for (const run of [schemasRun, tieredRun]) {
      const diff = run.memory.after.heapUsedMb - sharedRun.memory.after.heapUsedMb;
      check(
        diff <= HEAP_BOUND_MB,
        `${run.label}: heap after the workload within ${HEAP_BOUND_MB} MB of the shared-only run: ${diff >= 0 ? '+' : ''}${diff.toFixed(1)} MB`,
      );
      const growth = run.memory.after.heapUsedMb - run.memory.rounds[0]!.heapUsedMb;
      check(
        growth <= ROUND_GROWTH_BOUND_MB,
        `${run.label}: heap after the last round within ${ROUND_GROWTH_BOUND_MB} MB of after the first: ${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB`,
      );
    }
    log(`Wall time ${seconds(performance.now() - runStarted)} before cleanup.`);
  } finally {
    await cleanup();
  }
  if (problems.length) {
    log(`${problems.length} bound(s) NOT met.`);
    process.exitCode = 1;
  } else {
    log('All bounds met.');
  }
}

if (process.argv.includes(CHILD_FLAG)) serveChild();
else
  await main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
