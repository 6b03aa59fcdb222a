import { TenantBoundPool, type TenantDbMode } from '@bulkhead/tenancy';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { Prisma, PrismaClient } from '../../lib/db/generated/client';
import { createTenantClientFactory, tenancy, type TenantClientFactory } from '../../lib/tenancy';
import { settledHeapMb } from './heap';
import type { SampledTenant } from './seed';
import { RECENT_PAID_LIMIT, type OrderRow } from './workload';

// The ways of asking PostgreSQL the same two questions. Each variant owns one pg.Pool, so no
// variant waits on another's connections, and each answers with OrderRow so one check fits all.
//
//   raw          pg + hand-written SQL with an explicit tenant_id, as the ops role (BYPASSRLS):
//                the floor — what the database and the driver cost with no ORM and no isolation.
//   prisma       a plain PrismaClient, explicit tenantId in the where, as the ops role: the
//                baseline every ratio is against (what the same app costs without isolation).
//   official     Prisma's documented RLS client extension, as the runtime role: every operation
//                wrapped in $transaction([set_config(…, TRUE), query]).
//   pipelined    Bulkhead's tenant client, set_config and the query in one round trip.
//   transaction  Bulkhead's tenant client, BEGIN; set_config; query; COMMIT.
//
// Both Bulkhead variants run the factory exactly as the app builds it by default: a pool of 10,
// 8 shared PrismaClients ("slots", 2 connections reserved), the default shares and queue wait, and
// each operation on the tenant's stored plan (what lib/auth passes). No client per tenant exists.
//
// and two diagnostics that take Bulkhead's client apart, to show which layer costs what:
//
//   poolOnly     layer (a) alone: a PrismaClient per tenant over its TenantBoundPool (pipelined),
//                runtime role, no extension — the database layer's cost.
//   scopeOnly    layer (b) alone: tenantScope() on one shared PrismaClient, ops role — the
//                extension's cost.
//
// All Prisma variants send the same where (with tenantId), so their SQL differs only in what
// isolation wraps around it.

export type VariantKey = 'raw' | 'prisma' | 'official' | 'pipelined' | 'transaction' | 'poolOnly' | 'scopeOnly';
export type DatabaseRole = 'ops' | 'app';

export interface VariantInfo {
  name: string;
  role: DatabaseRole;
  /** Takes Bulkhead apart to explain a figure; not a way anyone should run. */
  diagnostic: boolean;
  /**
   * One PrismaClient per tenant (about 2 MB of heap each): a thousand of them fill half of Node's
   * default heap, so such a variant (only the layer-(a) diagnostic now) is timed in a phase of its own.
   */
  clientPerTenant: boolean;
}

export const VARIANTS: Record<VariantKey, VariantInfo> = {
  raw: { name: 'raw pg — floor', role: 'ops', diagnostic: false, clientPerTenant: false },
  prisma: { name: 'unscoped Prisma — baseline', role: 'ops', diagnostic: false, clientPerTenant: false },
  official: { name: 'official RLS extension', role: 'app', diagnostic: false, clientPerTenant: false },
  pipelined: { name: 'Bulkhead, pipelined', role: 'app', diagnostic: false, clientPerTenant: false },
  transaction: { name: 'Bulkhead, transaction', role: 'app', diagnostic: false, clientPerTenant: false },
  poolOnly: { name: '(diag.) layer (a) only', role: 'app', diagnostic: true, clientPerTenant: true },
  scopeOnly: { name: '(diag.) layer (b) only', role: 'ops', diagnostic: true, clientPerTenant: false },
};

export const VARIANT_KEYS = Object.keys(VARIANTS) as VariantKey[];

export interface ClientBuildCost {
  clients: number;
  buildMs: number;
  heapGrowthMb: number;
}

export interface Variant {
  key: VariantKey;
  /** Connections checked out of this variant's pool so far: one per statement or transaction. */
  checkouts(): number;
  /**
   * Builds the per-tenant clients up front, so no timed operation pays for one; undefined for the
   * variants that keep nothing per tenant (Bulkhead's factory among them).
   */
  buildTenantClients(tenantIds: readonly string[]): ClientBuildCost | undefined;
  /** PrismaClients (or extended clients) this variant holds right now. */
  clientsHeld(): number;
  /** Bulkhead's factory: slots, and the tenants it keeps state for right now. */
  poolStats?(): ReturnType<TenantClientFactory['stats']>;
  findOrder(tenant: SampledTenant, orderId: string): Promise<OrderRow | null>;
  recentPaidOrders(tenant: SampledTenant): Promise<OrderRow[]>;
  close(): Promise<void>;
}

export interface VariantOptions {
  urls: { app: string; ops: string };
  poolSize: number;
}

