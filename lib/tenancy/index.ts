// The app's binding of the isolation kit (@bulkhead/tenancy): Bulkhead's generated client, its
// plans, roles and policy go in; the functions the app calls come out. Entry points open a context
// with runInTenant(); everything below them calls tenantDb() and never sees a tenant id.
import {
  createTenancy,
  ownRow,
  related,
  type BusyEvent as KitBusyEvent,
  type StatementTimeoutEvent as KitStatementTimeoutEvent,
  type TenantClient as KitTenantClient,
  type TenantClientFactory as KitTenantClientFactory,
  type TenantClientFactoryOptions as KitTenantClientFactoryOptions,
  type TenantTransaction as KitTenantTransaction,
} from '@bulkhead/tenancy';

import { Prisma, PrismaClient } from '../db/generated/client';
import { appPool, beforeAppPoolCloses } from '../db/pool';
import { env } from '../env';
import { adoptAsAppError } from '../errors';
import { ACTOR_KINDS, MEMBERSHIP_ROLES, PLANS, type Plan } from './context';
import { dedicatedDatabases, PLACED_TABLES } from './placement';

export { audit, type AuditEventInput } from './audit';
export { LOCAL_TARGET, PLACED_TABLES, routeOf, targetServer } from './placement';
export { TenantContextMissingError, type MembershipRole, type TenantContext } from './context';
export { CrossTenantArgumentError } from '@bulkhead/tenancy';

/** Shares and timeouts when nothing overrides them (lib/env.ts has the same defaults). */
export const DEFAULT_POLICY = {
  shares: { free: 2, pro: 4, enterprise: 8 },
  statementTimeoutMs: {
    interactive: { free: 5_000, pro: 15_000, enterprise: 60_000 },
    batch: { free: 300_000, pro: 900_000, enterprise: 3_600_000 },
  },
};

export const tenancy = createTenancy({
  PrismaClient,
  Prisma,
  // Tenant data: these tables live in the tenant's placement (the shared tables, a schema of its
  // own, or a database of its own — docs/tiers.md). Every other model is the control plane's and is
  // reached with controlPlaneDb(). lib/tenancy/placed-tables.test.ts holds this list to the catalog.
  placed: {
    models: PLACED_TABLES,
    // Changes to control-plane rows (a member removed, a key revoked) are audited in the same
    // transaction, so in the control plane's database.
    controlPlaneWrites: ['AuditEvent'],
  },
  // Global models a tenant may see: its own tenant row, and the users who are its members.
  globalModels: {
    Tenant: ownRow('id'),
    User: related((tenantId) => ({ memberships: { some: { tenantId } } })),
  },
  // The runtime role may not read these columns at all (column grants): never ask for them.
  clientOptions: { omit: { user: { passwordHash: true, sessionVersion: true } } },
  plans: PLANS,
  roles: MEMBERSHIP_ROLES,
  actors: ACTOR_KINDS,
  policy: DEFAULT_POLICY,
  // The kit's refusals count as the app's AppErrors: a 503 problem+json, a form message.
  errors: { busy: adoptAsAppError, statementTimeout: adoptAsAppError, moving: adoptAsAppError },
  connect: () => {
    const settings = env();
    // Closing the pool (tests, shutdown) closes the slots first; the next use builds new ones.
    beforeAppPoolCloses(() => tenancy.closeClients());
    return {
      pool: appPool(),
      mode: settings.TENANT_DB_MODE,
      slots: Math.max(1, settings.DATABASE_POOL_SIZE - settings.DATABASE_POOL_RESERVED),
      databases: dedicatedDatabases(settings),
      queueWaitMs: settings.TENANT_QUEUE_WAIT_MS,
      policy: {
        shares: settings.TENANT_POOL_SHARES,
        statementTimeoutMs: { interactive: settings.TENANT_STATEMENT_TIMEOUT_MS, batch: settings.TENANT_BATCH_STATEMENT_TIMEOUT_MS },
      },
    };
  },
});

export type TenantClient = KitTenantClient<PrismaClient>;
export type TenantTransaction = KitTenantTransaction<PrismaClient>;

/** The tenant's data, in its placement, as the tenant in context sees it. Throws outside a tenant context. */
export const tenantDb = tenancy.tenantDb;

/**
 * The tenant's rows of the control plane — members, invitations, API keys, its own tenant row — as
 * the tenant in context sees them. They stay in the app's database whatever the tenant's tier.
 */
export const controlPlaneDb = tenancy.controlPlaneDb;

/**
 * Runs `work` as `context`. Call it once per entry point, with a context built from the
 * authenticated session (lib/auth does), never from request input.
 */
export const runInTenant = tenancy.runInTenant;

/** The current tenant context; throws when there is none. */
export const currentTenant = tenancy.currentTenant;
/** The current tenant context, or undefined outside one (for logging). */
export const maybeCurrentTenant = tenancy.maybeCurrentTenant;

// Tenant clients over a pool of your own (tests, benchmarks), with the app's client and plans. The
// running app uses tenantDb() instead. Layer (b) alone is tenancy.tenantScope(tenantId); layer (a)
// alone is the kit's TenantBoundPool.
export type TenantClientFactory = KitTenantClientFactory<PrismaClient, Plan>;
export type TenantClientFactoryOptions = KitTenantClientFactoryOptions<Plan>;
export type BusyEvent = KitBusyEvent<Plan>;
export type StatementTimeoutEvent = KitStatementTimeoutEvent<Plan>;
export type { LeaseEvent } from '@bulkhead/tenancy';
export const createTenantClientFactory = tenancy.createTenantClientFactory;
export const tenantDbFrom = tenancy.tenantDbFrom;
