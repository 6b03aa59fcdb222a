import { randomUUID } from 'node:crypto';

import type { Placement } from '@bulkhead/tenancy';
import {
  createTenantSchema,
  deleteTenantRows,
  dropDatabase,
  dropTenantSchema,
  MOVE_LOCK_CLASS,
  MoveError,
  moveTenant,
  PLACEMENTS_LOCK,
  retireSource,
  urlFor,
  type MoveResult,
  type MoveSide,
  type MoveStep,
} from '@bulkhead/tenancy/admin';
import pg from 'pg';

import { LOCAL_TARGET } from '../tenancy/placement';
import { allowCrossRegion } from './residency';
import {
  databaseNameFor,
  PLACED_TABLE_ORDER,
  provisionTenantDatabase,
  schemaNameFor,
  withClient,
  type ControlPlaneUrls,
  type DatabaseTarget,
} from './tiers';

// Online moves between tiers, the app's side (docs/moves.md): where each placement's copy is, how a
// target copy is provisioned and an old one removed, and the switch in the control plane. The
// engine — capture, copy, catch-up, freeze, verify — is the kit's (packages/tenancy/src/move.ts).

/** A move the residency rule does not allow (an operator's usage error, not a failure). */
export class ResidencyRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ResidencyRefusal';
  }
}

export type Destination =
  { tier: 'shared' } | { tier: 'schema'; schema?: string } | { tier: 'database'; target: string; database?: string };

interface PlacementRow {
  tier: 'shared' | 'schema' | 'database';
  schema_name: string | null;
  database_target: string | null;
  database_name: string | null;
}

type Where = { tier: 'shared' } | { tier: 'schema'; schema: string } | { tier: 'database'; target: string; database: string };

export interface MoveContext {
  urls: ControlPlaneUrls;
  /** A target's server with a superuser (creates and drops tenant databases). */
  target: (name: string) => DatabaseTarget;
  /** The control plane's database name and role prefix, and the login roles' password. */
  controlDatabase: string;
  rolePrefix: string;
  password?: string;
  /** Copy this migrated database on a target instead of migrating a new one (tests). */
  databaseTemplate?: string;
}

export interface MoveTenantOptions {
  /** Let the move take the tenant to another region, which becomes its region (the operator's explicit flag); audited. */
  allowCrossRegion?: boolean;
  /** Wait this long after the switch before removing the old copy (requests that resolved it). */
  graceMs?: number;
  progress?: (step: MoveStep | 'provision' | 'grace' | 'cleanup', message: string) => void;
  failAt?: MoveStep | 'provision';
  batchSize?: number;
  settleBelow?: number;
  lockTimeoutMs?: number;
  /** Who asked (the audit event's actor label). */
  actor?: string;
}

export interface TenantMoveResult extends MoveResult {
  moveId: string;
  from: string;
  to: string;
  provisionMs: number;
  cleanupMs: number;
}

/** A tenant's placement as the control plane says it now (the operator's role), as the kit routes it. */
export async function placementOfTenant(opsUrl: string, tenantId: string): Promise<Placement> {
  const { rows } = await withClient(opsUrl, (ops) =>
    ops.query<PlacementRow>(
      `SELECT tier::text AS tier, schema_name, database_target, database_name FROM tenant_placements WHERE tenant_id = $1`,
      [tenantId],
    ),
  );
  if (!rows[0]) throw new Error(`No tenant ${tenantId}.`);
  const where = whereOf(rows[0]);
  return where.tier === 'shared' ? { tier: 'shared' } : where;
}

/** `shared`, `schema`, `schema:t_name`, `database:target`, `database:target/name`. */
export function parseDestination(text: string): Destination {
  const [tier, rest] = text.split(/:(.*)/s, 2) as [string, string | undefined];
  if (tier === 'shared' && !rest) return { tier: 'shared' };
  if (tier === 'schema') return rest ? { tier: 'schema', schema: rest } : { tier: 'schema' };
  if (tier === 'database' && rest) {
    const [target, database] = rest.split('/', 2) as [string, string | undefined];
    if (target) return database ? { tier: 'database', target, database } : { tier: 'database', target };
  }
  throw new Error(`"${text}" is not a destination: use shared, schema or database:<target> (e.g. database:eu1).`);
}

