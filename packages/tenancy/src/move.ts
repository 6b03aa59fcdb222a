import pg from 'pg';

import { assertTenantId } from './tenant-pool';

// Online tenant moves: one tenant's rows go from one copy of the placed tables to another — the
// shared tables, a tenant schema, a tenant database — while the tenant keeps working. The engine
// knows copies, not tiers; the app provisions the target, switches the placement and removes the
// old copy (lib/db/moves.ts). Steps (docs/moves.md):
//
//   prepare   refuse a target that already holds the tenant's rows; put up the (open) fence row
//             and the capture triggers on the source, for this tenant's rows only — from now on
//             every insert, update and delete records the row's key (move_changes);
//   copy      every table, parents first, in keyset batches by id, while the tenant writes on;
//             a batch whose parent row is newer than the parent table's copy replays the
//             recorded keys first (a foreign-key violation), then retries;
//   catch-up  replay rounds: take the recorded keys, read those rows as they are now (one snapshot
//             for every table), write them to the target (upsert, or delete when gone), until a
//             round finds few;
//   freeze    close the fence: the tenant's writes in the source fail at once with BH503; take the
//             tenant's advisory lock, which waits for the writes already under way (bounded by
//             lockTimeoutMs; past it the move rolls back);
//   drain     replay what is left — nothing can be under way now;
//   verify    per table, row count and checksum (md5 over the rows' text, in id order) on both
//             sides, computed by the same SQL; any difference rolls the move back;
//   switch    the caller's switchPlacement(): the control plane now says where the tenant is; the
//             lock is released and writes resume, in the new placement. The fence stays closed on
//             the old copy, so a request that resolved the old placement before the switch fails
//             with BH503 (and is retried) instead of writing into a copy about to go.
//
// Any failure before the switch rolls back: the fence opens, the triggers and recorded keys go,
// and the caller removes the target copy. The freeze lasts from closing the fence to the switch:
// the drain of the last few keys, two checksums and one control-plane transaction.

export const MOVE_STEPS = ['prepare', 'copy', 'catch-up', 'verify', 'freeze', 'drain', 'recheck', 'switch'] as const;
export type MoveStep = (typeof MOVE_STEPS)[number];

/** The advisory lock class of a tenant's writes during a move (the migration's capture function). */
export const MOVE_LOCK_CLASS = 1114;

/** SQLSTATE of a write refused by a closed fence. */
export const TENANT_MOVING_SQLSTATE = 'BH503';

export interface MoveSide {
  /** A role that bypasses row-level security (the operator's), in the database of this copy. */
  url: string;
  /** The owner of the placed tables there (creates and drops the capture triggers). Source only. */
  ownerUrl?: string;
  /** The schema of the placed tables: public, or the tenant's t_… schema. */
  schema: string;
}

export interface TableCheck {
  rows: number;
  checksum: string;
}

export interface MoveSummary {
  rows: number;
  changes: number;
  rounds: number;
  tables: Record<string, TableCheck>;
}

export interface MoveResult extends MoveSummary {
  copyMs: number;
  catchUpMs: number;
  /** From closing the fence to the committed switch: how long the tenant could not write. */
  freezeMs: number;
  /** Of the freeze: waiting for writes under way, the last replay, the verification, the switch. */
  freeze: { waitMs: number; drainMs: number; recheckMs: number; switchMs: number; drained: number };
  /** The whole copy's verification, before the freeze. */
  verifyMs: number;
  totalMs: number;
}

