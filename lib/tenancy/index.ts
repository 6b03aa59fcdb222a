// The isolation core's public face. Entry points open a context with runInTenant(); everything
// below them calls tenantDb() and never sees a tenant id.
import { randomUUID } from 'node:crypto';
import { appPool, beforeAppPoolCloses } from '../db/pool';
import { env } from '../env';
import { createTenantClientFactory, tenantDbFrom, type TenantClient, type TenantClientFactory, type TenantTransaction } from './client';
import { tenantStorage, type TenantContext } from './context';
import { assertTenantId } from './tenant-pool';

export { audit, type AuditEventInput } from './audit';
export { currentTenant, maybeCurrentTenant, TenantContextMissingError, type TenantContext, type MembershipRole } from './context';
export { CrossTenantArgumentError } from './scope';
export type { TenantClient, TenantTransaction };

const globalForTenancy = globalThis as unknown as { bulkheadTenantClients?: TenantClientFactory };

function appFactory(): TenantClientFactory {
  if (globalForTenancy.bulkheadTenantClients) return globalForTenancy.bulkheadTenantClients;
  const settings = env();
  const factory = createTenantClientFactory({
    pool: appPool(),
    mode: settings.TENANT_DB_MODE,
    slots: Math.max(1, settings.DATABASE_POOL_SIZE - settings.DATABASE_POOL_RESERVED),
    queueWaitMs: settings.TENANT_QUEUE_WAIT_MS,
    policy: {
      shares: settings.TENANT_POOL_SHARES,
      statementTimeoutMs: { interactive: settings.TENANT_STATEMENT_TIMEOUT_MS, batch: settings.TENANT_BATCH_STATEMENT_TIMEOUT_MS },
    },
  });
  // Closing the pool (tests, shutdown) closes the slots first; the next use builds a new factory.
  beforeAppPoolCloses(() => {
    factory.close();
    if (globalForTenancy.bulkheadTenantClients === factory) globalForTenancy.bulkheadTenantClients = undefined;
  });
  globalForTenancy.bulkheadTenantClients = factory;
  return factory;
}

/** The database, as the tenant in context sees it. Throws outside a tenant context. */
export function tenantDb(): TenantClient | TenantTransaction {
  return tenantDbFrom(appFactory());
}

/**
 * Runs `work` as `context`. Call it once per entry point, with a context built from the
 * authenticated session (lib/auth does), never from request input.
 */
export async function runInTenant<T>(context: Omit<TenantContext, 'requestId'> & { requestId?: string }, work: () => Promise<T>): Promise<T> {
  assertTenantId(context.tenantId);
  const outer = tenantStorage.getStore();
  if (outer && outer.tenantId !== context.tenantId) {
    throw new Error('runInTenant(): a tenant context cannot be nested inside another tenant’s context.');
  }
  // Nested for the same tenant inside an open transaction: keep joining it (a second slot would
  // be waited for while the first is held — with a share of one, a self-deadlock).
  return tenantStorage.run({ ...context, transaction: outer?.transaction, requestId: context.requestId ?? outer?.requestId ?? randomUUID() }, work);
}
