import pg from 'pg';

import { EMPTY_ALLOWLIST, isExempt, type Allowlist } from './allowlist';
import { BYPASS_CHECKS } from './bypass-checks';
import { runRuntimeCanaries } from './canaries';
import { loadContext, type AuditContext, type CatalogCheck } from './catalog';
import { CHANNEL_CHECKS } from './channel-checks';
import { AuditSetupError, byCheckThenObject, type Finding } from './finding';
import { GRANT_CHECKS } from './grant-checks';
import { POLICY_CHECKS } from './policy-checks';
import { ROLE_CHECKS } from './role-checks';
import { TABLE_CHECKS } from './table-checks';

// The isolation audit (`npm run audit:isolation`): reads the PostgreSQL catalog and fails on
// anything that could let one tenant see or touch another's data, then asks the server directly
// (runtime canaries) whether row-level security applies to the runtime role. Check numbers are
// those of the isolation-audit catalog (the check list in this package's README); each check lives in the file for its
// section there. Two are left out on purpose: 22 (see bypass-checks.ts) and 34 (channel-checks.ts).

export type { Finding } from './finding';
export type { Allowlist } from './allowlist';

export const CATALOG_CHECKS: readonly CatalogCheck[] = [
  ...ROLE_CHECKS,
  ...TABLE_CHECKS,
  ...POLICY_CHECKS,
  ...BYPASS_CHECKS,
  ...CHANNEL_CHECKS,
  ...GRANT_CHECKS,
];

const CANARIES = [
  { check: 40, title: 'Runtime canary: COPY FROM into a tenant table is refused' },
  { check: 41, title: 'Runtime canary: reading a tenant table with row_security = off is refused' },
];

/** Every check the audit runs, by number, with its title. */
export const CHECK_TITLES: ReadonlyMap<number, string> = new Map(
  [...CATALOG_CHECKS, ...CANARIES].map((c) => [c.check, c.title] as const).sort(([a], [b]) => a - b),
);

export interface AuditOptions {
  /** A connection that can read the catalog: the owner (migration) URL is fine. */
  catalogUrl: string;
  /** A connection that logs in AS the runtime role, for the canaries. */
  runtimeUrl: string;
  /** The role the running app connects as (R). */
  runtimeRole: string;
  /** The schema holding the tenant tables. Defaults to public. */
  schema?: string;
  /** What the app accepts on purpose. Default: nothing. */
  allowlist?: Allowlist;
}

export async function auditIsolation(options: AuditOptions): Promise<Finding[]> {
  const allowlist = options.allowlist ?? EMPTY_ALLOWLIST;
  const catalog = await connect(options.catalogUrl, 'catalog');
  try {
    // One snapshot for every check, and nothing the audit does can write.
    await catalog.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await catalog.query(`SET LOCAL lock_timeout = '5s'`);
    const { ctx, findings } = await inspectCatalog(catalog, { ...options, allowlist });
    await catalog.query('COMMIT');

    const runtime = await connect(options.runtimeUrl, 'runtime');
    try {
      findings.push(
        ...(await runRuntimeCanaries(runtime, { role: options.runtimeRole, serverVersion: ctx.serverVersion, guarded: ctx.guarded })),
      );
    } finally {
      await runtime.end();
    }
    return settle(findings, allowlist);
  } finally {
    await catalog.end();
  }
}

/**
 * The catalog half of the audit over a connection the caller owns — for instance inside a
 * transaction that applies a broken fixture and is rolled back afterwards. The session's
 * search_path is changed while the checks run and restored afterwards.
 */
export async function auditCatalog(
  client: pg.ClientBase,
  options: Pick<AuditOptions, 'runtimeRole' | 'schema' | 'allowlist'>,
): Promise<Finding[]> {
  const allowlist = options.allowlist ?? EMPTY_ALLOWLIST;
  const { findings } = await inspectCatalog(client, { ...options, allowlist });
  return settle(findings, allowlist);
}

async function inspectCatalog(
  client: pg.ClientBase,
  options: Pick<AuditOptions, 'runtimeRole' | 'schema'> & { allowlist: Allowlist },
): Promise<{ ctx: AuditContext; findings: Finding[] }> {
  return withCatalogSearchPath(client, async () => {
    const ctx = await loadContext(client, {
      runtimeRole: options.runtimeRole,
      schema: options.schema ?? 'public',
      allowlist: options.allowlist,
    });
    return { ctx, findings: await runCatalogChecks(ctx) };
  });
}

/**
 * search_path = pg_catalog, pg_temp while `work` runs: every name the checks print comes out
 * schema-qualified, and no object in public or pg_temp can shadow the catalog the audit reads.
 */
async function withCatalogSearchPath<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  const { rows } = await client.query<{ search_path: string }>('SHOW search_path');
  const restore = () => client.query(`SELECT set_config('search_path', $1, false)`, [rows[0]!.search_path]);
  await client.query('SET search_path = pg_catalog, pg_temp');
  let result: T;
  try {
    result = await work();
  } catch (error) {
    await restore().catch(() => {}); // the transaction may be aborted; the original error matters
    throw error;
  }
  await restore();
  return result;
}

async function runCatalogChecks(ctx: AuditContext): Promise<Finding[]> {
  const findings: Finding[] = [];
  // One connection runs one query at a time anyway; sequential keeps a failure attributable.
  for (const check of CATALOG_CHECKS) {
    try {
      findings.push(...(await check.run(ctx)));
    } catch (error) {
      throw new Error(
        `Isolation check ${check.check} (${check.title}) failed to run: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  return findings;
}

function settle(findings: Finding[], allowlist: Allowlist): Finding[] {
  return findings.filter((f) => !isExempt(f, allowlist)).sort(byCheckThenObject);
}

async function connect(url: string, purpose: 'catalog' | 'runtime'): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 10_000,
    application_name: `bulkhead audit:isolation (${purpose})`,
  });
  try {
    await client.connect();
    return client;
  } catch (error) {
    await client.end().catch(() => {});
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
    throw new AuditSetupError(`Cannot connect to ${redact(url)} for the ${purpose} checks: ${reason}`, error);
  }
}

/** The URL without its password, for error messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '<unparseable connection string>';
  }
}
