import {
  describePlacement,
  describeStatus,
  migratePlacements,
  placementStatus,
  type MigratePlacementsOptions,
  type MigratePlacementsResult,
  type PlacementStatus,
  type PlacementTarget,
} from '@bulkhead/tenancy/admin';
import pg from 'pg';

import { parseEnv } from '../../lib/env';
import { PLACED_TABLES, targetServer } from '../../lib/tenancy/placement';

// Bulkhead's side of the migration runner over every placement (docs/migrations.md): where the
// placements are (tenant_placements, read by the ops role: the owner may not read it), how the
// owner reaches a tenant database (the target's server, the owner's name and password), and how a
// run and a status read are reported. The runner itself is the kit's (@bulkhead/tenancy/admin).

export interface ControlPlaneUrls {
  /** The owner role (MIGRATION_DATABASE_URL): runs the migrations, everywhere. */
  migration: string;
  /** The ops role (OPS_DATABASE_URL, BYPASSRLS): lists the placements. */
  ops: string;
}

/** The database tier's servers by target name (TENANT_DATABASE_TARGETS); `local` is the control plane's. */
export type DatabaseTargets = Record<string, string>;

/** TENANT_DATABASE_TARGETS, validated as the app validates it. */
export function databaseTargetsFrom(env: NodeJS.ProcessEnv, controlPlaneUrl: string): DatabaseTargets {
  return parseEnv({ DATABASE_URL: controlPlaneUrl, TENANT_DATABASE_TARGETS: env.TENANT_DATABASE_TARGETS }).TENANT_DATABASE_TARGETS;
}

export interface Placements {
  /** Tenants in the shared tables: migrated with the control plane's public schema. */
  shared: number;
  /** Every tenant schema, then every tenant database, by tenant. */
  placed: PlacementTarget[];
}

/** The owner's URL of a tenant database: its target's server, the owner's name and password. */
export function tenantDatabaseUrl(migrationUrl: string, targets: DatabaseTargets, target: string, database: string): string {
  const url = targetServer({ DATABASE_URL: migrationUrl, TENANT_DATABASE_TARGETS: targets }, target);
  const owner = new URL(migrationUrl);
  url.username = owner.username;
  url.password = owner.password;
  url.pathname = `/${database}`;
  return url.toString();
}

export async function listPlacements(urls: ControlPlaneUrls, targets: DatabaseTargets): Promise<Placements> {
  const client = new pg.Client({ connectionString: urls.ops });
  await client.connect();
  try {
    // Before its first migration a control plane has no placements, and no tenants either.
    const exists = await client.query<{ ok: boolean }>(`SELECT to_regclass('public.tenant_placements') IS NOT NULL AS ok`);
    if (!exists.rows[0]!.ok) return { shared: 0, placed: [] };
    const { rows } = await client.query<{
      slug: string;
      tier: 'shared' | 'schema' | 'database';
      schema_name: string | null;
      database_target: string | null;
      database_name: string | null;
    }>(
      `SELECT t.slug, p.tier::text AS tier, p.schema_name, p.database_target, p.database_name
         FROM tenant_placements p JOIN tenants t ON t.id = p.tenant_id
        ORDER BY p.tier, t.slug`,
    );
    const placed: PlacementTarget[] = [];
    for (const row of rows) {
      if (row.tier === 'schema') {
        placed.push({ tenant: row.slug, placement: { tier: 'schema', schema: row.schema_name! }, connectionString: urls.migration });
      } else if (row.tier === 'database') {
        const placement = { tier: 'database', target: row.database_target!, database: row.database_name! } as const;
        placed.push({
          tenant: row.slug,
          placement,
          connectionString: tenantDatabaseUrl(urls.migration, targets, placement.target, placement.database),
        });
      }
    }
    return { shared: rows.length - placed.length, placed };
  } finally {
    await client.end();
  }
}

export interface MigrateEveryPlacementOptions extends Pick<MigratePlacementsOptions, 'migrationsDir' | 'concurrency' | 'dryRun' | 'log'> {
  targets: DatabaseTargets;
}

/** `npm run db:migrate`: the control plane, then every tenant schema and tenant database. */
export function migrateEveryPlacement(urls: ControlPlaneUrls, options: MigrateEveryPlacementOptions): Promise<MigratePlacementsResult> {
  const { targets, ...rest } = options;
  return migratePlacements({
    ...rest,
    controlPlane: urls.migration,
    placements: async () => (await listPlacements(urls, targets)).placed,
  });
}

