import type { TenantDbMode } from '@bulkhead/tenancy';
import pg from 'pg';

import {
  createTenantClientFactory,
  runInTenant,
  tenantDbFrom,
  type TenantClientFactory,
  type TenantClientFactoryOptions,
} from '@/lib/tenancy';
import type { TenantContext } from '@/lib/tenancy/context';

/** A tenant-client factory over its own pool of the runtime role, for one test file. */
export function tenantClients(
  appUrl: string,
  options: { mode?: TenantDbMode; poolSize?: number } & Omit<TenantClientFactoryOptions, 'pool' | 'mode'> = {},
) {
  const { poolSize, ...factoryOptions } = options;
  const pool = new pg.Pool({ connectionString: appUrl, max: poolSize ?? 4 });
  const factory = createTenantClientFactory({ pool, ...factoryOptions });
  return {
    pool,
    factory,
    /** Runs `work` as a user of `tenantId`, the way an entry point would. */
    as<T>(tenantId: string, work: (db: ReturnType<typeof tenantDbFrom>) => Promise<T>, context: Partial<TenantContext> = {}): Promise<T> {
      return runInTenant({ tenantId, actorType: 'user', actorId: undefined, requestId: 'test', ...context }, () =>
        work(tenantDbFrom(factory)),
      );
    },
    /** Runs `work` as a user of `tenantId` with the control-plane client (members, keys, the tenant row). */
    asControl<T>(
      tenantId: string,
      work: (db: ReturnType<typeof tenantDbFrom>) => Promise<T>,
      context: Partial<TenantContext> = {},
    ): Promise<T> {
      return runInTenant({ tenantId, actorType: 'user', actorId: undefined, requestId: 'test', ...context }, () =>
        work(tenantDbFrom(factory, 'control')),
      );
    },
    db: () => tenantDbFrom(factory),
    controlDb: () => tenantDbFrom(factory, 'control'),
    close: async () => {
      factory.close();
      // pool.end() resolves once every connection has been told to end, not once it has: wait for
      // each to go, so that dropping the test database next cannot catch one mid-goodbye (the
      // server's 57P01 on a connection nobody listens to any more is an uncaught error).
      const open = pool.totalCount;
      let removed = 0;
      const gone = new Promise<void>((resolve) => {
        if (open === 0) resolve();
        pool.on('remove', () => {
          if (++removed >= open) resolve();
        });
      });
      await pool.end();
      await gone;
    },
  };
}

export type TenantClients = ReturnType<typeof tenantClients> & { factory: TenantClientFactory };