export function labelOf(where: Where): string {
  if (where.tier === 'schema') return `schema:${where.schema}`;
  if (where.tier === 'database') return `database:${where.target}/${where.database}`;
  return 'shared';
}

function whereOf(row: PlacementRow): Where {
  if (row.tier === 'schema') return { tier: 'schema', schema: row.schema_name! };
  if (row.tier === 'database') return { tier: 'database', target: row.database_target!, database: row.database_name! };
  return { tier: 'shared' };
}

/** The copy of a placement, as the engine reaches it (the operator's and the owner's roles). */
function sideOf(where: Where, context: MoveContext): MoveSide {
  if (where.tier === 'database') {
    const server = context.target(where.target).bootstrapUrl;
    return {
      url: urlFor(server, where.database, `${context.rolePrefix}_ops`, context.password),
      ownerUrl: urlFor(server, where.database, `${context.rolePrefix}_owner`, context.password),
      schema: 'public',
    };
  }
  return { url: context.urls.ops, ownerUrl: context.urls.migration, schema: where.tier === 'schema' ? where.schema : 'public' };
}

function sameWhere(a: Where, b: Where): boolean {
  return labelOf(a) === labelOf(b);
}

/**
 * Moves a tenant to `destination` while it keeps working: provisions the new copy, runs the
 * engine (capture, copy, catch-up, freeze, verify, switch), records the move and its audit event,
 * then removes the old copy. Any failure before the switch rolls everything back.
 */
export async function moveTenantOnline(
  context: MoveContext,
  slug: string,
  destination: Destination,
  options: MoveTenantOptions = {},
): Promise<TenantMoveResult> {
  return oneMoveAtATime(context, slug, () => runMove(context, slug, destination, options));
}

