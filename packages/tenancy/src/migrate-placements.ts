import pg from 'pg';

import { migrateWith, MigrationError, readMigrations, type MigrationFile } from './migrate';
import { assertPlacement, type Placement } from './placement';

/** The control plane's advisory lock (hashtext key) of a migration run, which moves hold shared. */
export const PLACEMENTS_LOCK = 'bulkhead.placements';

// Migrations over every placement (docs/migrations.md): the control plane's public schema, then
// every tenant schema and every tenant database, each with a ledger of its own (Prisma's
// `_prisma_migrations`: public's, "t_x"._prisma_migrations, each tenant database's public one).
//
//   1. the control plane, whole files. A failure stops the run: no tenant placement is touched.
//   2. the canaries, one at a time: the first tenant schema, then the first tenant database. A
//      failure stops the run: one tenant is behind, every other untouched.
//   3. the rest, `concurrency` at a time. After a failure no placement is started; those in flight
//      finish. Nothing is rolled back across placements: each migration of each placement commits
//      on its own, so a re-run continues where this one stopped (migrated placements are no-ops).
//
// A tenant schema gets the migrations' placed sections only (migrate.ts); the control plane and a
// tenant database, the whole files. Every placement records every migration, so one checksum and one
// name answer "is this placement at that version?" everywhere.

export type TenantPlacement = Exclude<Placement, { tier: 'shared' }>;

/** One tenant schema or tenant database to migrate. */
export interface PlacementTarget {
  /** Whose placement it is, for messages: a tenant's slug. */
  tenant: string;
  placement: TenantPlacement;
  /** The owner role's URL of the database that holds it: the control plane's, for a schema. */
  connectionString: string;
}

export interface MigratePlacementsOptions {
  /** The owner role's URL of the control plane (MIGRATION_DATABASE_URL). */
  controlPlane: string;
  /**
   * Every tenant schema and tenant database. Called once the control plane is migrated: on a first
   * run, that is what creates the table placements are listed from.
   */
  placements: () => Promise<readonly PlacementTarget[]>;
  /** Defaults to prisma/migrations. */
  migrationsDir?: string;
  /** Placements migrated at once after the canaries (default 4). */
  concurrency?: number;
  /** List what would be applied, per placement; change nothing. */
  dryRun?: boolean;
  log?: (line: string) => void;
}

export type PlacementState =
  /** Something was applied. */
  | 'migrated'
  | 'up-to-date'
  /** A dry run found migrations to apply. */
  | 'pending'
  | 'failed'
  /** Not started: an earlier failure stopped the run. */
  | 'not-reached';

export interface PlacementOutcome {
  /** Undefined for the control plane. */
  target?: PlacementTarget;
  state: PlacementState;
  /** Applied by this run. A failed placement keeps what it applied before the failure (its ledger says what). */
  applied: string[];
  /** Found by a dry run. */
  pending: string[];
  ms: number;
  /** What failed (state `failed`): the migration (empty when the placement was refused whole) and the error. */
  failure?: { migration: string; message: string };
}

export interface MigratePlacementsResult {
  ok: boolean;
  /**
   * The control plane's, then each placement's in the order listed, whatever order they ran in. Only
   * the control plane's when it failed: the placements were not listed.
   */
  outcomes: PlacementOutcome[];
}

export const DEFAULT_MIGRATION_CONCURRENCY = 4;

/** `the control plane (public)`, `tenant initech (schema t_initech)`, `tenant hooli (database bulkhead_t_hooli on local)`. */
export function describePlacement(target: PlacementTarget | undefined): string {
  if (!target) return 'the control plane (public)';
  const { placement } = target;
  const where = placement.tier === 'schema' ? `schema ${placement.schema}` : `database ${placement.database} on ${placement.target}`;
  return `tenant ${target.tenant} (${where})`;
}