export function createVariant(key: VariantKey, options: VariantOptions): Variant {
  switch (key) {
    case 'raw':
      return rawPgVariant(options);
    case 'prisma':
      return unscopedPrismaVariant(options);
    case 'official':
      return officialExtensionVariant(options);
    case 'pipelined':
    case 'transaction':
      return bulkheadVariant(key, options);
    case 'poolOnly':
      return tenantPoolOnlyVariant(options);
    case 'scopeOnly':
      return scopeOnlyVariant(options);
  }
}

interface OwnedPool {
  pool: pg.Pool;
  checkouts(): number;
  /** Ends the pool and waits until every connection has really closed. */
  close(): Promise<void>;
}

function openPool(url: string, size: number, name: string): OwnedPool {
  // idleTimeoutMillis 0: a pool idling while other variants run must not reconnect inside a
  // timed window.
  const pool = new pg.Pool({ connectionString: url, max: size, idleTimeoutMillis: 0, application_name: `bulkhead-bench-${name}` });
  pool.on('error', (error) => console.error(`bench: idle connection of ${name} failed: ${error.message}`));
  // pool.end() resolves once it has asked its connections to close, not when they have; stopping
  // the server in between would turn a clean goodbye into "terminating connection" errors.
  const closed: Promise<void>[] = [];
  pool.on('connect', (client) => closed.push(new Promise((resolve) => client.once('end', () => resolve()))));
  // Every pool.query() and every connect() checks a connection out: counting them shows whether
  // Prisma merged several operations into one statement.
  let checkouts = 0;
  pool.on('acquire', () => (checkouts += 1));
  return {
    pool,
    checkouts: () => checkouts,
    async close() {
      await pool.end();
      await Promise.all(closed);
    },
  };
}

/** Builds one client per tenant and reports what that cost, in time and in settled heap. */
function measureBuild(tenantIds: readonly string[], build: (tenantId: string) => void): ClientBuildCost {
  const heapBefore = settledHeapMb();
  const started = performance.now();
  for (const tenantId of tenantIds) build(tenantId);
  const buildMs = performance.now() - started;
  return { clients: tenantIds.length, buildMs, heapGrowthMb: settledHeapMb() - heapBefore };
}

const ORDER_COLUMNS =
  'tenant_id, id, number, customer_id, status, currency, subtotal, total, notes, placed_at, ' +
  'paid_at, cancelled_at, version, created_at, updated_at';

interface OrderRecord {
  tenant_id: string;
  id: string;
  status: string;
  placed_at: Date;
}

const fromRecord = (row: OrderRecord): OrderRow => ({ tenantId: row.tenant_id, id: row.id, status: row.status, placedAt: row.placed_at });

/** The two questions through one PrismaClient (or an extension of one), with an explicit tenantId. */
function explicitTenantQueries(client: (tenant: SampledTenant) => PrismaClient | ReturnType<PrismaClient['$extends']>) {
  const orders = (tenant: SampledTenant) => (client(tenant) as PrismaClient).order;
  return {
    findOrder: (tenant: SampledTenant, orderId: string) =>
      orders(tenant).findUnique({ where: { tenantId_id: { tenantId: tenant.id, id: orderId } } }),
    recentPaidOrders: (tenant: SampledTenant) =>
      orders(tenant).findMany({ where: { tenantId: tenant.id, status: 'paid' }, orderBy: { placedAt: 'desc' }, take: RECENT_PAID_LIMIT }),
  };
}

function rawPgVariant({ urls, poolSize }: VariantOptions): Variant {
  const { pool, close, checkouts } = openPool(urls.ops, poolSize, 'raw');
  return {
    key: 'raw',
    checkouts,
    buildTenantClients: () => undefined,
    clientsHeld: () => 0,
    async findOrder(tenant, orderId) {
      const { rows } = await pool.query<OrderRecord>(`SELECT ${ORDER_COLUMNS} FROM orders WHERE tenant_id = $1 AND id = $2`, [
        tenant.id,
        orderId,
      ]);
      return rows[0] ? fromRecord(rows[0]) : null;
    },
    async recentPaidOrders(tenant) {
      const { rows } = await pool.query<OrderRecord>(
        `SELECT ${ORDER_COLUMNS} FROM orders WHERE tenant_id = $1 AND status = $2::"OrderStatus" ORDER BY placed_at DESC LIMIT $3`,
        [tenant.id, 'paid', RECENT_PAID_LIMIT],
      );
      return rows.map(fromRecord);
    },
    close,
  };
}

function unscopedPrismaVariant({ urls, poolSize }: VariantOptions): Variant {
  const { pool, close, checkouts } = openPool(urls.ops, poolSize, 'prisma');
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  return {
    key: 'prisma',
    checkouts,
    buildTenantClients: () => undefined,
    clientsHeld: () => 1,
    ...explicitTenantQueries(() => prisma),
    async close() {
      await prisma.$disconnect();
      await close();
    },
  };
}