/** The control plane's session lock of one tenant's move: one mover (or recovery) at a time. */
async function oneMoveAtATime<T>(context: MoveContext, slug: string, work: () => Promise<T>): Promise<T> {
  return withClient(context.urls.ops, async (guard) => {
    const { rows } = await guard.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked`, [
      MOVE_LOCK_CLASS + 1,
      slug,
    ]);
    if (!rows[0]?.locked) throw new Error(`A move of ${slug} is running already (or being recovered); wait for it to finish.`);
    try {
      // And no migration run (db:migrate) at the same time: it would not know the new copy yet.
      const { rows: free } = await guard.query<{ locked: boolean }>(`SELECT pg_try_advisory_lock_shared(hashtext($1)) AS locked`, [
        PLACEMENTS_LOCK,
      ]);
      if (!free[0]?.locked) throw new Error('npm run db:migrate is running; move the tenant once it has finished.');
      return await work();
    } finally {
      await guard.query(`SELECT pg_advisory_unlock_all()`).catch(() => {});
    }
  });
}

async function runMove(
  context: MoveContext,
  slug: string,
  destination: Destination,
  options: MoveTenantOptions,
): Promise<TenantMoveResult> {
  const progress = options.progress ?? (() => {});
  const tenant = await withClient(context.urls.ops, async (ops) => {
    const { rows } = await ops.query<PlacementRow & { id: string; region: string }>(
      `SELECT t.id, t.region, p.tier::text AS tier, p.schema_name, p.database_target, p.database_name
         FROM tenants t JOIN tenant_placements p ON p.tenant_id = t.id WHERE t.slug = $1`,
      [slug],
    );
    if (!rows[0]) throw new Error(`No tenant with the address "${slug}".`);
    return rows[0];
  });
  const from = whereOf(tenant);
  const to: Where =
    destination.tier === 'shared'
      ? { tier: 'shared' }
      : destination.tier === 'schema'
        ? { tier: 'schema', schema: destination.schema ?? schemaNameFor(slug) }
        : {
            tier: 'database',
            target: destination.target,
            database: destination.database ?? databaseNameFor(context.controlDatabase, slug),
          };
  if (sameWhere(from, to)) throw new Error(`${slug} is in ${labelOf(from)} already.`);
  if (from.tier === 'schema' && to.tier === 'schema')
    throw new Error(`${slug} has a schema of its own already; move it to shared or a database.`);
  if (from.tier === 'database' && to.tier === 'database' && from.target === to.target)
    throw new Error(`${slug} has a database on ${to.target} already; a move to another target is possible.`);

  // Residency (docs/residency.md): the destination's region is its target's — `local` for the
  // shared tables and tenant schemas. Another region than the tenant's takes the operator's flag,
  // and the tenant's region then becomes the destination's, in the switch's transaction.
  const destinationTarget = to.tier === 'database' ? to.target : LOCAL_TARGET;
  const destinationRegion = await withClient(context.urls.ops, async (ops) => {
    const { rows } = await ops.query<{ region: string }>('SELECT region FROM database_targets WHERE name = $1', [destinationTarget]);
    return rows[0]?.region;
  });
  if (!destinationRegion)
    throw new ResidencyRefusal(
      `Target "${destinationTarget}" has no region: register it first (npm run tenant:targets -- set ${destinationTarget} --region <region>).`,
    );
  const crossRegion = destinationRegion !== tenant.region;
  if (crossRegion && !options.allowCrossRegion)
    throw new ResidencyRefusal(
      `${slug}'s data must stay in ${tenant.region}, and ${labelOf(to)} is in ${destinationRegion}. ` +
        `Choose a destination in ${tenant.region}, or pass --allow-cross-region to move it to ${destinationRegion} (audited).`,
    );

  const moveId = randomUUID();
  const source = sideOf(from, context);
  const target = sideOf(to, context);
  const fromLabel = labelOf(from);
  const toLabel = labelOf(to);
  await withClient(context.urls.ops, (ops) =>
    ops.query(`INSERT INTO tenant_moves (id, tenant_id, from_label, to_label, cross_region) VALUES ($1, $2, $3, $4, $5)`, [
      moveId,
      tenant.id,
      fromLabel,
      toLabel,
      crossRegion,
    ]),
  );
  const record = (state: string, fields: Record<string, unknown> = {}) =>
    withClient(context.urls.ops, (ops) =>
      ops.query(
        `UPDATE tenant_moves SET state = $3, rows_copied = coalesce($4, rows_copied), changes = coalesce($5, changes),
                freeze_ms = coalesce($6, freeze_ms), error = coalesce($7, error),
                finished_at = CASE WHEN $3 IN ('done', 'rolled_back', 'failed') THEN now() ELSE finished_at END
          WHERE tenant_id = $1 AND id = $2`,
        [tenant.id, moveId, state, fields.rows ?? null, fields.changes ?? null, fields.freezeMs ?? null, fields.error ?? null],
      ),
    );

  // The new copy.
  const provisionStarted = performance.now();
  let provisioned = false;
  const removeTarget = async () => {
    if (to.tier === 'schema') await dropTenantSchema(context.urls.migration, to.schema);
    if (to.tier === 'database') await dropDatabase(context.target(to.target).bootstrapUrl, to.database);
  };
  let result: MoveResult;
  let provisionMs = 0;
  // The switch's control-plane connection, opened now: connecting is not part of the freeze.
  const control = new pg.Client({ connectionString: context.urls.ops });
  await control.connect();
  try {
    progress('provision', `creating ${toLabel}`);
    if (options.failAt === 'provision') throw new MoveError('prepare', 'forced failure at "provision" (failAt)');
    if (to.tier === 'schema') {
      await createTenantSchema({ connectionString: context.urls.migration, schema: to.schema, tables: PLACED_TABLE_ORDER });
      provisioned = true;
    } else if (to.tier === 'database') {
      const created = await provisionTenantDatabase({
        target: context.target(to.target),
        database: to.database,
        rolePrefix: context.rolePrefix,
        password: context.password,
        template: context.databaseTemplate,
      });
      provisioned = true;
      // The tenant row, for the copy's foreign keys (a stub: the control plane's is the real one).
      const row = await withClient(context.urls.ops, (ops) =>
        ops.query('SELECT row_to_json(t) AS row FROM tenants t WHERE id = $1', [tenant.id]),
      );
      // Where the tenant lives is the control plane's rule, not this database's: its residency
      // check stands aside for this one row (docs/residency.md), which carries the region to be.
      await withClient(created.urls.ops, async (db) => {
        await db.query('BEGIN');
        await allowCrossRegion(db, tenant.id);
        await db.query(`INSERT INTO tenants SELECT * FROM json_populate_record(NULL::tenants, $1::json) ON CONFLICT (id) DO NOTHING`, [
          JSON.stringify({ ...(row.rows[0]!.row as object), region: destinationRegion }),
        ]);
        await db.query('COMMIT');
      });
    }
    provisionMs = performance.now() - provisionStarted;

    result = await moveTenant({
      tenantId: tenant.id,
      moveId,
      source,
      target,
      tables: PLACED_TABLE_ORDER,
      // The control plane's audit events of a tenant apart are in the shared audit_events already.
      mergeTables: to.tier === 'shared' ? ['audit_events'] : [],
      clearTargetOnRollback: to.tier === 'shared',
      batchSize: options.batchSize,
      settleBelow: options.settleBelow,
      lockTimeoutMs: options.lockTimeoutMs,
      failAt: options.failAt as MoveStep | undefined,
      progress: (step, message) => progress(step, message),
      switchPlacement: async (summary, copy) => {
        // The audit event commits in the new copy only if the switch commits.
        await copy.query('BEGIN');
        try {
          await copy.query(
            `INSERT INTO ${target.schema === 'public' ? 'public' : `"${target.schema}"`}.audit_events
               (tenant_id, actor_type, actor_label, action, target_type, target_id, metadata)
             VALUES ($1::uuid, 'platform_admin', $2, 'tenant.moved', 'tenant', $1::text, $3::jsonb)`,
            [
              tenant.id,
              options.actor ?? 'Bulkhead operator',
              JSON.stringify({
                from: fromLabel,
                to: toLabel,
                moveId,
                rows: summary.rows,
                changesReplayed: summary.changes,
                ...(crossRegion
                  ? { crossRegion: { from: tenant.region, to: destinationRegion, approvedBy: options.actor ?? 'Bulkhead operator' } }
                  : {}),
              }),
            ],
          );
          await (async (ops: pg.Client) => {
            await ops.query('BEGIN');
            try {
              const { rows } = await ops.query<PlacementRow>(
                `SELECT tier::text AS tier, schema_name, database_target, database_name FROM tenant_placements WHERE tenant_id = $1 FOR UPDATE`,
                [tenant.id],
              );
              if (!rows[0] || labelOf(whereOf(rows[0])) !== fromLabel) throw new Error('The tenant’s placement changed during the move.');
              if (crossRegion) {
                await allowCrossRegion(ops, tenant.id);
                await ops.query('UPDATE tenants SET region = $2 WHERE id = $1', [tenant.id, destinationRegion]);
              }
              await ops.query(
                `UPDATE tenant_placements SET tier = $2::"PlacementTier", schema_name = $3, database_target = $4, database_name = $5, updated_at = now()
                  WHERE tenant_id = $1`,
                [
                  tenant.id,
                  to.tier,
                  to.tier === 'schema' ? to.schema : null,
                  to.tier === 'database' ? to.target : null,
                  to.tier === 'database' ? to.database : null,
                ],
              );
              await ops.query(
                `UPDATE tenant_moves SET state = 'switched', rows_copied = $3, changes = $4 WHERE tenant_id = $1 AND id = $2`,
                [tenant.id, moveId, summary.rows, summary.changes],
              );
              await ops.query('COMMIT');
            } catch (error) {
              await ops.query('ROLLBACK').catch(() => {});
              throw error;
            }
          })(control);
          await copy.query('COMMIT');
        } catch (error) {
          await copy.query('ROLLBACK').catch(() => {});
          throw error;
        }
      },
    });
  } catch (error) {
    await control.end().catch(() => {});
    if (provisioned) await removeTarget().catch(() => {});
    await record('rolled_back', { error: error instanceof Error ? error.message : String(error) }).catch(() => {});
    throw error instanceof MoveError ? error : new MoveError('prepare', error instanceof Error ? error.message : String(error), error);
  }
  await control.end().catch(() => {});
  await record('switched', { freezeMs: Math.round(result.freezeMs) });

  // The old copy: after the grace period, so that requests that resolved it before the switch end.
  const cleanupStarted = performance.now();
  if (options.graceMs) {
    progress('grace', `waiting ${Math.round(options.graceMs / 1000)} s for requests that began before the switch`);
    await new Promise((resolve) => setTimeout(resolve, options.graceMs));
  }
  progress('cleanup', `removing the old copy (${fromLabel})`);
  try {
    if (from.tier === 'shared') await retireSource(source, PLACED_TABLE_ORDER, tenant.id, { dropRows: true });
    else if (from.tier === 'schema') {
      await retireSource(source, PLACED_TABLE_ORDER, tenant.id, { dropRows: false });
      await dropTenantSchema(context.urls.migration, from.schema);
    } else await dropDatabase(context.target(from.target).bootstrapUrl, from.database);
    await record('done');
  } catch (error) {
    await record('failed', {
      error: `The move succeeded, but removing the old copy failed: ${error instanceof Error ? error.message : String(error)}`,
    });
    throw new Error(
      `${slug} now lives in ${toLabel}; removing the old copy (${fromLabel}) failed: ${error instanceof Error ? error.message : String(error)}. ` +
        `Its writes stay refused; remove it by hand.`,
    );
  }
  return { ...result, moveId, from: fromLabel, to: toLabel, provisionMs, cleanupMs: performance.now() - cleanupStarted };
}

/** Where a label (labelOf) points. */
function whereOfLabel(label: string): Where {
  const destination = parseDestination(label);
  if (destination.tier === 'schema') return { tier: 'schema', schema: destination.schema! };
  if (destination.tier === 'database') return { tier: 'database', target: destination.target, database: destination.database! };
  return { tier: 'shared' };
}

/**
 * Finishes what an interrupted move (the mover's process died) left: before the switch, rolls it
 * back (opens the fence, removes the capture and the new copy); after it, removes the old copy.
 * Returns what it did, or undefined when no move of the tenant is unfinished.
 */
export async function recoverMove(context: MoveContext, slug: string): Promise<string | undefined> {
  return oneMoveAtATime(context, slug, () => recover(context, slug));
}

async function recover(context: MoveContext, slug: string): Promise<string | undefined> {
  const move = await withClient(context.urls.ops, async (ops) => {
    const { rows } = await ops.query<{ id: string; tenant_id: string; from_label: string; to_label: string; state: string }>(
      `SELECT m.id, m.tenant_id, m.from_label, m.to_label, m.state FROM tenant_moves m JOIN tenants t ON t.id = m.tenant_id
        WHERE t.slug = $1 AND m.state IN ('copying', 'switched', 'failed') ORDER BY m.started_at DESC LIMIT 1`,
      [slug],
    );
    return rows[0];
  });
  if (!move) return undefined;
  const from = whereOfLabel(move.from_label);
  const to = whereOfLabel(move.to_label);
  const source = sideOf(from, context);
  const finish = (state: string, note: string) =>
    withClient(context.urls.ops, (ops) =>
      ops.query(
        `UPDATE tenant_moves SET state = $3, error = coalesce(error || ' — ', '') || $4, finished_at = now() WHERE tenant_id = $1 AND id = $2`,
        [move.tenant_id, move.id, state, note],
      ),
    );
  if (move.state === 'copying') {
    await retireSource(source, PLACED_TABLE_ORDER, move.tenant_id, { dropRows: false });
    if (to.tier === 'schema') await dropTenantSchema(context.urls.migration, to.schema);
    else if (to.tier === 'database') await dropDatabase(context.target(to.target).bootstrapUrl, to.database);
    else {
      // A copy in the shared tables: only the rows the source has (the control plane's events stay).
      const target = sideOf(to, context);
      await withClient(source.url, async (src) => {
        const ids = async (table: string) =>
          (
            await src.query<{ id: string }>(`SELECT id::text AS id FROM "${source.schema}"."${table}" WHERE tenant_id = $1`, [
              move.tenant_id,
            ])
          ).rows.map((row) => row.id);
        await withClient(target.url, (tgt) => deleteTenantRows(tgt, 'public', PLACED_TABLE_ORDER, move.tenant_id, { ids }));
      });
    }
    await finish('rolled_back', 'recovered: rolled back after an interruption');
    return `The move ${move.from_label} → ${move.to_label} was interrupted before the switch: rolled back; ${slug} stays in ${move.from_label}.`;
  }
  if (from.tier === 'shared') await retireSource(source, PLACED_TABLE_ORDER, move.tenant_id, { dropRows: true });
  else if (from.tier === 'schema') {
    await retireSource(source, PLACED_TABLE_ORDER, move.tenant_id, { dropRows: false });
    await dropTenantSchema(context.urls.migration, from.schema);
  } else await dropDatabase(context.target(from.target).bootstrapUrl, from.database);
  await finish('done', 'recovered: the old copy removed');
  return `The move ${move.from_label} → ${move.to_label} had switched: the old copy is removed now.`;
}
