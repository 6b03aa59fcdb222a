import { userInfo } from 'node:os';

import type pg from 'pg';

import { LOCAL_TARGET } from '../tenancy/placement';

// Data residency, the operator's side (docs/residency.md). The rule itself is the database's
// (migration 20261204000200_data_residency): a tenant's region is its placement's region, whoever
// writes. This module reads and registers the database targets and their regions, for the operator's
// commands (scripts/tenant.ts), the seed and the tests — never the running app, which has no
// privilege on database_targets and asks bulkhead.data_region() instead (lib/settings/residency.ts).

/** SQLSTATE of a change after which a tenant would be outside its region. */
export const RESIDENCY_VIOLATION = 'RS001';
/** SQLSTATE of a placement on a target that is not registered (or a target removed under one). */
export const UNREGISTERED_TARGET = 'RS002';

/** A region as database_targets spells it: eu-west, us-east-2. */
export const REGION_FORMAT = /^[a-z][a-z0-9-]{0,39}$/;
/** A target's name, as tenant_placements.database_target and TENANT_DATABASE_TARGETS spell it. */
export const TARGET_NAME_FORMAT = /^[a-z][a-z0-9_-]{0,39}$/;

type Queryable = Pick<pg.ClientBase, 'query'>;

export interface RegisteredTarget {
  name: string;
  region: string;
  /** Tenants whose data is on it: shared and schema tenants on `local`, database tenants on theirs. */
  tenants: number;
  /** Slugs of those whose own region is another: breaches from before the rule, for an operator to move. */
  outside: string[];
}

/** Every registered target, `local` first, with what is placed on it. */
export async function listTargets(db: Queryable): Promise<RegisteredTarget[]> {
  const { rows } = await db.query<RegisteredTarget>(
    `SELECT d.name, d.region, count(t.id)::int AS tenants,
            coalesce(array_agg(t.slug ORDER BY t.slug) FILTER (WHERE t.region <> d.region), '{}') AS outside
       FROM database_targets d
       LEFT JOIN tenant_placements p ON d.name = CASE WHEN p.tier = 'database' THEN p.database_target ELSE $1 END
       LEFT JOIN tenants t ON t.id = p.tenant_id
      GROUP BY d.name, d.region
      ORDER BY d.name <> $1, d.name`,
    [LOCAL_TARGET],
  );
  return rows;
}

/**
 * Registers a target in a region, or moves a registered one to another region; says which. The
 * database refuses the move (RS001) while tenants placed there are pinned to the old region.
 */
export async function registerTarget(
  db: Queryable,
  name: string,
  region: string,
): Promise<{ change: 'registered' | 'unchanged' } | { change: 'moved'; from: string }> {
  const { rows } = await db.query<{ region: string }>('SELECT region FROM database_targets WHERE name = $1', [name]);
  const from = rows[0]?.region;
  if (from === region) return { change: 'unchanged' };
  await db.query(
    `INSERT INTO database_targets (name, region) VALUES ($1, $2)
     ON CONFLICT (name) DO UPDATE SET region = EXCLUDED.region, updated_at = now()`,
    [name, region],
  );
  return from === undefined ? { change: 'registered' } : { change: 'moved', from };
}

/**
 * Lets one tenant through the rule for the rest of this transaction, and only this transaction: a
 * move across regions changes the tenant's region and its placement together after this call.
 */
export async function allowCrossRegion(db: Queryable, tenantId: string): Promise<void> {
  await db.query(`SELECT set_config('bulkhead.residency_override', $1, true)`, [tenantId]);
}

/** A refusal by the residency rule: its message, with the database's hint when there is one. */
export function residencyRefusal(error: unknown): string | undefined {
  const failed = error as { code?: string; message?: string; hint?: string } | null;
  if (failed?.code !== RESIDENCY_VIOLATION && failed?.code !== UNREGISTERED_TARGET) return undefined;
  return failed.hint ? `${failed.message}\n${failed.hint}` : failed.message;
}

/**
 * Records, in the tenant's own audit log, that an operator placed it outside the region it asked
 * for. A control-plane event (the placement is the control plane's), so it reads the same whatever
 * the tier.
 */
export async function auditCrossRegion(
  db: Queryable,
  event: { tenantId: string; command: string; requested: string; region: string; target: string; tier: string },
): Promise<void> {
  let who = 'operator';
  try {
    who = `operator ${userInfo().username}`;
  } catch {
    // No user name to give (a container without a passwd entry): "operator" alone.
  }
  await db.query(
    `INSERT INTO audit_events (tenant_id, actor_type, actor_label, action, target_type, target_id, metadata)
     VALUES ($1, 'platform_admin', $2, 'tenant.placed_outside_region', 'tenant', $3, $4::jsonb)`,
    [
      event.tenantId,
      `${who} (npm run ${event.command})`,
      event.tenantId,
      JSON.stringify({ requested: event.requested, region: event.region, target: event.target, tier: event.tier }),
    ],
  );
}

/** "local (eu-west), fra1 (eu-central)": the registered targets, for messages. */
const describeTargets = (targets: Pick<RegisteredTarget, 'name' | 'region'>[]) => targets.map((t) => `${t.name} (${t.region})`).join(', ');

export interface RegionalPlacement {
  /** The target the data goes to: `local` for the shared and schema tiers. */
  target: string;
  /** The target's region: the tenant's region once placed. */
  region: string;
  /** Placed outside the region asked for, with the operator's approval: to be audited. */
  crossRegion: boolean;
}

/**
 * Where a tenant goes on `tier` (the operator's commands; docs/residency.md): `local` for shared
 * and schema; for database, the target named, or else one in the tenant's region — `local` if it is
 * there, then one `canReach` (this command can create a database on it). A target outside the region
 * is refused, with what to do instead, unless the operator allows crossing regions.
 */
export function placementFor(
  targets: Pick<RegisteredTarget, 'name' | 'region'>[],
  request: { tier: 'shared' | 'schema' | 'database'; region?: string; target?: string; allowCrossRegion?: boolean },
  canReach: (name: string) => boolean = () => true,
): RegionalPlacement | { refused: string } {
  const local = targets.find((t) => t.name === LOCAL_TARGET)!;
  let target = local;
  if (request.tier === 'database' && request.target) {
    const named = targets.find((t) => t.name === request.target);
    if (!named)
      return {
        refused: `Unknown database target "${request.target}": it has no region yet. Register it with npm run tenant:targets -- set ${request.target} --region <region> (registered: ${describeTargets(targets)}).`,
      };
    target = named;
  } else if (request.tier === 'database' && request.region && request.region !== local.region) {
    const inRegion = targets.filter((t) => t.region === request.region);
    const chosen = inRegion.find((t) => canReach(t.name)) ?? inRegion[0];
    if (!chosen)
      return {
        refused: `No database target is in ${request.region}: the targets are ${describeTargets(targets)}. Register one with npm run tenant:targets -- set <name> --region ${request.region}.`,
      };
    target = chosen;
  }
  const asked = request.region ?? target.region;
  if (asked !== target.region && !request.allowCrossRegion)
    return {
      refused:
        request.tier === 'database'
          ? `The tenant's region is ${asked}, and target "${target.name}" is in ${target.region}. Choose a target in ${asked} (${describeTargets(targets)}), or pass --allow-cross-region to place it in ${target.region} (audited).`
          : `The ${request.tier} tier keeps data on target "local", in ${local.region}; a tenant in ${asked} needs --tier database on a target there (${describeTargets(targets)}), or --allow-cross-region to place it in ${local.region} (audited).`,
    };
  return { target: target.name, region: target.region, crossRegion: asked !== target.region };
}
