import { definerGateway, isTenantMoving, TENANT_MOVING_MESSAGE, TenantMovingError, type TenantDbMode } from '@bulkhead/tenancy';
import { TENANT_MOVING_SQLSTATE } from '@bulkhead/tenancy/admin';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { fixtureTenancy, seedWorkspaces, setupTestDatabase, type FixtureTenancy } from './setup';

// A moving tenant's writes, as the tenant client reports them. During an online move the copy a
// tenant is leaving refuses its writes with SQLSTATE BH503 (the fence of moveTenant(), docs/moves.md).
// Here the fence is reduced to what the tenant client meets: a trigger on one workspace's notes that
// raises that SQLSTATE. Prisma wraps the driver's error, so the kit must find the code in the chain
// and report a TenantMovingError (503, Retry-After 2, a message a person can act on), in either
// connection mode, for a single operation and for a whole transaction. Other workspaces, and the
// frozen one's reads, are not touched.

const database = setupTestDatabase();
let pool: pg.Pool;
let tenancy: FixtureTenancy;
let acme: { id: string; noteIds: string[] };
let globex: { id: string; noteIds: string[] };

/** As the owner of the tables: refuses every write of `tenantId`'s notes, as a closed fence does. */
async function freeze(tenantId: string): Promise<void> {
  const owner = new pg.Client({ connectionString: database.current.urls.migration });
  await owner.connect();
  try {
    await owner.query(`
      CREATE OR REPLACE FUNCTION test_fence() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'This workspace is moving to its new home; writes resume in a few seconds.'
          USING ERRCODE = '${TENANT_MOVING_SQLSTATE}';
      END
      $$`);
    await owner.query(`DROP TRIGGER IF EXISTS test_fence_write ON notes`);
    await owner.query(`DROP TRIGGER IF EXISTS test_fence_delete ON notes`);
    await owner.query(
      `CREATE TRIGGER test_fence_write AFTER INSERT OR UPDATE ON notes FOR EACH ROW
         WHEN (NEW.tenant_id = '${tenantId}'::uuid) EXECUTE FUNCTION test_fence()`,
    );
    await owner.query(
      `CREATE TRIGGER test_fence_delete AFTER DELETE ON notes FOR EACH ROW
         WHEN (OLD.tenant_id = '${tenantId}'::uuid) EXECUTE FUNCTION test_fence()`,
    );
  } finally {
    await owner.end();
  }
}

async function unfreeze(): Promise<void> {
  const owner = new pg.Client({ connectionString: database.current.urls.migration });
  await owner.connect();
  try {
    await owner.query(`DROP TRIGGER IF EXISTS test_fence_write ON notes`);
    await owner.query(`DROP TRIGGER IF EXISTS test_fence_delete ON notes`);
  } finally {
    await owner.end();
  }
}

/** What `work` rejected with (or 'resolved'). */
const outcome = (work: Promise<unknown>) =>
  work.then(
    () => 'resolved' as const,
    (error: unknown) => error,
  );

function expectMoving(error: unknown): void {
  expect(error).toBeInstanceOf(TenantMovingError);
  expect(error).toMatchObject({ code: 'tenant_moving', status: 503, retryAfterSeconds: 2, message: TENANT_MOVING_MESSAGE });
  // The driver's error stays reachable for the log: the SQLSTATE is in the chain.
  expect(isTenantMoving((error as Error).cause)).toBe(true);
}

beforeAll(async () => {
  ({ acme, globex } = await seedWorkspaces(database.current.urls.ops));
  pool = new pg.Pool({ connectionString: database.current.urls.app, max: 6 });
  tenancy = fixtureTenancy(pool);
});

afterEach(unfreeze);

afterAll(async () => {
  tenancy.closeClients();
  await pool.end();
});