/**
 * Prisma's documented row-level-security extension (prisma/prisma-client-extensions,
 * row-level-security), with Bulkhead's setting name. Kept verbatim in shape: it is what the ratio
 * is compared with, not something to improve.
 */
function officialRlsExtension(tenantId: string) {
  return Prisma.defineExtension((prisma) =>
    prisma.$extends({
      query: {
        $allModels: {
          async $allOperations({ args, query }) {
            const [, result] = await prisma.$transaction([
              prisma.$executeRaw`SELECT set_config('app.tenant_id', ${tenantId}, TRUE)`,
              query(args),
            ]);
            return result;
          },
        },
      },
    }),
  );
}

function officialExtensionVariant({ urls, poolSize }: VariantOptions): Variant {
  const { pool, close, checkouts } = openPool(urls.app, poolSize, 'official');
  const base = new PrismaClient({ adapter: new PrismaPg(pool) });
  // The example builds the extended client per company; we keep one per tenant (built before
  // timing), so it never pays for construction inside a timed window.
  const forTenant = perTenant((tenantId) => base.$extends(officialRlsExtension(tenantId)));
  return {
    key: 'official',
    checkouts,
    buildTenantClients: (tenantIds) => measureBuild(tenantIds, forTenant),
    clientsHeld: forTenant.size,
    ...explicitTenantQueries((tenant) => forTenant(tenant.id)),
    async close() {
      await base.$disconnect();
      await close();
    },
  };
}

/** Bulkhead's factory with the app's defaults: nothing is built per tenant, so nothing is built up front. */
function bulkheadVariant(mode: TenantDbMode, { urls, poolSize }: VariantOptions): Variant {
  const { pool, close, checkouts } = openPool(urls.app, poolSize, mode);
  const factory: TenantClientFactory = createTenantClientFactory({ pool, mode });
  const db = (tenant: SampledTenant) => factory.forTenant(tenant.id, { plan: tenant.plan });
  return {
    key: mode,
    checkouts,
    buildTenantClients: () => undefined,
    clientsHeld: () => factory.builtClients(),
    poolStats: () => factory.stats(),
    findOrder(tenant, orderId) {
      const client = db(tenant);
      return client.order.findUnique({ where: client.$key(orderId) });
    },
    recentPaidOrders: (tenant) =>
      db(tenant).order.findMany({ where: { status: 'paid' }, orderBy: { placedAt: 'desc' }, take: RECENT_PAID_LIMIT }),
    // The slots hold no connections of their own: each lease borrows one of this pool's.
    close,
  };
}

/** A client per tenant, built once and kept (the official extension and the diagnostics). */
function perTenant<T>(build: (tenantId: string) => T) {
  const clients = new Map<string, T>();
  const get = (tenantId: string): T => {
    let client = clients.get(tenantId);
    if (client === undefined) clients.set(tenantId, (client = build(tenantId)));
    return client;
  };
  return Object.assign(get, { size: () => clients.size });
}

function tenantPoolOnlyVariant({ urls, poolSize }: VariantOptions): Variant {
  const { pool, close, checkouts } = openPool(urls.app, poolSize, 'pool-only');
  const forTenant = perTenant(
    (tenantId) => new PrismaClient({ adapter: new PrismaPg(new TenantBoundPool(pool, tenantId, 'pipelined') as unknown as pg.Pool) }),
  );
  return {
    key: 'poolOnly',
    checkouts,
    buildTenantClients: (tenantIds) => measureBuild(tenantIds, forTenant),
    clientsHeld: forTenant.size,
    ...explicitTenantQueries((tenant) => forTenant(tenant.id)),
    close,
  };
}

function scopeOnlyVariant({ urls, poolSize }: VariantOptions): Variant {
  const { pool, close, checkouts } = openPool(urls.ops, poolSize, 'scope-only');
  const base = new PrismaClient({ adapter: new PrismaPg(pool) });
  const forTenant = perTenant((tenantId) => base.$extends(tenancy.tenantScope(tenantId)));
  return {
    key: 'scopeOnly',
    checkouts,
    buildTenantClients: (tenantIds) => measureBuild(tenantIds, forTenant),
    clientsHeld: forTenant.size,
    findOrder: (tenant, orderId) => forTenant(tenant.id).order.findUnique({ where: { tenantId_id: { tenantId: tenant.id, id: orderId } } }),
    recentPaidOrders: (tenant) =>
      forTenant(tenant.id).order.findMany({ where: { status: 'paid' }, orderBy: { placedAt: 'desc' }, take: RECENT_PAID_LIMIT }),
    async close() {
      await base.$disconnect();
      await close();
    },
  };
}
