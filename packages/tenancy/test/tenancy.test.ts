import { createTenancy, ownRow } from '@bulkhead/tenancy';
import { describe, expect, it } from 'vitest';

import { Prisma, PrismaClient } from './fixture/generated/client';

// createTenancy() checks what the app hands it, so a misconfiguration fails at start-up with a
// message that says what to fix, not later as a wrong share or a missing scope.

const policy = {
  shares: { basic: 1, premium: 2 },
  statementTimeoutMs: { interactive: { basic: 1_000, premium: 2_000 }, batch: { basic: 5_000, premium: 9_000 } },
};
const base = { PrismaClient, Prisma, plans: ['basic', 'premium'] as const, roles: ['owner'] as const, actors: ['user'] as const, policy };

describe('createTenancy()', () => {
  it('needs a share and both timeouts for every plan', () => {
    expect(() => createTenancy({ ...base, policy: { ...policy, shares: { basic: 1 } as typeof policy.shares } })).toThrow(
      'policy.shares has no entry for plan "premium"',
    );
    expect(() =>
      createTenancy({ ...base, policy: { ...policy, statementTimeoutMs: { ...policy.statementTimeoutMs, batch: { basic: 1 } as never } } }),
    ).toThrow('policy.statementTimeoutMs.batch has no entry for plan "premium"');
  });

  it('refuses a tenant field no model has', () => {
    expect(() => createTenancy({ ...base, tenantField: 'orgId' })).toThrow('no model of the generated client has a "orgId" field');
  });

  it('scopes only what it was told: other models are refused, declared global models narrowed', () => {
    const tenancy = createTenancy({ ...base, globalModels: { Workspace: ownRow('id') } });
    const tenant = '0190a5f0-0000-7000-8000-000000000001';
    expect(tenancy.scopeArgs('Workspace', 'findMany', {}, tenant)).toEqual({ where: { id: tenant } });
    const withoutGlobals = createTenancy(base);
    expect(() => withoutGlobals.scopeArgs('Workspace', 'findMany', {}, tenant)).toThrow('is not tenant data');
  });

  it('tenantDb() without connect says how to get one', async () => {
    const tenancy = createTenancy(base);
    await expect(
      tenancy.runInTenant({ tenantId: '0190a5f0-0000-7000-8000-000000000001', actorType: 'user' }, async () => tenancy.tenantDb()),
    ).rejects.toThrow('needs createTenancy({ connect })');
  });
});
