// Tenant-client factories over a pool of your own (tests, benchmarks), bound to the app's client
// through lib/tenancy/index.ts. The running app uses tenantDb() instead.
import type {
  BusyEvent as KitBusyEvent,
  StatementTimeoutEvent as KitStatementTimeoutEvent,
  TenantClientFactory as KitTenantClientFactory,
  TenantClientFactoryOptions as KitTenantClientFactoryOptions,
} from '@bulkhead/tenancy';

import type { PrismaClient } from '../db/generated/client';
import type { Plan } from './context';
import { tenancy } from './index';

export { DEFAULT_POLICY, type TenantClient, type TenantTransaction } from './index';
export type { LeaseEvent } from '@bulkhead/tenancy';

export type TenantClientFactory = KitTenantClientFactory<PrismaClient, Plan>;
export type TenantClientFactoryOptions = KitTenantClientFactoryOptions<Plan>;
export type BusyEvent = KitBusyEvent<Plan>;
export type StatementTimeoutEvent = KitStatementTimeoutEvent<Plan>;

export const createTenantClientFactory = (options: TenantClientFactoryOptions): TenantClientFactory =>
  tenancy.createTenantClientFactory(options);
export const tenantDbFrom = (factory: TenantClientFactory) => tenancy.tenantDbFrom(factory);
