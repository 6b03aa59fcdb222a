import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';

import { TenantBoundPool } from '@bulkhead/tenancy';
import { dropDatabase, dropRoles, migrate, provisionDatabase } from '@bulkhead/tenancy/admin';
import { acquireServer } from '@bulkhead/tenancy/server';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { PrismaClient } from '../../lib/db/generated/client';
import { createTenantClientFactory, tenancy, type TenantClient } from '../../lib/tenancy';
import { settledMemory } from './heap';

// `node --import tsx tools/bench/tenant-client-designs.ts`: the measurements the tenant client's design
// was chosen from (docs/tenant-client.md). One database of 2,000 tenants; each candidate runs in a
// fresh Node process (so its memory figures are its own), cold — nothing built or warmed per tenant
// before the timed window — doing primary-key lookups of uniformly random tenants at concurrency 8
// through a pool of 10, like the app.
//
//   unscoped        one PrismaClient, the ops role, explicit tenantId: the reference, no isolation
//   per-tenant-64   the previous design: a PrismaClient per tenant (layer (a) pool view + layer (b)
//                   extension), least-recently-used cache of 64 (the app's old default)
//   per-tenant-all  the same with every client kept — over only 500 tenants, or it runs out of heap
//   leased          the current design: 8 PrismaClients leased per operation (lib/tenancy/index.ts)

const TENANTS = Number(process.env.DESIGN_TENANTS ?? 2_000);
const SECONDS = Number(process.env.DESIGN_SECONDS ?? 12);
const CONCURRENCY = 8;
const DESIGNS = ['unscoped', 'per-tenant-64', 'per-tenant-all', 'leased'] as const;
type Design = (typeof DESIGNS)[number];

interface Result {
  design: Design;
  tenants: number;
  opsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  heapGrowthMb: number;
  rssGrowthMb: number;
  clientsBuilt: number;
  wrong: number;
}

type Lookup = (tenantId: string, orderId: string) => Promise<{ tenantId: string } | null>;

function lookupFor(design: Design, urls: { app: string; ops: string }): { lookup: Lookup; built: () => number } {
  if (design === 'unscoped') {
    const prisma = new PrismaClient({ adapter: new PrismaPg(new pg.Pool({ connectionString: urls.ops, max: 10 })) });
    return { lookup: (tenantId, id) => prisma.order.findUnique({ where: { tenantId_id: { tenantId, id } } }), built: () => 1 };
  }
  const pool = new pg.Pool({ connectionString: urls.app, max: 10 });
  if (design === 'leased') {
    const factory = createTenantClientFactory({ pool });
    return {
      lookup: (tenantId, id) => {
        const db = factory.forTenant(tenantId, { plan: 'pro' }) as TenantClient;
        return db.order.findUnique({ where: db.$key(id) });
      },
      built: () => factory.builtClients(),
    };
  }
  const limit = design === 'per-tenant-64' ? 64 : Infinity;
  const cache = new Map<string, ReturnType<typeof perTenantClient>>();
  let built = 0;
  function perTenantClient(tenantId: string) {
    built++;
    return new PrismaClient({ adapter: new PrismaPg(new TenantBoundPool(pool, tenantId) as unknown as pg.Pool) }).$extends(
      tenancy.tenantScope(tenantId),
    );
  }
  return {
    lookup: (tenantId, id) => {
      let client = cache.get(tenantId);
      if (client) cache.delete(tenantId);
      else client = perTenantClient(tenantId);
      cache.set(tenantId, client);
      if (cache.size > limit) cache.delete(cache.keys().next().value!);
      return client.order.findUnique({ where: { tenantId_id: { tenantId, id } } });
    },
    built: () => built,
  };
}

/** Every tenant with its order ids, read before the design's objects exist. */
async function loadSample(opsUrl: string): Promise<[string, string[]][]> {
  const ops = new pg.Client({ connectionString: opsUrl });
  await ops.connect();
  try {
    const { rows } = await ops.query<{ tenant_id: string; ids: string[] }>(
      `SELECT tenant_id, array_agg(id) AS ids FROM orders GROUP BY tenant_id ORDER BY tenant_id`,
    );
    return rows.map((row) => [row.tenant_id, row.ids]);
  } finally {
    await ops.end();
  }
}

