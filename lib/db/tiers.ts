import { createTenantSchema, dropDatabase, dropTenantSchema, migrate, provisionDatabase, urlFor } from '@bulkhead/tenancy/admin';
import pg from 'pg';

import { PLACED_TABLES } from '../tenancy/placement';

// Provisioning per tier, for the operator (scripts/tenant.ts), the seed and the tests — never the
// running app, which holds no URL that could create a schema or a database.
//
//   shared    a row: sign-up and `tenant:create --tier shared` insert the tenant; the placement
//             trigger gives it a `shared` placement.
//   schema    createTenantSchema() copies the placed tables' definition into t_<slug> (owner role),
//             then the tenant's rows move into it and the placement switches, in one transaction.
//   database  provisionDatabase() creates the database and its roles on the target's server (its
//             superuser), migrate() brings it to the control plane's version, a stub of the tenant
//             row keeps its foreign keys, then the rows are copied, counted, the placement switches
//             and the shared copy is deleted.
//
// Re-tiering here is offline for the tenant being moved: nothing stops its writes while its rows
// move; online moves (copy, catch up, verify, freeze, switch) are lib/db/moves.ts.

/** Placed tables, parents before children (copy in this order, delete in the reverse). */
export const PLACED_TABLE_ORDER: readonly string[] = Object.values(PLACED_TABLES);

export interface ControlPlaneUrls {
  /** The owner role (MIGRATION_DATABASE_URL): creates tenant schemas. */
  migration: string;
  /** The ops role (BYPASSRLS): reads and writes every tenant's rows, switches placements. */
  ops: string;
}

/** A server of the database tier: its name (as placements give it) and a superuser URL on it. */
export interface DatabaseTarget {
  name: string;
  bootstrapUrl: string;
}

export interface TierTimings {
  /** Creating the schema, or the database with its roles and migrations. */
  provisionMs: number;
  /** Moving the tenant's rows and switching the placement. */
  moveMs: number;
  rows: number;
}

/** The schema name of a tenant: t_ and its slug, dashes as underscores. */
export function schemaNameFor(slug: string): string {
  const name = `t_${slug.replace(/-/g, '_')}`;
  if (!/^t_[a-z0-9_]{1,59}$/.test(name)) throw new Error(`No schema name can be made from slug "${slug}".`);
  return name;
}

/** The database name of a tenant on a target: the control plane's database name, _t_, its slug. */
export function databaseNameFor(controlDatabase: string, slug: string): string {
  const name = `${controlDatabase}_t_${slug.replace(/-/g, '_')}`;
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(name))
    throw new Error(`Database name "${name}" is too long or not a plain identifier; pass --database.`);
  return name;
}

/** One connection for `work`, closed afterwards. */
export async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function currentTier(ops: pg.Client, tenantId: string): Promise<string> {
  const { rows } = await ops.query<{ tier: string }>('SELECT tier::text AS tier FROM tenant_placements WHERE tenant_id = $1', [tenantId]);
  if (!rows[0]) throw new Error(`No tenant ${tenantId}.`);
  return rows[0].tier;
}

/**
 * Places a shared tenant in a schema of its own: creates the schema, moves its rows and switches
 * the placement in one transaction (a failure leaves it shared, and the new schema is dropped).
 */