export interface MoveOptions {
  tenantId: string;
  /** A uuid for this move (the fence row carries it). */
  moveId: string;
  source: MoveSide;
  target: MoveSide;
  /** The placed tables, parents before children. Every one has (tenant_id, id uuid) as its key. */
  tables: readonly string[];
  /**
   * Tables in which the target may already hold rows of this tenant that are not the source's
   * (the control plane's audit events, when the target is the shared tables): verification there
   * compares the source's rows with the target's rows of the same ids, and rollback removes only
   * those.
   */
  mergeTables?: readonly string[];
  /** On a rollback, delete the tenant's rows from the target (a copy in shared tables that stay). */
  clearTargetOnRollback?: boolean;
  batchSize?: number;
  /** Catch-up stops, and the freeze begins, when a round replays fewer keys than this. */
  settleBelow?: number;
  maxCatchUpRounds?: number;
  /** The longest the freeze waits for the tenant's writes already under way. */
  lockTimeoutMs?: number;
  /** Commits the new placement. Runs frozen and verified; `target` may write to the new copy first. */
  switchPlacement: (summary: MoveSummary, target: pg.Client) => Promise<void>;
  progress?: (step: MoveStep, message: string) => void;
  /** Tests: fail at the start of this step, to prove the rollback from there. */
  failAt?: MoveStep;
}

export class MoveError extends Error {
  constructor(
    readonly step: MoveStep,
    message: string,
    readonly cause?: unknown,
  ) {
    super(`The move failed at "${step}" and was rolled back: ${message}`);
    this.name = 'MoveError';
  }
}

const NAME = /^[a-z_][a-z0-9_]*$/;

const quoted = (schema: string, table: string) => `"${schema}"."${table}"`;

