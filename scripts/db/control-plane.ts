import pg from 'pg';

import { type DatabaseTarget } from '../../lib/db/tiers';
import { DEV_DEDICATED_TARGET } from '../../lib/demo';
import { parseEnv } from '../../lib/env';
import { LOCAL_TARGET } from '../../lib/tenancy/placement';
import { openLocalDatabase, type LocalDatabase } from './local';

// The operator scripts' way to the control plane (scripts/tenant.ts, scripts/tenant-move.ts): the
// database of `npm run dev` (the embedded PostgreSQL, started if needed, or BOOTSTRAP_DATABASE_URL),
// or the control plane named by MIGRATION_DATABASE_URL (owner) and OPS_DATABASE_URL (BYPASSRLS)
// when both are set; and the servers of the database tier (targets) with a superuser on each.

export class UsageError extends Error {}

export function usage(message: string): never {
  throw new UsageError(message);
}

export interface ControlPlane {
  migration: string;
  ops: string;
  /** A superuser URL of the control plane's server, when we have one (local targets). */
  bootstrap?: string;
  local?: LocalDatabase;
}

export async function openControlPlane(): Promise<ControlPlane> {
  const [ops, migration] = [process.env.OPS_DATABASE_URL, process.env.MIGRATION_DATABASE_URL];
  if (ops && migration) return { ops, migration, bootstrap: process.env.BOOTSTRAP_DATABASE_URL };
  if (ops || migration) usage('Set both OPS_DATABASE_URL and MIGRATION_DATABASE_URL, or neither to use the local development database.');
  const local = await openLocalDatabase((line) => console.log(line));
  const bootstrap = process.env.BOOTSTRAP_DATABASE_URL ?? local.cluster?.url ?? (await embeddedUrl(local));
  return { ops: local.urls.ops, migration: local.urls.migration, bootstrap, local };
}

/** The superuser URL of a dev cluster someone else started (npm run dev): same credentials, its port. */
async function embeddedUrl(local: LocalDatabase): Promise<string> {
  const { SUPERUSER, SUPERUSER_PASSWORD } = await import('@bulkhead/tenancy/server');
  const url = new URL(local.urls.ops);
  url.username = SUPERUSER;
  url.password = SUPERUSER_PASSWORD;
  url.pathname = '/postgres';
  return url.toString();
}

/** The names TENANT_DATABASE_TARGETS gives, with their superuser URLs (the operator's copy of the variable). */
export function configuredTargets(control: ControlPlane): Record<string, string> {
  return parseEnv({ ...process.env, NODE_ENV: 'production', DATABASE_URL: control.ops }).TENANT_DATABASE_TARGETS;
}

/**
 * Whether this command can create a database on `name`: `local` and the dev database's second name
 * are the control plane's own server; any other target needs its TENANT_DATABASE_TARGETS entry.
 */
export function reachable(name: string, control: ControlPlane): boolean {
  return name === LOCAL_TARGET || (name === DEV_DEDICATED_TARGET && Boolean(control.local)) || name in configuredTargets(control);
}

export function targetOf(name: string, control: ControlPlane): DatabaseTarget {
  const sameServer = name === LOCAL_TARGET || (name === DEV_DEDICATED_TARGET && Boolean(control.local));
  if (sameServer && !process.env.TENANT_DATABASE_TARGETS?.includes(`${name}=`)) {
    if (!control.bootstrap)
      usage(`A database on target "${name}" needs BOOTSTRAP_DATABASE_URL (a superuser of the control plane’s server).`);
    return { name, bootstrapUrl: control.bootstrap };
  }
  const targets = configuredTargets(control);
  const url = targets[name];
  if (!url)
    usage(`Unknown database target "${name}": TENANT_DATABASE_TARGETS names ${Object.keys(targets).join(', ') || 'none'} (and "local").`);
  if (!new URL(url).username) usage(`Target "${name}" in TENANT_DATABASE_TARGETS has no user: tenant:place needs a superuser URL there.`);
  return { name, bootstrapUrl: url };
}

/** The control plane's database name and role prefix, from the owner's URL (<prefix>_owner). */
export function controlNames(control: ControlPlane): { database: string; rolePrefix: string; password: string } {
  const url = new URL(control.migration);
  const user = decodeURIComponent(url.username);
  if (!user.endsWith('_owner')) usage(`MIGRATION_DATABASE_URL's user "${user}" is not a Bulkhead owner role (<prefix>_owner).`);
  return {
    database: decodeURIComponent(url.pathname.slice(1)),
    rolePrefix: user.slice(0, -'_owner'.length),
    password: decodeURIComponent(url.password),
  };
}

export async function withOps<T>(control: ControlPlane, work: (db: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: control.ops });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
