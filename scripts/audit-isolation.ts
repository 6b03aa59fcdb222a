import { randomBytes } from 'node:crypto';

import { dropDatabase, dropRoles, migrate, provisionDatabase, urlFor } from '@bulkhead/tenancy/admin';
import { redact, runAuditCli } from '@bulkhead/tenancy/audit';
import { acquireServer, type AcquiredServer } from '@bulkhead/tenancy/server';
import pg from 'pg';

import { BULKHEAD_ALLOWLIST, tenantSchemaAllowlist } from '../lib/db/audit/allowlist';
import { placeInDatabase, placeInSchema } from '../lib/db/tiers';
import { parseEnv } from '../lib/env';
import { targetServer } from '../lib/tenancy/placement';

// `npm run audit:isolation`: the kit's catalog audit of tenant isolation, with Bulkhead's
// allowlist, over EVERY placement (docs/tiers.md): the control plane's shared tables, each tenant
// schema, each dedicated database. One report per placement; the exit code is the worst of them.
//
//   With MIGRATION_DATABASE_URL and DATABASE_URL: audits that database's public schema and every
//   tenant schema (t_…) in it; with OPS_DATABASE_URL too, every dedicated database its placements
//   name (reached on the TENANT_DATABASE_TARGETS server with the same roles).
//   With neither: audits what prisma/migrations and the provisioning of each tier produce — a fresh
//   control plane with a tenant placed in a schema, and a tenant database on a second server
//   (BOOTSTRAP_DATABASE_URL / BOOTSTRAP_DEDICATED_DATABASE_URL, or embedded PostgreSQL), all dropped
//   afterwards.
//
// Exit code: 0 no findings, 1 findings (printed as a report), 2 the audit could not run. Known
// defects the allowlist accepts are printed on every run but do not fail it.

interface Placement {
  label: string;
  catalogUrl: string;
  runtimeUrl: string;
  schema?: string;
}