/** The capture triggers' names on a table, for one tenant (both fit PostgreSQL's 63 bytes). */
export function captureTriggerNames(tenantId: string): { write: string; remove: string } {
  const hex = assertTenantId(tenantId).replace(/-/g, '');
  return { write: `bulkhead_move_w_${hex}`, remove: `bulkhead_move_d_${hex}` };
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Both sides print values the same way: the checksums compare text.
  await client.query(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1`);
  return client;
}

async function inTransaction<T>(client: pg.Client, work: () => Promise<T>, begin = 'BEGIN'): Promise<T> {
  await client.query(begin);
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Runs DDL that needs a table lock with a short lock_timeout, retried: never a long queue of writers behind it. */
async function withShortLocks(client: pg.Client, work: () => Promise<void>, attempts = 20): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await inTransaction(client, async () => {
        await client.query(`SET LOCAL lock_timeout = '500ms'`);
        await work();
      });
      return;
    } catch (error) {
      if ((error as { code?: string }).code !== '55P03' || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
    }
  }
}

/** Installs the capture triggers for one tenant on the source's placed tables. */
export async function installCapture(owner: pg.Client, schema: string, tables: readonly string[], tenantId: string): Promise<void> {
  const names = captureTriggerNames(tenantId);
  await withShortLocks(owner, async () => {
    for (const table of tables) {
      const on = quoted(schema, table);
      await owner.query(
        `CREATE TRIGGER "${names.write}" AFTER INSERT OR UPDATE ON ${on} FOR EACH ROW
           WHEN (NEW.tenant_id = '${tenantId}'::uuid) EXECUTE FUNCTION bulkhead.capture_move_change()`,
      );
      await owner.query(
        `CREATE TRIGGER "${names.remove}" AFTER DELETE ON ${on} FOR EACH ROW
           WHEN (OLD.tenant_id = '${tenantId}'::uuid) EXECUTE FUNCTION bulkhead.capture_move_change()`,
      );
    }
  });
}

/** Removes the capture triggers of one tenant (those that exist) from the source's placed tables. */
export async function removeCapture(owner: pg.Client, schema: string, tables: readonly string[], tenantId: string): Promise<void> {
  const names = captureTriggerNames(tenantId);
  const { rows } = await owner.query<{ exists: boolean }>(`SELECT to_regnamespace($1) IS NOT NULL AS exists`, [schema]);
  if (!rows[0]?.exists) return;
  await withShortLocks(owner, async () => {
    for (const table of tables) {
      const on = quoted(schema, table);
      await owner.query(`DROP TRIGGER IF EXISTS "${names.write}" ON ${on}`);
      await owner.query(`DROP TRIGGER IF EXISTS "${names.remove}" ON ${on}`);
    }
  });
}

/** Columns of a table, in order, that an INSERT may name (not generated). */
async function columnsOf(client: pg.Client, schema: string, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT quote_ident(attname) AS name FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
    [quoted(schema, table)],
  );
  if (rows.length === 0) throw new Error(`No table ${schema}.${table}.`);
  return rows.map((row) => row.name);
}

/**
 * Count and checksum of one tenant's rows of a table (optionally only these ids): the same SQL on
 * both sides. The checksum is the sum of a 64-bit hash of each row's text: independent of row
 * order (no sort), and any changed, missing or extra row changes it but for a 2^-64 chance.
 */
async function checkTable(client: pg.Client, schema: string, table: string, tenantId: string, ids?: string[]): Promise<TableCheck> {
  const { rows } = await client.query<{ rows: string; checksum: string }>(
    `SELECT count(*)::text AS rows, coalesce(sum(hashtextextended(t::text, 0)), 0)::text AS checksum
       FROM ${quoted(schema, table)} t WHERE t.tenant_id = $1${ids ? ' AND t.id = ANY($2::uuid[])' : ''}`,
    ids ? [tenantId, ids] : [tenantId],
  );
  return { rows: Number(rows[0]!.rows), checksum: rows[0]!.checksum };
}

/** The number of one tenant's rows of a table (optionally only these ids). */
async function countRows(client: pg.Client, schema: string, table: string, tenantId: string, ids?: string[]): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    `SELECT count(*)::text AS n FROM ${quoted(schema, table)} WHERE tenant_id = $1${ids ? ' AND id = ANY($2::uuid[])' : ''}`,
    ids ? [tenantId, ids] : [tenantId],
  );
  return Number(rows[0]!.n);
}

/** Deletes one tenant's rows of the given tables (children first), in batches, as the mover. */
export async function deleteTenantRows(
  client: pg.Client,
  schema: string,
  tables: readonly string[],
  tenantId: string,
  options: { batchSize?: number; ids?: (table: string) => Promise<string[] | undefined> } = {},
): Promise<number> {
  const batch = options.batchSize ?? 5000;
  let deleted = 0;
  for (const table of [...tables].reverse()) {
    const only = await options.ids?.(table);
    for (;;) {
      const result = await inTransaction(client, async () => {
        await client.query(`SELECT set_config('bulkhead.move_cleanup', $1, true)`, [tenantId]);
        return client.query(
          `DELETE FROM ${quoted(schema, table)} WHERE tenant_id = $1 AND id IN (
             SELECT id FROM ${quoted(schema, table)} WHERE tenant_id = $1${only ? ' AND id = ANY($3::uuid[])' : ''} LIMIT $2)`,
          only ? [tenantId, batch, only] : [tenantId, batch],
        );
      });
      deleted += result.rowCount ?? 0;
      if ((result.rowCount ?? 0) < batch) break;
    }
  }
  return deleted;
}

/** The ids of one tenant's rows of a table. */
async function idsOf(client: pg.Client, schema: string, table: string, tenantId: string): Promise<string[]> {
  const { rows } = await client.query<{ id: string }>(`SELECT id::text AS id FROM ${quoted(schema, table)} WHERE tenant_id = $1`, [
    tenantId,
  ]);
  return rows.map((row) => row.id);
}

/** Moves one tenant's rows from `source` to `target` online; see the steps above. */
export async function moveTenant(options: MoveOptions): Promise<MoveResult> {
  const tenantId = assertTenantId(options.tenantId);
  const { source, target, tables } = options;
  for (const name of [source.schema, target.schema, ...tables])
    if (!NAME.test(name)) throw new Error(`moveTenant(): "${name}" is not a plain name.`);
  if (!source.ownerUrl) throw new Error('moveTenant(): the source needs ownerUrl (the capture triggers are the owner’s).');
  const merge = new Set(options.mergeTables ?? []);
  const batchSize = options.batchSize ?? 2000;
  const settleBelow = options.settleBelow ?? 200;
  const maxRounds = options.maxCatchUpRounds ?? 30;
  const progress = options.progress ?? (() => {});
  const started = performance.now();

  const src = await connect(source.url);
  const tgt = await connect(target.url);
  const lock = await connect(source.url);
  const owner = await connect(source.ownerUrl);
  let step: MoveStep = 'prepare';
  let captured = false;
  let switched = false;
  let locked = false;
  const columns = new Map<string, string[]>();
  const totals = { rows: 0, changes: 0, rounds: 0 };

  const enter = (next: MoveStep, message: string) => {
    step = next;
    if (options.failAt === next) throw new Error(`forced failure at "${next}" (failAt)`);
    progress(next, message);
  };

  /**
   * One replay round over `among`: at most `limit` recorded keys, read in one snapshot of the
   * source. `verify`: also compare every table of the tenant on both sides in that snapshot, after
   * the target has applied the round (so both sides hold the same state, if the copy is right).
   * `collect`: add the replayed keys, by table. Returns how many keys it replayed.
   */
  const replay = async (
    among: readonly string[],
    limit: number | null,
    options: { verify?: Record<string, TableCheck>; collect?: Map<string, Set<string>> } = {},
  ): Promise<number> =>
    inTransaction(
      src,
      async () => {
        const { rows: keys } = await src.query<{ table_name: string; row_id: string }>(
          `DELETE FROM public.move_changes WHERE tenant_id = $1 AND id IN (
             SELECT id FROM public.move_changes WHERE tenant_id = $1 AND table_name = ANY($2) ORDER BY id LIMIT $3)
           RETURNING table_name, row_id::text AS row_id`,
          [tenantId, among, limit],
        );
        if (keys.length === 0 && !options.verify) return 0;
        const byTable = new Map<string, Set<string>>();
        for (const key of keys) {
          (byTable.get(key.table_name) ?? byTable.set(key.table_name, new Set()).get(key.table_name)!).add(key.row_id);
          if (options.collect)
            (options.collect.get(key.table_name) ?? options.collect.set(key.table_name, new Set()).get(key.table_name)!).add(key.row_id);
        }
        const present = new Map<string, { id: string; row: unknown }[]>();
        for (const [table, ids] of byTable) {
          const { rows } = await src.query<{ id: string; row: unknown }>(
            `SELECT id::text AS id, row_to_json(t) AS row FROM ${quoted(source.schema, table)} t WHERE tenant_id = $1 AND id = ANY($2::uuid[])`,
            [tenantId, [...ids]],
          );
          present.set(table, rows);
        }
        await inTransaction(tgt, async () => {
          for (const table of [...among].reverse()) {
            const ids = byTable.get(table);
            if (!ids) continue;
            const kept = new Set(present.get(table)!.map((row) => row.id));
            const gone = [...ids].filter((id) => !kept.has(id));
            if (gone.length)
              await tgt.query(`DELETE FROM ${quoted(target.schema, table)} WHERE tenant_id = $1 AND id = ANY($2::uuid[])`, [
                tenantId,
                gone,
              ]);
          }
          for (const table of among) {
            const rows = present.get(table);
            if (rows?.length)
              await upsert(
                table,
                rows.map((row) => row.row),
              );
          }
          if (options.verify) Object.assign(options.verify, await compare(among));
        });
        totals.changes += keys.length;
        return keys.length;
      },
      // One snapshot for every table of the round: parents and children agree.
      'BEGIN ISOLATION LEVEL REPEATABLE READ',
    );

  /**
   * Count and checksum of each table on both sides, by the same SQL, the two sides at once; only
   * the rows with the given ids when `only` names a table's. Throws at the first difference.
   */
  const compare = async (among: readonly string[], only?: Map<string, Set<string>>): Promise<Record<string, TableCheck>> => {
    const ids = (table: string) => (only?.has(table) ? [...only.get(table)!] : undefined);
    const [ours, theirs] = await Promise.all([
      (async () => {
        const out: Record<string, TableCheck & { ids?: string[] }> = {};
        for (const table of among) {
          out[table] = await checkTable(src, source.schema, table, tenantId, ids(table));
          if (merge.has(table) && !only?.has(table)) out[table].ids = await idsOf(src, source.schema, table, tenantId);
        }
        return out;
      })(),
      (async () => {
        const out: Record<string, TableCheck> = {};
        for (const table of among)
          if (!merge.has(table) || only?.has(table)) out[table] = await checkTable(tgt, target.schema, table, tenantId, ids(table));
        return out;
      })(),
    ]);
    const checked: Record<string, TableCheck> = {};
    for (const table of among) {
      const mine = ours[table]!;
      const other = theirs[table] ?? (await checkTable(tgt, target.schema, table, tenantId, mine.ids));
      if (mine.rows !== other.rows || mine.checksum !== other.checksum)
        throw new Error(
          `${table} differs${only?.has(table) ? ' in the rows changed since the last verification' : ''}: ` +
            `${mine.rows} row(s), checksum ${mine.checksum} in the source; ${other.rows} row(s), checksum ${other.checksum} in the target.`,
        );
      checked[table] = { rows: mine.rows, checksum: mine.checksum };
    }
    return checked;
  };

  /** Every table's row count of the tenant in the source (the current snapshot). */
  const countSource = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const table of tables) out[table] = await countRows(src, source.schema, table, tenantId);
    return out;
  };

  /** Every table's row count on both sides; in a merge table, the target's rows with the source's ids. */
  const countBoth = async (): Promise<Record<string, number>> => {
    const [ours, theirs] = await Promise.all([
      countSource(),
      (async () => {
        const out: Record<string, number> = {};
        for (const table of tables) if (!merge.has(table)) out[table] = await countRows(tgt, target.schema, table, tenantId);
        return out;
      })(),
    ]);
    for (const table of tables) {
      const other = merge.has(table)
        ? await countRows(tgt, target.schema, table, tenantId, await idsOf(src, source.schema, table, tenantId))
        : theirs[table]!;
      if (ours[table] !== other) throw new Error(`${table} has ${ours[table]} row(s) in the source and ${other} in the target.`);
    }
    return ours;
  };

  const columnsFor = async (table: string) => {
    let list = columns.get(table);
    if (!list) columns.set(table, (list = await columnsOf(tgt, target.schema, table)));
    return list;
  };

  const insert = async (table: string, rows: unknown[], onConflict: string) => {
    const list = (await columnsFor(table)).join(', ');
    return tgt.query(
      `INSERT INTO ${quoted(target.schema, table)} (${list})
       SELECT ${list} FROM json_populate_recordset(NULL::${quoted(target.schema, table)}, $1::json) ${onConflict}`,
      [JSON.stringify(rows)],
    );
  };

  const upsert = async (table: string, rows: unknown[]) => {
    const list = await columnsFor(table);
    const set = list.filter((column) => column !== 'tenant_id' && column !== 'id');
    await insert(
      table,
      rows,
      `ON CONFLICT (tenant_id, id) DO UPDATE SET (${set.join(', ')}) = ROW(${set.map((c) => `EXCLUDED.${c}`).join(', ')})`,
    );
  };

  const drain = async (among: readonly string[]) => {
    let replayed = 0;
    for (;;) {
      const round = await replay(among, 10_000);
      replayed += round;
      if (round === 0) return replayed;
    }
  };

  try {
    enter('prepare', 'checking the target and installing change capture on the source');
    for (const table of tables) {
      if (merge.has(table)) continue;
      const { rows } = await tgt.query<{ n: string }>(
        `SELECT count(*)::text AS n FROM ${quoted(target.schema, table)} WHERE tenant_id = $1`,
        [tenantId],
      );
      if (Number(rows[0]!.n) > 0)
        throw new Error(`The target already holds ${rows[0]!.n} row(s) of this tenant in ${table}: it is not an empty copy.`);
    }
    try {
      await src.query(`INSERT INTO public.move_fences (tenant_id, move_id) VALUES ($1, $2)`, [tenantId, options.moveId]);
    } catch (error) {
      if ((error as { code?: string }).code === '23505')
        throw new Error('Another move of this tenant is under way (or an earlier one was interrupted: run it again with --abort).');
      throw error;
    }
    await src.query(`DELETE FROM public.move_changes WHERE tenant_id = $1`, [tenantId]);
    captured = true;
    await installCapture(owner, source.schema, tables, tenantId);

    enter('copy', `copying ${tables.length} tables in batches of ${batchSize}`);
    const copyStarted = performance.now();
    for (const [index, table] of tables.entries()) {
      const prefix = tables.slice(0, index + 1);
      let after: string | null = null;
      let copied = 0;
      for (;;) {
        const { rows }: pg.QueryResult<{ id: string; row: unknown }> = await src.query(
          `SELECT id::text AS id, row_to_json(t) AS row FROM ${quoted(source.schema, table)} t
            WHERE tenant_id = $1 AND ($2::uuid IS NULL OR id > $2::uuid) ORDER BY id LIMIT $3`,
          [tenantId, after, batchSize],
        );
        if (rows.length === 0) break;
        for (let attempt = 1; ; attempt++) {
          try {
            await insert(
              table,
              rows.map((row) => row.row),
              'ON CONFLICT (tenant_id, id) DO NOTHING',
            );
            break;
          } catch (error) {
            // A row whose parent was written after the parent table's copy: replay, then retry.
            if ((error as { code?: string }).code !== '23503' || attempt > 5) throw error;
            await drain(prefix);
          }
        }
        copied += rows.length;
        after = rows.at(-1)!.id;
      }
      totals.rows += copied;
      progress('copy', `${table}: ${copied} rows`);
    }
    const copyMs = performance.now() - copyStarted;

    enter('catch-up', 'replaying the changes made meanwhile');
    const catchUpStarted = performance.now();
    for (;;) {
      const round = await replay(tables, 50_000);
      totals.rounds++;
      progress('catch-up', `round ${totals.rounds}: ${round} changed row(s) replayed`);
      if (round < settleBelow || totals.rounds >= maxRounds) break;
    }
    const catchUpMs = performance.now() - catchUpStarted;

    // The whole copy, verified while the tenant still works: one last round replays every key
    // recorded so far in one snapshot of the source, and in that same snapshot every table is
    // counted and checksummed on both sides. From here on only the keys recorded later can differ.
    enter('verify', 'replaying the rest and checksumming both copies in one snapshot');
    const verifyStarted = performance.now();
    const checked: Record<string, TableCheck> = {};
    const verified = await replay(tables, null, { verify: checked });
    totals.rounds++;
    const verifyMs = performance.now() - verifyStarted;
    progress(
      'verify',
      `${Object.values(checked).reduce((sum, t) => sum + t.rows, 0)} rows agree (${verified} more changed row(s) replayed)`,
    );

    enter('freeze', 'refusing the tenant’s writes in the source and waiting for those under way');
    const frozenAt = performance.now();
    await src.query(`UPDATE public.move_fences SET frozen = true WHERE tenant_id = $1`, [tenantId]);
    await lock.query(`SET lock_timeout = ${Math.max(1, Math.round(options.lockTimeoutMs ?? 5000))}`);
    try {
      await lock.query(`SELECT pg_advisory_lock($1, hashtext($2))`, [MOVE_LOCK_CLASS, tenantId]);
    } catch (error) {
      if ((error as { code?: string }).code === '55P03')
        throw new Error(`A write of the tenant ran longer than ${options.lockTimeoutMs ?? 5000} ms: the freeze gave up waiting for it.`);
      throw error;
    }
    locked = true;
    const waitMs = performance.now() - frozenAt;

    enter('drain', 'replaying the last changes');
    const drainStarted = performance.now();
    const delta = new Map<string, Set<string>>();
    let drained = 0;
    for (let round = -1; round !== 0; drained += round) round = await replay(tables, 10_000, { collect: delta });
    const drainMs = performance.now() - drainStarted;

    // Frozen, the copies must now agree: the rows changed since the verified snapshot, checksummed
    // on both sides, and every table's count.
    enter(
      'recheck',
      `checksumming the ${[...delta.values()].reduce((sum, ids) => sum + ids.size, 0)} row(s) changed since, counting every table`,
    );
    const recheckStarted = performance.now();
    const [, counts] = await Promise.all([
      compare(
        tables.filter((table) => delta.has(table)),
        delta,
      ),
      countBoth(),
    ]);
    const recheckMs = performance.now() - recheckStarted;
    for (const [table, rows] of Object.entries(counts)) checked[table] = { ...checked[table]!, rows };

    enter('switch', 'switching the placement');
    const switchStarted = performance.now();
    const summary: MoveSummary = { ...totals, rows: Object.values(checked).reduce((sum, t) => sum + t.rows, 0), tables: checked };
    await options.switchPlacement(summary, tgt);
    switched = true;
    const switchMs = performance.now() - switchStarted;
    const freezeMs = performance.now() - frozenAt;
    await lock.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [MOVE_LOCK_CLASS, tenantId]);
    locked = false;
    return {
      ...summary,
      copyMs,
      catchUpMs,
      freezeMs,
      verifyMs,
      freeze: { waitMs, drainMs, recheckMs, switchMs, drained },
      totalMs: performance.now() - started,
    };
  } catch (error) {
    if (switched) throw error;
    // Roll back what the engine did; the caller removes the target copy it provisioned.
    const rollback: string[] = [];
    if (captured) {
      await src
        .query(`DELETE FROM public.move_fences WHERE tenant_id = $1 AND move_id = $2`, [tenantId, options.moveId])
        .catch((e: Error) => {
          rollback.push(`opening the fence: ${e.message}`);
        });
      await removeCapture(owner, source.schema, tables, tenantId).catch((e: Error) => rollback.push(`removing the triggers: ${e.message}`));
      await src.query(`DELETE FROM public.move_changes WHERE tenant_id = $1`, [tenantId]).catch(() => {});
    }
    if (options.clearTargetOnRollback && step !== 'prepare') {
      // Only what the move wrote: in a merge table, the rows with the source's ids.
      await deleteTenantRows(tgt, target.schema, tables, tenantId, {
        ids: async (table) => (merge.has(table) ? idsOf(src, source.schema, table, tenantId) : undefined),
      }).catch((e: Error) => rollback.push(`removing the target's rows: ${e.message}`));
    }
    if (locked) await lock.query(`SELECT pg_advisory_unlock($1, hashtext($2))`, [MOVE_LOCK_CLASS, tenantId]).catch(() => {});
    const message = error instanceof Error ? error.message : String(error);
    throw new MoveError(step, rollback.length ? `${message} (and the rollback failed: ${rollback.join('; ')})` : message, error);
  } finally {
    await Promise.all([src.end(), tgt.end(), lock.end(), owner.end()].map((p) => p.catch(() => {})));
  }
}

/**
 * Removes what a finished move left on the source: its rows (when the source is shared tables
 * that stay), the capture triggers, the fence and the recorded keys. `dropRows` false when the
 * caller drops the whole schema or database instead.
 */
export async function retireSource(
  side: MoveSide,
  tables: readonly string[],
  tenantId: string,
  options: { dropRows: boolean; batchSize?: number },
): Promise<number> {
  if (!side.ownerUrl) throw new Error('retireSource(): the source needs ownerUrl.');
  const ops = await connect(side.url);
  const owner = await connect(side.ownerUrl);
  try {
    const deleted = options.dropRows ? await deleteTenantRows(ops, side.schema, tables, tenantId, { batchSize: options.batchSize }) : 0;
    await removeCapture(owner, side.schema, tables, tenantId);
    await ops.query(`DELETE FROM public.move_changes WHERE tenant_id = $1`, [tenantId]);
    await ops.query(`DELETE FROM public.move_fences WHERE tenant_id = $1`, [tenantId]);
    return deleted;
  } finally {
    await Promise.all([ops.end(), owner.end()].map((p) => p.catch(() => {})));
  }
}