export async function migratePlacements(options: MigratePlacementsOptions): Promise<MigratePlacementsResult> {
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? DEFAULT_MIGRATION_CONCURRENCY));
  const log = options.log ?? (() => {});
  // Read (and marker-checked) before anything runs: a malformed file stops the run untouched.
  const files = await readMigrations(options.migrationsDir);
  const connections = new Connections(concurrency, options.controlPlane);
  const outcomes: PlacementOutcome[] = [];
  const run = async (target: PlacementTarget | undefined) => {
    const outcome = await migrateOne(connections, files, target, { dryRun: options.dryRun, log });
    outcomes.push(outcome);
    return outcome.state !== 'failed';
  };
  // Every placement has an outcome, in the order listed: those never started are `not-reached`.
  const inOrder = (targets: readonly PlacementTarget[]): PlacementOutcome[] => {
    const byTarget = new Map(outcomes.map((outcome) => [outcome.target, outcome]));
    return [
      byTarget.get(undefined)!,
      ...targets.map((target) => byTarget.get(target) ?? { target, state: 'not-reached' as const, applied: [], pending: [], ms: 0 }),
    ];
  };
  // Moves (move.ts) hold this lock shared while they run: a migration run waits for the moves under
  // way, and no move starts while a run provisions against a definition about to change.
  const runLock = options.dryRun ? undefined : new pg.Client({ connectionString: options.controlPlane });
  if (runLock) {
    await runLock.connect();
    await runLock.query(`SELECT pg_advisory_lock(hashtext($1))`, [PLACEMENTS_LOCK]);
  }
  try {
    if (!(await run(undefined))) return { ok: false, outcomes };
    const targets = await options.placements();
    for (const target of targets) assertPlacement(target.placement);
    connections.expect(targets.map((t) => t.connectionString));

    const canaries = [targets.find((t) => t.placement.tier === 'schema'), targets.find((t) => t.placement.tier === 'database')].filter(
      (target): target is PlacementTarget => target !== undefined,
    );
    for (const canary of canaries) {
      if (!(await run(canary))) return { ok: false, outcomes: inOrder(targets) };
    }
    let stopped = false;
    await eachInParallel(
      targets.filter((target) => !canaries.includes(target)),
      concurrency,
      () => stopped,
      async (target) => {
        if (!(await run(target))) stopped = true;
      },
    );
    return { ok: !stopped, outcomes: inOrder(targets) };
  } finally {
    await connections.end();
    await runLock?.end().catch(() => {});
  }
}

async function migrateOne(
  connections: Connections,
  files: readonly MigrationFile[],
  target: PlacementTarget | undefined,
  options: { dryRun?: boolean; log: (line: string) => void },
): Promise<PlacementOutcome> {
  const started = performance.now();
  const where = describePlacement(target);
  const placement = target?.placement;
  try {
    const result = await connections.use(target?.connectionString ?? connections.controlPlane, (client) =>
      migrateWith(client, files, {
        schema: placement?.tier === 'schema' ? placement.schema : 'public',
        apply: placement?.tier === 'schema' ? 'placed-sections' : 'whole-file',
        dryRun: options.dryRun,
        log: (line) => options.log(`${where}: ${line}`),
      }),
    );
    const state = result.applied.length ? 'migrated' : result.pending.length ? 'pending' : 'up-to-date';
    return { target, state, applied: result.applied, pending: result.pending, ms: performance.now() - started };
  } catch (error) {
    const migration = error instanceof MigrationError ? error.migration : '';
    const message = error instanceof Error ? error.message : String(error);
    options.log(`${where}: FAILED: ${message}`);
    return { target, state: 'failed', applied: [], pending: [], ms: performance.now() - started, failure: { migration, message } };
  }
}

/**
 * A pool per database, `size` connections at most: a thousand schemas of one database reuse a few
 * connections instead of opening one each. A pool is ended once its last expected placement is done,
 * so twenty tenant databases never hold twenty idle connections.
 */
export class Connections {
  private readonly pools = new Map<string, pg.Pool>();
  private readonly remaining = new Map<string, number>();

  constructor(
    private readonly size: number,
    /** Kept open to the end: the tenant schemas live there too. */
    readonly controlPlane: string,
  ) {}

  expect(urls: readonly string[]): void {
    for (const url of urls) this.remaining.set(url, (this.remaining.get(url) ?? 0) + 1);
  }

  async use<T>(url: string, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    let pool = this.pools.get(url);
    if (!pool) {
      pool = new pg.Pool({ connectionString: url, max: this.size, application_name: 'bulkhead-migrate' });
      pool.on('error', () => {}); // an idle connection lost: the next checkout reconnects
      this.pools.set(url, pool);
    }
    const client = await pool.connect();
    let broken = true;
    try {
      const result = await work(client);
      broken = false;
      return result;
    } finally {
      // After a failure, a fresh connection: no session state (or advisory lock) carries over.
      client.release(broken);
      const left = (this.remaining.get(url) ?? 0) - 1;
      this.remaining.set(url, left);
      if (left === 0 && url !== this.controlPlane) {
        this.pools.delete(url);
        await pool.end();
      }
    }
  }

  async end(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.end()));
    this.pools.clear();
  }
}

/** Runs `work` over `items`, `concurrency` at a time; starts nothing more once `stop()` is true. */
export async function eachInParallel<T>(
  items: readonly T[],
  concurrency: number,
  stop: () => boolean,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length && !stop()) await work(items[next++]!);
    }),
  );
}