/** What a run did, in a few lines: what changed, and after a failure, where and how to continue. */
export function summarizeMigration(result: MigratePlacementsResult, options: { dryRun?: boolean; ms: number }): string[] {
  const count = (state: string) => result.outcomes.filter((o) => o.state === state).length;
  const total = result.outcomes.length;
  const placements = (n: number) => `${n.toLocaleString('en-US')} placement${n === 1 ? '' : 's'}`;
  const took = `${(options.ms / 1000).toFixed(1)} s`;
  if (options.dryRun) {
    const pending = count('pending');
    return [
      pending
        ? `${placements(pending)} of ${total.toLocaleString('en-US')} would be migrated (dry run: nothing changed).`
        : `Nothing to apply: ${placements(total)} up to date (dry run).`,
      ...failures(result),
    ];
  }
  if (result.ok) {
    const migrated = count('migrated');
    const of = migrated === total ? '' : ` of ${total.toLocaleString('en-US')}; the others were up to date`;
    return [
      migrated ? `Migrated ${placements(migrated)}${of} (${took}).` : `Database schema is up to date: ${placements(total)} (${took}).`,
    ];
  }
  const done = count('migrated') + count('up-to-date');
  return [
    ...failures(result),
    `Kept: ${placements(done)} migrated or up to date (nothing is rolled back). Not started: ${placements(count('not-reached'))}. (${took})`,
    'Fix the cause, then run `npm run db:migrate` again: it continues where this run stopped.',
  ];
}

function failures(result: MigratePlacementsResult): string[] {
  return result.outcomes
    .filter((o) => o.state === 'failed')
    .map(
      (o) =>
        `FAILED: ${describePlacement(o.target)}${o.failure!.migration ? `, migration ${o.failure!.migration}` : ''}: ${o.failure!.message}`,
    );
}

/** `npm run db:status`: every placement's version, pending migrations and drift. */
export async function statusOfEveryPlacement(
  urls: ControlPlaneUrls,
  options: { targets: DatabaseTargets; migrationsDir?: string; concurrency?: number },
): Promise<{ shared: number; statuses: PlacementStatus[] }> {
  const { shared, placed } = await listPlacements(urls, options.targets);
  const statuses = await placementStatus({
    controlPlane: urls.migration,
    placements: placed,
    migrationsDir: options.migrationsDir,
    concurrency: options.concurrency,
    placedTables: Object.values(PLACED_TABLES),
  });
  return { shared, statuses };
}

/** The status report: a table, the drift in full, and a verdict; `ready` is false when anything is pending or drifted. */
export function reportStatus(shared: number, statuses: PlacementStatus[]): { lines: string[]; ready: boolean } {
  const rows = statuses.map((status) => {
    const placement = status.target?.placement;
    return [
      status.target?.tenant ?? `(${shared.toLocaleString('en-US')} shared)`,
      placement?.tier ?? 'shared',
      placement?.tier === 'schema'
        ? placement.schema
        : placement?.tier === 'database'
          ? `${placement.database} on ${placement.target}`
          : 'public (control plane)',
      status.version ?? '—',
      String(status.pending.length),
      status.drift.length ? `${status.drift.length} DRIFT` : '—',
    ];
  });
  const header = ['tenant', 'tier', 'where', 'version', 'pending', 'drift'];
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 4 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const pending = statuses.filter((s) => s.pending.length > 0);
  const drifted = statuses.filter((s) => s.drift.length > 0);
  const lines = [line(header), ...rows.map(line)];
  if (drifted.length) lines.push('', ...drifted.map(describeStatus));
  const n = (count: number) => `${count.toLocaleString('en-US')} placement${count === 1 ? '' : 's'}`;
  const ready = pending.length === 0 && drifted.length === 0;
  const versions = [...new Set(statuses.map((s) => s.version))];
  lines.push(
    '',
    ready
      ? `Ready: ${n(statuses.length)} at ${versions.join(', ')}, nothing pending, no drift.`
      : `NOT READY: ${n(pending.length)} with migrations pending, ${n(drifted.length)} with drift.` +
          (pending.length ? ' Run `npm run db:migrate`.' : ''),
  );
  return { lines, ready };
}