describe.each<TenantDbMode>(['pipelined', 'transaction'])('a frozen workspace (%s mode)', (mode) => {
  let factory: ReturnType<FixtureTenancy['createTenantClientFactory']>;
  const as = <T>(tenantId: string, work: (db: ReturnType<FixtureTenancy['tenantDb']>) => Promise<T>) =>
    tenancy.runInTenant({ tenantId, actorType: 'user' }, () => work(tenancy.tenantDbFrom(factory)));

  beforeAll(() => {
    factory = tenancy.createTenantClientFactory({ pool, mode, slots: 2, queueWaitMs: 1_000 });
  });
  afterAll(() => factory.close());

  it('a write comes out as TenantMovingError; its reads and another workspace’s writes go on', async () => {
    await freeze(acme.id);
    expectMoving(await outcome(as(acme.id, (db) => db.note.create({ data: { title: 'during the freeze' } }))));
    expectMoving(await outcome(as(acme.id, (db) => db.note.updateMany({ data: { title: 'renamed' } }))));
    expectMoving(await outcome(as(acme.id, (db) => db.note.deleteMany({ where: { id: acme.noteIds[0] } }))));
    // Nothing was written, and the frozen workspace still reads.
    expect((await as(acme.id, (db) => db.note.findMany({ orderBy: { title: 'asc' } }))).map((note) => note.title)).toEqual([
      'a1',
      'a2',
      'a3',
    ]);
    // Positive control: another workspace in the same tables writes as usual.
    const written = await as(globex.id, (db) => db.note.create({ data: { title: `not frozen (${mode})` } }));
    await as(globex.id, (db) => db.note.delete({ where: db.$key(written.id) }));
  });

  it('an interactive transaction rolls back as a whole and comes out as TenantMovingError', async () => {
    const labelsBefore = await as(acme.id, (db) => db.label.count());
    await freeze(acme.id);
    const refused = await outcome(
      as(acme.id, (db) =>
        db.$transaction(async (tx) => {
          // Labels are not fenced here: this write succeeds, then rolls back with the note's.
          await tx.label.create({ data: { noteId: acme.noteIds[0]!, name: 'before the note' } });
          await tx.note.update({ where: tx.$key(acme.noteIds[0]!), data: { title: 'renamed' } });
        }),
      ),
    );
    expectMoving(refused);
    expect(await as(acme.id, (db) => db.label.count())).toBe(labelsBefore);
    // A batch transaction too.
    expectMoving(await outcome(as(acme.id, (db) => db.$transaction([db.note.create({ data: { title: 'in a batch' } }), db.note.count()]))));
  });

  it('writes again once the fence is gone', async () => {
    await freeze(acme.id);
    expectMoving(await outcome(as(acme.id, (db) => db.note.create({ data: { title: 'refused' } }))));
    await unfreeze();
    const note = await as(acme.id, (db) => db.note.create({ data: { title: 'after the move' } }));
    await as(acme.id, (db) => db.note.delete({ where: db.$key(note.id) }));
  });
});

describe('createTenancy({ errors: { moving } })', () => {
  class AppRefusal extends Error {
    constructor(readonly refusal: TenantMovingError) {
      super(refusal.message);
    }
  }

  it('maps the refusal to the app’s own error', async () => {
    const mapped = fixtureTenancy(pool, undefined, { moving: (error) => new AppRefusal(error) });
    const factory = mapped.createTenantClientFactory({ pool, slots: 1 });
    try {
      await freeze(acme.id);
      const refused = await outcome(
        mapped.runInTenant({ tenantId: acme.id, actorType: 'user' }, () =>
          mapped.tenantDbFrom(factory).note.create({ data: { title: 'mapped' } }),
        ),
      );
      expect(refused).toBeInstanceOf(AppRefusal);
      expectMoving((refused as AppRefusal).refusal);
    } finally {
      factory.close();
    }
  });
});

describe('isTenantMoving()', () => {
  it('finds the SQLSTATE wherever Prisma put it, and nothing else', () => {
    const driver = { code: TENANT_MOVING_SQLSTATE, message: 'moving' };
    expect(isTenantMoving(driver)).toBe(true);
    expect(isTenantMoving({ meta: { driverAdapterError: { cause: { originalCode: TENANT_MOVING_SQLSTATE, kind: 'postgres' } } } })).toBe(
      true,
    );
    expect(isTenantMoving(new Error('wrapped', { cause: driver }))).toBe(true);
    // Negative controls: another SQLSTATE, the words without the code, nothing at all.
    expect(isTenantMoving({ code: '23505', meta: { driverAdapterError: { cause: { originalCode: '23505' } } } })).toBe(false);
    expect(isTenantMoving(new Error('This workspace is moving to its new home'))).toBe(false);
    expect(isTenantMoving(undefined)).toBe(false);
  });
});

describe('definerGateway({ errors: { moving } })', () => {
  it('reports a definer function refused by a fence (an audit event of a moving tenant) as TenantMovingError', async () => {
    const owner = new pg.Client({ connectionString: database.current.urls.migration });
    await owner.connect();
    try {
      // As a definer function writing a frozen tenant's audit event meets the fence.
      await owner.query(`
        CREATE OR REPLACE FUNCTION public.test_fenced_write() RETURNS integer LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'This workspace is moving to its new home; writes resume in a few seconds.' USING ERRCODE = '${TENANT_MOVING_SQLSTATE}';
        END
        $$`);
    } finally {
      await owner.end();
    }
    const plain = definerGateway({ pool: () => pool, schema: 'public' });
    const refused = await plain.value('test_fenced_write', []).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(TenantMovingError);
    expect((refused as TenantMovingError).retryAfterSeconds).toBe(2);
    class AppMoving extends Error {}
    const mapped = definerGateway({ pool: () => pool, schema: 'public', errors: { moving: (error) => new AppMoving(error.message) } });
    await expect(mapped.rows('test_fenced_write', [])).rejects.toBeInstanceOf(AppMoving);
  });
});
