import { randomBytes } from 'node:crypto';

import { createTenancy, ownRow } from '@bulkhead/tenancy';
import { dropDatabase, provisionDatabase, type ProvisionedDatabase } from '@bulkhead/tenancy/admin';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';

import { Prisma, PrismaClient } from './fixture/generated/client';

// The fixture app's adoption of the kit — what an app's lib/tenancy/index.ts would hold — and a
// database per test file, copied from the migrated template.

export const PLANS = ['basic', 'premium'] as const;

/**
 * The fixture app's tenancy, over `pool` (each test file has its own database, so its own pool);
 * `errors` maps the kit's refusals as an app's adoption would.
 */
export function fixtureTenancy(
  pool: pg.Pool,
  name = `fixture-${randomBytes(3).toString('hex')}`,
  errors?: Parameters<typeof createTenancy>[0]['errors'],
) {
  return createTenancy({
    name,
    errors,
    PrismaClient,
    Prisma,
    globalModels: { Workspace: ownRow('id') },
    plans: PLANS,
    roles: ['owner', 'editor'],
    actors: ['user', 'system'],
    policy: {
      shares: { basic: 1, premium: 2 },
      statementTimeoutMs: { interactive: { basic: 2_000, premium: 5_000 }, batch: { basic: 10_000, premium: 20_000 } },
    },
    connect: () => ({ pool, slots: 2, queueWaitMs: 1_000 }),
  });
}

export type FixtureTenancy = ReturnType<typeof fixtureTenancy>;

/** A PrismaClient of the fixture app over `url`, with no tenant scope (ops and owner connections). */
export function rawClient(url: string): PrismaClient {
  return new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }) });
}

/** Registers a database for the current test file: created before its tests, dropped after. */
export function setupTestDatabase() {
  const handle: { current: ProvisionedDatabase } = { current: undefined as unknown as ProvisionedDatabase };
  const { bootstrapUrl, rolePrefix, template } = inject('kitTestServer');
  const database = `${rolePrefix}_${randomBytes(4).toString('hex')}`;
  beforeAll(async () => {
    handle.current = await provisionDatabase({ bootstrapUrl, database, rolePrefix, template });
  });
  afterAll(async () => {
    await dropDatabase(bootstrapUrl, database);
  });
  return handle;
}

/** Two workspaces with a few notes each, created as the ops role (BYPASSRLS). */
export async function seedWorkspaces(opsUrl: string) {
  const ops = rawClient(opsUrl);
  try {
    const seed = async (name: string, titles: string[]) => {
      const workspace = await ops.workspace.create({ data: { name } });
      const notes = [];
      for (const title of titles) notes.push(await ops.note.create({ data: { tenantId: workspace.id, title } }));
      return { id: workspace.id, noteIds: notes.map((note) => note.id) };
    };
    return { acme: await seed('Acme', ['a1', 'a2', 'a3']), globex: await seed('Globex', ['g1', 'g2']) };
  } finally {
    await ops.$disconnect();
  }
}