/** Child process: one design, cold, timed. Prints one JSON line. */
async function runDesign(design: Design): Promise<void> {
  const urls = JSON.parse(process.env.DESIGN_URLS!) as { app: string; ops: string };
  const sample = await loadSample(urls.ops);
  const tenants = design === 'per-tenant-all' ? sample.slice(0, 500) : sample;
  const { lookup, built } = lookupFor(design, urls);
  const before = settledMemory();
  const latencies: number[] = [];
  let wrong = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const [tenantId, orderIds] = tenants[Math.floor(Math.random() * tenants.length)]!;
        const orderId = orderIds[Math.floor(Math.random() * orderIds.length)]!;
        const t0 = performance.now();
        const order = await lookup(tenantId, orderId);
        latencies.push(performance.now() - t0);
        if (order?.tenantId !== tenantId) wrong++;
      }
    }),
  );
  const elapsed = performance.now() - started;
  const after = settledMemory();
  latencies.sort((a, b) => a - b);
  const result: Result = {
    design,
    tenants: tenants.length,
    opsPerSecond: (latencies.length / elapsed) * 1000,
    p50Ms: latencies[Math.floor(latencies.length / 2)]!,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)]!,
    heapGrowthMb: after.heapAndExternalMb - before.heapAndExternalMb,
    rssGrowthMb: after.rssMb - before.rssMb,
    clientsBuilt: built(),
    wrong,
  };
  console.log(JSON.stringify(result));
  process.exit(0);
}

async function main(): Promise<void> {
  const design = process.argv[2] as Design | undefined;
  if (design) return runDesign(design);

  const server = await acquireServer();
  const database = `bulkhead_designs_${randomBytes(3).toString('hex')}`;
  try {
    const { urls } = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database, rolePrefix: database });
    await migrate({ connectionString: urls.migration });
    const ops = new pg.Client({ connectionString: urls.ops });
    await ops.connect();
    await ops.query(`INSERT INTO tenants (slug, name) SELECT 'd-' || t, 'D ' || t FROM generate_series(1, $1) t`, [TENANTS]);
    await ops.query(`INSERT INTO customers (tenant_id, name, email) SELECT id, 'c', 'c@d.test' FROM tenants`);
    await ops.query(
      `INSERT INTO orders (tenant_id, number, customer_id, currency, subtotal, total)
       SELECT c.tenant_id, i, c.id, 'USD', i, i FROM customers c, generate_series(1, 20) i`,
    );
    await ops.query('ANALYZE');
    await ops.end();
    const results: Result[] = [];
    for (const candidate of DESIGNS) {
      const output = execFileSync(process.execPath, ['--import', 'tsx', 'tools/bench/tenant-client-designs.ts', candidate], {
        env: { ...process.env, DESIGN_URLS: JSON.stringify({ app: urls.app, ops: urls.ops }) },
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      const result = JSON.parse(output.trim().split('\n').at(-1)!) as Result;
      console.log(`[designs] ${candidate}: ${result.opsPerSecond.toFixed(0)} ops/s, heap+external +${result.heapGrowthMb.toFixed(0)} MB`);
      results.push(result);
    }
    const markdown = render(results);
    console.log(markdown);
    if (process.env.DESIGN_OUTPUT) await writeFile(process.env.DESIGN_OUTPUT, markdown);
  } finally {
    await dropDatabase(server.bootstrapUrl, database).catch(() => undefined);
    await dropRoles(server.bootstrapUrl, database).catch(() => undefined);
    await server.release();
  }
}

function render(results: Result[]): string {
  const baseline = results.find((r) => r.design === 'unscoped')!.opsPerSecond;
  const rows = results.map(
    (r) =>
      `| ${r.design} | ${r.tenants.toLocaleString('en-US')} | ${r.opsPerSecond.toFixed(0)} | ` +
      `${(r.opsPerSecond / baseline).toFixed(2)} | ${r.p50Ms.toFixed(1)} | ${r.p99Ms.toFixed(1)} | ` +
      `${r.heapGrowthMb.toFixed(0)} | ${r.rssGrowthMb.toFixed(0)} | ` +
      `${r.clientsBuilt.toLocaleString('en-US')} | ${r.wrong} |`,
  );
  return [
    `| design | tenants | lookups/s | vs unscoped | p50 ms | p99 ms | heap+external growth MB | ` +
      `RSS growth MB | PrismaClients built | wrong answers |`,
    `| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`,
    ...rows,
  ].join('\n');
}

await main();
