import { CrossTenantArgumentError, TenantBoundPool, TenantContextMissingError } from '@bulkhead/tenancy';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { PrismaClient } from './fixture/generated/client';
import { fixtureTenancy, rawClient, seedWorkspaces, setupTestDatabase, type FixtureTenancy } from './setup';

// The fixture app (workspaces, notes, labels — not Bulkhead's schema) adopts the kit through its
// public entry, and both layers hold: forced RLS on every statement of the tenant client, the
// scope extension on every argument, and no tenant context means no database.

const database = setupTestDatabase();
let pool: pg.Pool;
let tenancy: FixtureTenancy;
let acme: { id: string; noteIds: string[] };
let globex: { id: string; noteIds: string[] };

beforeAll(async () => {
  ({ acme, globex } = await seedWorkspaces(database.current.urls.ops));
  pool = new pg.Pool({ connectionString: database.current.urls.app, max: 4 });
  tenancy = fixtureTenancy(pool);
});

afterAll(async () => {
  tenancy.closeClients();
  await pool.end();
});

const as = <T>(tenantId: string, work: () => Promise<T>) => tenancy.runInTenant({ tenantId, actorType: 'user' }, work);

describe('the kit on a schema of its own', () => {
  it('reads the tenant models from the generated client', () => {
    expect([...tenancy.tenantModels].sort()).toEqual(['Label', 'Note']);
  });

  it("a tenant sees its own rows and none of another tenant's", async () => {
    const titles = await as(acme.id, async () =>
      (await tenancy.tenantDb().note.findMany({ orderBy: { title: 'asc' } })).map((n) => n.title),
    );
    expect(titles).toEqual(['a1', 'a2', 'a3']);
    expect(await as(globex.id, () => tenancy.tenantDb().note.count())).toBe(globex.noteIds.length);
    // Another tenant's row by its key is simply not there (a 404, not a 403).
    expect(await as(acme.id, () => tenancy.tenantDb().note.findUnique({ where: tenancy.tenantDb().$key(globex.noteIds[0]!) }))).toBeNull();
    // The tenant row itself: its own, and only its own.
    expect(await as(acme.id, async () => (await tenancy.tenantDb().workspace.findMany()).map((w) => w.id))).toEqual([acme.id]);
  });

  it('raw SQL through the tenant client is filtered by row-level security too', async () => {
    const rows = await as(acme.id, () => tenancy.tenantDb().$queryRaw<{ tenant_id: string }[]>`SELECT DISTINCT tenant_id::text FROM notes`);
    expect(rows).toEqual([{ tenant_id: acme.id }]);
  });

  it('creates rows in the tenant in context, and an interactive transaction stays in it', async () => {
    const created = await as(acme.id, () =>
      tenancy.tenantDb().$transaction(async (tx) => {
        const note = await tx.note.create({ data: { title: 'made in a transaction' } });
        await tx.label.create({ data: { noteId: note.id, name: 'kit' } });
        return note;
      }),
    );
    expect(created.tenantId).toBe(acme.id);
    expect(await as(globex.id, () => tenancy.tenantDb().label.count())).toBe(0);
  });

  it('refuses to run without a tenant context', () => {
    expect(() => tenancy.tenantDb()).toThrow(TenantContextMissingError);
  });

  it('refuses a context with a plan, role or actor the app did not declare', async () => {
    await expect(tenancy.runInTenant({ tenantId: acme.id, actorType: 'user', plan: 'gold' as 'basic' }, async () => 1)).rejects.toThrow(
      'unknown plan "gold"',
    );
    await expect(tenancy.runInTenant({ tenantId: acme.id, actorType: 'robot' as 'user' }, async () => 1)).rejects.toThrow(
      'unknown actor type "robot"',
    );
    await expect(tenancy.runInTenant({ tenantId: 'not-a-uuid', actorType: 'user' }, async () => 1)).rejects.toThrow('Invalid tenant id');
  });

  it('refuses another tenant named in the arguments instead of overriding it', async () => {
    await expect(as(acme.id, () => tenancy.tenantDb().note.findMany({ where: { tenantId: globex.id } }))).rejects.toThrow(
      CrossTenantArgumentError,
    );
    await expect(as(acme.id, () => tenancy.tenantDb().workspace.delete({ where: { id: acme.id } }))).rejects.toThrow(
      'created and deleted by provisioning',
    );
  });

  it('withholds raw SQL by string and lifecycle methods', async () => {
    await as(acme.id, async () => {
      const db = tenancy.tenantDb() as unknown as Record<string, unknown>;
      expect(() => db.$queryRawUnsafe).toThrow('not available on a tenant client');
      expect(() => db.$disconnect).toThrow('not available on a tenant client');
    });
  });
});

describe('each layer alone', () => {
  it('layer (b): the scope extension adds tenant_id to reads and writes, even for a role that bypasses RLS', async () => {
    expect(tenancy.scopeArgs('Note', 'findMany', { where: { title: 'a1' } }, acme.id)).toEqual({
      where: { title: 'a1', tenantId: acme.id },
    });
    expect(tenancy.scopeArgs('Note', 'create', { data: { title: 'x' } }, acme.id)).toEqual({ data: { title: 'x', tenantId: acme.id } });
    const ops = rawClient(database.current.urls.ops); // BYPASSRLS: only the extension narrows it
    try {
      expect(await ops.note.count()).toBeGreaterThan(acme.noteIds.length);
      const scoped = ops.$extends(tenancy.tenantScope(globex.id));
      expect((await scoped.note.findMany()).every((note) => note.tenantId === globex.id)).toBe(true);
      expect(await scoped.note.count()).toBe(globex.noteIds.length);
      const note = await scoped.note.create({ data: { title: 'scoped' } as never });
      expect(note.tenantId).toBe(globex.id);
      await scoped.note.delete({ where: { tenantId_id: { tenantId: globex.id, id: note.id } } });
    } finally {
      await ops.$disconnect();
    }
  });

  it('layer (a): forced row-level security filters a plain client bound to one tenant, and the owner too', async () => {
    const bound = new PrismaClient({ adapter: new PrismaPg(new TenantBoundPool(pool, acme.id) as unknown as pg.Pool) });
    try {
      const notes = await bound.note.findMany(); // no where at all
      expect(notes.length).toBeGreaterThanOrEqual(acme.noteIds.length);
      expect(notes.every((note) => note.tenantId === acme.id)).toBe(true);
    } finally {
      await bound.$disconnect();
    }
    // FORCE ROW LEVEL SECURITY: the table owner sees nothing without a tenant in the transaction.
    const owner = new pg.Client({ connectionString: database.current.urls.migration });
    await owner.connect();
    try {
      expect((await owner.query('SELECT count(*)::int AS n FROM notes')).rows[0].n).toBe(0);
      await expect(owner.query(`INSERT INTO notes (tenant_id, title) VALUES ($1, 'sneaky')`, [acme.id])).rejects.toThrow(
        'row-level security',
      );
    } finally {
      await owner.end();
    }
  });
});