async function query<R extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []): Promise<R[]> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    const reason = error instanceof Error ? error.message || (error as { code?: string }).code || error.name : String(error);
    throw new Error(`Cannot connect to ${redact(url)}: ${reason}`);
  }
  try {
    return (await client.query<R>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

/** Tenant schemas of a control plane, from the catalog (no tenant row needed). */
async function tenantSchemas(catalogUrl: string): Promise<string[]> {
  const rows = await query<{ name: string }>(
    catalogUrl,
    `SELECT nspname AS name FROM pg_namespace WHERE nspname ~ '^t_[a-z0-9_]+$' ORDER BY 1`,
  );
  return rows.map((row) => row.name);
}

/** The same role on a dedicated database: the target's host and port, the placement's database. */
function onDedicated(url: string, server: URL, database: string): string {
  const moved = new URL(url);
  moved.host = server.host;
  moved.pathname = `/${database}`;
  return moved.toString();
}

async function configuredPlacements(env: NodeJS.ProcessEnv): Promise<Placement[]> {
  const catalogUrl = env.MIGRATION_DATABASE_URL!;
  const runtimeUrl = env.DATABASE_URL!;
  const placements: Placement[] = [{ label: 'the shared tables (public)', catalogUrl, runtimeUrl }];
  for (const schema of await tenantSchemas(catalogUrl))
    placements.push({ label: `tenant schema ${schema}`, catalogUrl, runtimeUrl, schema });
  if (env.OPS_DATABASE_URL) {
    const settings = parseEnv({ ...env, NODE_ENV: 'production' });
    const dedicated = await query<{ target: string; database: string }>(
      env.OPS_DATABASE_URL,
      `SELECT database_target AS target, database_name AS database FROM tenant_placements WHERE tier = 'database' ORDER BY 1, 2`,
    );
    for (const { target, database } of dedicated) {
      const server = targetServer(settings, target);
      placements.push({
        label: `tenant database ${database} on ${target}`,
        catalogUrl: onDedicated(catalogUrl, server, database),
        runtimeUrl: onDedicated(runtimeUrl, server, database),
      });
    }
  } else {
    console.log('(OPS_DATABASE_URL not set: dedicated databases are not listed, so not audited.)\n');
  }
  return placements;
}

/** A fresh control plane, a tenant in a schema, a tenant database on a second server. */
async function freshPlacements(): Promise<{ placements: Placement[]; dispose(): Promise<void> }> {
  const servers: AcquiredServer[] = [];
  const prefix = `audit_${randomBytes(3).toString('hex')}`;
  const control = `${prefix}_cp`;
  const dedicated = `${prefix}_t_audited`;
  const dispose = async () => {
    const [server, second] = servers;
    if (second) await dropDatabase(second.bootstrapUrl, dedicated).catch(() => {});
    if (server) await dropDatabase(server.bootstrapUrl, control).catch(() => {});
    for (const each of new Set(servers.map((s) => s.bootstrapUrl))) await dropRoles(each, prefix).catch(() => {});
    for (const each of servers) await each.release();
  };
  try {
    servers.push(...(await Promise.all([acquireServer(), acquireServer('BOOTSTRAP_DEDICATED_DATABASE_URL')])));
    const [server, second] = servers as [AcquiredServer, AcquiredServer];
    const db = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database: control, rolePrefix: prefix });
    await migrate({ connectionString: db.urls.migration });
    const tenants = await query<{ id: string; slug: string }>(
      db.urls.ops,
      `INSERT INTO tenants (slug, name) VALUES ('audited-schema', 'Audited schema'), ('audited-database', 'Audited database') RETURNING id, slug`,
    );
    const id = (slug: string) => tenants.find((t) => t.slug === slug)!.id;
    // The second server is a target in the tenants' region (docs/residency.md).
    await query(db.urls.ops, `INSERT INTO database_targets (name, region) VALUES ('second', bulkhead.local_region())`);
    await placeInSchema(db.urls, id('audited-schema'), 't_audited');
    await placeInDatabase(db.urls, id('audited-database'), {
      target: { name: 'second', bootstrapUrl: second.bootstrapUrl },
      database: dedicated,
      rolePrefix: prefix,
    });
    const where = server.shared ? 'BOOTSTRAP_DATABASE_URL' : 'embedded PostgreSQL';
    return {
      placements: [
        { label: `the shared tables of a fresh control plane (${where})`, catalogUrl: db.urls.migration, runtimeUrl: db.urls.app },
        {
          label: 'a tenant schema made by the schema tier (t_audited)',
          catalogUrl: db.urls.migration,
          runtimeUrl: db.urls.app,
          schema: 't_audited',
        },
        {
          label: `a tenant database made by the database tier, on a second server (${second.shared ? 'BOOTSTRAP_DEDICATED_DATABASE_URL' : 'embedded PostgreSQL'})`,
          catalogUrl: urlFor(second.bootstrapUrl, dedicated, `${prefix}_owner`, 'bulkhead-local'),
          runtimeUrl: urlFor(second.bootstrapUrl, dedicated, `${prefix}_app`, 'bulkhead-local'),
        },
      ],
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

async function main(): Promise<number> {
  const env = process.env;
  if (Boolean(env.MIGRATION_DATABASE_URL) !== Boolean(env.DATABASE_URL)) {
    console.error(
      'audit:isolation could not run: set both MIGRATION_DATABASE_URL (catalog, as the owner) and DATABASE_URL (the runtime role), or neither to audit fresh placements.',
    );
    return 2;
  }
  let fresh: Awaited<ReturnType<typeof freshPlacements>> | undefined;
  try {
    const placements = env.MIGRATION_DATABASE_URL ? await configuredPlacements(env) : (fresh = await freshPlacements()).placements;
    let worst = 0;
    for (const placement of placements) {
      console.log(`━━ Placement: ${placement.label}`);
      const code = await runAuditCli({
        allowlist: placement.schema ? tenantSchemaAllowlist(placement.schema) : BULKHEAD_ALLOWLIST,
        env: { NODE_ENV: env.NODE_ENV, MIGRATION_DATABASE_URL: placement.catalogUrl, DATABASE_URL: placement.runtimeUrl },
        args: placement.schema ? ['--schema', placement.schema] : [],
      });
      worst = Math.max(worst, code);
    }
    console.log(
      `\n${placements.length} placement(s) audited: ${worst === 0 ? 'no findings' : worst === 1 ? 'FINDINGS above' : 'an audit could not run'}.`,
    );
    return worst;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Connection strings may appear in driver messages; never print a password.
    console.error(`audit:isolation could not run: ${message.replace(/postgres(?:ql)?:\/\/\S+/g, (url) => redact(url))}`);
    return 2;
  } finally {
    await fresh?.dispose();
  }
}

process.exit(await main());
