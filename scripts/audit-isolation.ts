import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BULKHEAD_ALLOWLIST, withoutKnownDefects } from '../lib/db/audit/allowlist';
import { auditIsolation, redact } from '../lib/db/audit/checks';
import { classify, formatReport } from '../lib/db/audit/report';
import { migrate } from '../lib/db/migrate';
import { dropDatabase, dropRoles, provisionDatabase } from '../lib/db/provision';
import { acquireServer } from './db/server';

// `npm run audit:isolation [-- --schema name]`: the catalog audit of tenant isolation.
//
//   With MIGRATION_DATABASE_URL and DATABASE_URL: audits that database; the runtime role is the
//   user in DATABASE_URL (the canaries log in with it).
//   With neither: audits what prisma/migrations produce — a fresh database with roles of its own
//   on a throw-away server (BOOTSTRAP_DATABASE_URL, or an embedded PostgreSQL), dropped afterwards.
//
// Exit code: 0 no findings, 1 findings (printed as a report), 2 the audit could not run. Known
// defects the allowlist accepts are printed on every run but do not fail it.

interface Target {
  catalogUrl: string;
  runtimeUrl: string;
  runtimeRole: string;
  description: string;
  dispose(): Promise<void>;
}

async function configuredTarget(catalogUrl: string, runtimeUrl: string): Promise<Target> {
  const runtime = parseUrl(runtimeUrl, 'DATABASE_URL');
  parseUrl(catalogUrl, 'MIGRATION_DATABASE_URL');
  const runtimeRole = decodeURIComponent(runtime.username);
  if (!runtimeRole) throw new Error('DATABASE_URL names no user: the audit needs it to know which role the app runs as.');
  return {
    catalogUrl,
    runtimeUrl,
    runtimeRole,
    description: `database "${decodeURIComponent(runtime.pathname.slice(1))}" on ${runtime.host}`,
    dispose: async () => {},
  };
}

async function freshlyMigratedTarget(): Promise<Target> {
  const server = await acquireServer();
  const name = `audit_${randomBytes(3).toString('hex')}`;
  const dispose = async () => {
    await dropDatabase(server.bootstrapUrl, name).catch(() => {});
    await dropRoles(server.bootstrapUrl, name).catch(() => {});
    await server.release();
  };
  try {
    const db = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database: name, rolePrefix: name });
    await migrate({ connectionString: db.urls.migration });
    return {
      catalogUrl: db.urls.migration,
      runtimeUrl: db.urls.app,
      runtimeRole: db.roles.app,
      description: `a fresh database migrated from prisma/migrations (${server.shared ? 'BOOTSTRAP_DATABASE_URL' : 'embedded PostgreSQL'})`,
      dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}

function parseUrl(value: string, variable: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new Error(`${variable} is not a connection URL (postgres://user:password@host:port/database).`);
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { schema: { type: 'string' } } });
  const { MIGRATION_DATABASE_URL: catalogUrl, DATABASE_URL: runtimeUrl } = process.env;
  if (Boolean(catalogUrl) !== Boolean(runtimeUrl)) {
    // Falling back to a scratch database here would report a clean bill of health for the wrong thing.
    throw new Error('Set both MIGRATION_DATABASE_URL (catalog, as the owner) and DATABASE_URL (the runtime role), or neither to audit a fresh migrated database.');
  }
  const target = catalogUrl && runtimeUrl ? await configuredTarget(catalogUrl, runtimeUrl) : await freshlyMigratedTarget();
  try {
    // Known defects are audited like everything else, then shown apart: accepted, never hidden.
    const findings = await auditIsolation({ ...target, schema: values.schema, allowlist: withoutKnownDefects(BULKHEAD_ALLOWLIST) });
    const report = classify(findings, BULKHEAD_ALLOWLIST);
    console.log(formatReport(report, { target: target.description, runtimeRole: target.runtimeRole }));
    return report.failures.length > 0 ? 1 : 0;
  } finally {
    await target.dispose();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    // Connection strings may appear in driver messages; never print a password.
    console.error(`audit:isolation could not run: ${message.replace(/postgres(?:ql)?:\/\/\S+/g, (url) => redact(url))}`);
    process.exit(2);
  },
);