export async function placeInSchema(urls: ControlPlaneUrls, tenantId: string, schema: string): Promise<TierTimings> {
  await withClient(urls.ops, async (ops) => {
    const tier = await currentTier(ops, tenantId);
    if (tier !== 'shared') throw new Error(`The tenant is on the ${tier} tier; only a shared tenant can be placed in a schema here.`);
  });
  const started = performance.now();
  await createTenantSchema({ connectionString: urls.migration, schema, tables: PLACED_TABLE_ORDER });
  const provisionMs = performance.now() - started;
  try {
    const rows = await withClient(urls.ops, async (ops) => {
      await ops.query('BEGIN');
      try {
        // The placement row first, locked: two operators cannot move one tenant twice.
        const { rows: locked } = await ops.query<{ tier: string }>(
          'SELECT tier::text AS tier FROM tenant_placements WHERE tenant_id = $1 FOR UPDATE',
          [tenantId],
        );
        if (locked[0]?.tier !== 'shared') throw new Error('The tenant was moved meanwhile.');
        let moved = 0;
        for (const table of PLACED_TABLE_ORDER) {
          const result = await ops.query(`INSERT INTO "${schema}"."${table}" SELECT * FROM public."${table}" WHERE tenant_id = $1`, [
            tenantId,
          ]);
          moved += result.rowCount ?? 0;
        }
        for (const table of [...PLACED_TABLE_ORDER].reverse()) {
          await ops.query(`DELETE FROM public."${table}" WHERE tenant_id = $1`, [tenantId]);
        }
        await ops.query(
          `UPDATE tenant_placements SET tier = 'schema', schema_name = $2, database_target = NULL, database_name = NULL, updated_at = now()
            WHERE tenant_id = $1`,
          [tenantId, schema],
        );
        await ops.query('COMMIT');
        return moved;
      } catch (error) {
        await ops.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
    return { provisionMs, moveMs: performance.now() - started - provisionMs, rows };
  } catch (error) {
    await dropTenantSchema(urls.migration, schema).catch(() => {});
    throw error;
  }
}

export interface DedicatedDatabaseOptions {
  target: DatabaseTarget;
  database: string;
  /** The control plane's role prefix: the runtime role must be the same on every server. */
  rolePrefix: string;
  /** The login roles' password (local clusters; trust-auth servers ignore it). */
  password?: string;
  /** Copy this already migrated database on the target instead of migrating (tests). */
  template?: string;
  /**
   * The tenant's region once placed, when the target is in another region than the tenant: a move
   * across regions, which the residency rule refuses unless approved (docs/residency.md). The region
   * changes in the switch's transaction, under the override for this tenant only.
   */
  region?: string;
}

/** Creates a tenant database on its target with the control plane's roles, migrated. */
export async function provisionTenantDatabase(options: DedicatedDatabaseOptions) {
  const created = await provisionDatabase({
    bootstrapUrl: options.target.bootstrapUrl,
    database: options.database,
    rolePrefix: options.rolePrefix,
    password: options.password,
    template: options.template,
  });
  if (!options.template) await migrate({ connectionString: created.urls.migration });
  return created;
}

/**
 * Places a shared tenant in a database of its own: creates and migrates it, copies the tenant row
 * (a stub for the foreign keys) and its rows, checks the counts, switches the placement, deletes
 * the shared copy. A failure before the switch drops the new database and leaves the tenant shared.
 */
export async function placeInDatabase(urls: ControlPlaneUrls, tenantId: string, options: DedicatedDatabaseOptions): Promise<TierTimings> {
  await withClient(urls.ops, async (ops) => {
    const tier = await currentTier(ops, tenantId);
    if (tier !== 'shared') throw new Error(`The tenant is on the ${tier} tier; only a shared tenant can be placed in a database here.`);
  });
  const started = performance.now();
  const created = await provisionTenantDatabase(options);
  const provisionMs = performance.now() - started;
  let switched = false;
  try {
    const rows = await withClient(urls.ops, (source) =>
      withClient(created.urls.ops, async (target) => {
        await target.query('BEGIN');
        // A stub for the foreign keys: where the tenant lives is the control plane's rule, not this
        // database's, so its residency check stands aside for this row (docs/residency.md).
        await target.query(`SELECT set_config('bulkhead.residency_override', $1, true)`, [tenantId]);
        const stub = (await source.query<{ row: object }>('SELECT row_to_json(t) AS row FROM tenants t WHERE id = $1', [tenantId])).rows[0]!
          .row;
        await target.query(`INSERT INTO tenants SELECT * FROM json_populate_record(NULL::tenants, $1::json) ON CONFLICT (id) DO NOTHING`, [
          JSON.stringify(options.region ? { ...stub, region: options.region } : stub),
        ]);
        let copied = 0;
        for (const table of PLACED_TABLE_ORDER) copied += await copyTable(source, target, table, tenantId);
        await target.query('COMMIT');
        // The switch, and the shared copy's removal, in one control-plane transaction.
        await source.query('BEGIN');
        try {
          const { rows: counts } = await source.query<{ total: string }>(
            `SELECT (${PLACED_TABLE_ORDER.map((table) => `(SELECT count(*) FROM public."${table}" WHERE tenant_id = $1)`).join(' + ')})::text AS total`,
            [tenantId],
          );
          if (Number(counts[0]!.total) !== copied)
            throw new Error(`The tenant's rows changed while they were copied (${counts[0]!.total} ≠ ${copied}).`);
          if (options.region) {
            await source.query(`SELECT set_config('bulkhead.residency_override', $1, true)`, [tenantId]);
            await source.query('UPDATE tenants SET region = $2 WHERE id = $1', [tenantId, options.region]);
          }
          await source.query(
            `UPDATE tenant_placements SET tier = 'database', schema_name = NULL, database_target = $2, database_name = $3, updated_at = now()
              WHERE tenant_id = $1 AND tier = 'shared'`,
            [tenantId, options.target.name, options.database],
          );
          for (const table of [...PLACED_TABLE_ORDER].reverse())
            await source.query(`DELETE FROM public."${table}" WHERE tenant_id = $1`, [tenantId]);
          await source.query('COMMIT');
          switched = true;
        } catch (error) {
          await source.query('ROLLBACK').catch(() => {});
          throw error;
        }
        return copied;
      }),
    );
    return { provisionMs, moveMs: performance.now() - started - provisionMs, rows };
  } catch (error) {
    if (!switched) await dropDatabase(options.target.bootstrapUrl, options.database).catch(() => {});
    throw error;
  }
}

/** Copies one table's rows of a tenant between two databases of the same schema, 2,000 at a time. */
async function copyTable(source: pg.Client, target: pg.Client, table: string, tenantId: string): Promise<number> {
  let copied = 0;
  let after: string | null = null;
  for (;;) {
    const result: pg.QueryResult<{ id: string; row: unknown }> = await source.query(
      `SELECT id::text AS id, row_to_json(t) AS row FROM public."${table}" t
        WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT 2000`,
      [tenantId, after],
    );
    const rows = result.rows;
    if (rows.length === 0) return copied;
    await target.query(`INSERT INTO public."${table}" SELECT * FROM json_populate_recordset(NULL::public."${table}", $1::json)`, [
      JSON.stringify(rows.map((r) => r.row)),
    ]);
    copied += rows.length;
    after = rows.at(-1)!.id;
  }
}

/** The ops URL of a tenant database on its target (tests and the seed write its demo rows). */
export function tenantDatabaseOpsUrl(target: DatabaseTarget, database: string, rolePrefix: string, password = 'bulkhead-local'): string {
  return urlFor(target.bootstrapUrl, database, `${rolePrefix}_ops`, password);
}
