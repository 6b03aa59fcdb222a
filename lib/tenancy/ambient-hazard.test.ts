import { maybeCurrentTenant, pipelined, SET_TENANT_SQL } from '@bulkhead/tenancy';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';

import { PrismaClient } from '@/lib/db/generated/client';
import { setupTestDatabase } from '@/test/db';
import { seedTenant, type SeededTenant } from '@/test/fixtures';

import { createTenantClientFactory, runInTenant } from './index';

// Why tenant clients are bound to one tenant by construction, not by ambient context.
//
// The tempting design is ONE PrismaClient whose driver reads "the current tenant" from
// AsyncLocalStorage for every statement. Measured here with Prisma 7.10: the context does not
// reach the driver adapter at all — Prisma's client runs queries from its own async resources
// (its request batcher dispatches on a process.nextTick of whichever call came first). The driver
// sees no tenant, RLS fails closed, and every lookup of an existing row returns null. Had the
// driver fallen back to "the last tenant seen", it would have run B's query as A. This test
// builds that design on purpose and shows it going wrong next to the bound design going right.

const database = setupTestDatabase();
let acme: SeededTenant;
let globex: SeededTenant;
let shared: pg.Pool;

beforeAll(async () => {
  acme = await seedTenant(database.current.urls.ops, 'acme');
  globex = await seedTenant(database.current.urls.ops, 'globex');
  shared = new pg.Pool({ connectionString: database.current.urls.app, max: 4 });
});
afterAll(() => shared.end());

/** The anti-pattern: a pool whose queries take the tenant from whatever context they run in. */
class AmbientTenantPool extends pg.Pool {
  constructor(private readonly inner: pg.Pool) {
    super({ max: 1 });
  }
  // @ts-expect-error -- narrower than pg.Pool's overloads: Prisma's adapter only calls query(config).
  override async query(config: pg.QueryConfig) {
    const tenantId = maybeCurrentTenant()?.tenantId ?? '';
    const client = await this.inner.connect();
    try {
      return await pipelined(client, config, { before: [{ text: SET_TENANT_SQL, values: [tenantId] }] });
    } finally {
      client.release();
    }
  }
}

it('a single client that reads the tenant from ambient context in the driver loses it; a bound client does not', async () => {
  const prisma = new PrismaClient({ adapter: new PrismaPg(new AmbientTenantPool(shared) as unknown as pg.Pool) });
  const ambientLookup = (tenant: SeededTenant, id: string) =>
    runInTenant({ tenantId: tenant.id, actorType: 'system', requestId: 'hazard' }, () =>
      prisma.order.findUnique({ where: { tenantId_id: { tenantId: tenant.id, id } } }),
    );
  const [forAcme, forGlobex] = await Promise.all([ambientLookup(acme, acme.orderIds[0]!), ambientLookup(globex, globex.orderIds[0]!)]);
  expect([forAcme, forGlobex]).toEqual([null, null]); // both rows exist
  expect(await runInTenant({ tenantId: acme.id, actorType: 'system', requestId: 'hazard' }, () => prisma.order.count())).toBe(0);
  await prisma.$disconnect();

  // Positive control: the bound design finds both, concurrently.
  const bound = createTenantClientFactory({ pool: shared });
  const [a, g] = await Promise.all([
    bound.forTenant(acme.id).order.findUnique({ where: { tenantId_id: { tenantId: acme.id, id: acme.orderIds[0]! } } }),
    bound.forTenant(globex.id).order.findUnique({ where: { tenantId_id: { tenantId: globex.id, id: globex.orderIds[0]! } } }),
  ]);
  expect(a?.notes).toBe(acme.canary);
  expect(g?.notes).toBe(globex.canary);
});
