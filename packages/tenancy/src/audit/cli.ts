import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';

import { migrate } from '../migrate';
import { dropDatabase, dropRoles, provisionDatabase } from '../provision';
import { EMPTY_ALLOWLIST, withoutKnownDefects, type Allowlist } from './allowlist';
import { auditIsolation, redact } from './checks';
import { classify, formatReport } from './report';

// The audit's command line, for an app's own script (`npm run audit:isolation`):
//
//   With MIGRATION_DATABASE_URL and DATABASE_URL: audits that database; the runtime role is the
//   user in DATABASE_URL (the canaries log in with it).
//   With neither: audits what the app's migrations produce — a fresh database with roles of its
//   own on a throw-away server (BOOTSTRAP_DATABASE_URL, or an embedded PostgreSQL), dropped after.
//
// Exit code: 0 no findings, 1 findings (printed as a report), 2 the audit could not run. Known
// defects the allowlist accepts are printed on every run but do not fail it.

export interface AuditCliOptions {
  /** What the app accepts on purpose (default: nothing). */
  allowlist?: Allowlist;
  /** The app's migrations (default: prisma/migrations under the working directory). */
  migrationsDir?: string;
  /** Command-line arguments (default: process.argv after the script). Accepts `--schema name`. */
  args?: string[];
  env?: NodeJS.ProcessEnv;
  /** Where the report goes (default: console.log). */
  print?: (text: string) => void;
}

interface Target {
  catalogUrl: string;
  runtimeUrl: string;
  runtimeRole: string;
  description: string;
  dispose(): Promise<void>;
}

function configuredTarget(catalogUrl: string, runtimeUrl: string): Target {
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

async function freshlyMigratedTarget(migrationsDir?: string): Promise<Target> {
  // Loaded only here: the embedded PostgreSQL is a development dependency.
  const { acquireServer } = await import('../server/server');
  const server = await acquireServer();
  const name = `audit_${randomBytes(3).toString('hex')}`;
  const dispose = async () => {
    await dropDatabase(server.bootstrapUrl, name).catch(() => {});
    await dropRoles(server.bootstrapUrl, name).catch(() => {});
    await server.release();
  };
  try {
    const db = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database: name, rolePrefix: name });
    await migrate({ connectionString: db.urls.migration, migrationsDir });
    return {
      catalogUrl: db.urls.migration,
      runtimeUrl: db.urls.app,
      runtimeRole: db.roles.app,
      description: `a fresh database migrated from the app's migrations (${server.shared ? 'BOOTSTRAP_DATABASE_URL' : 'embedded PostgreSQL'})`,
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

/** Runs the audit as a command would; resolves with its exit code (0, 1 or 2). */
export async function runAuditCli(options: AuditCliOptions = {}): Promise<number> {
  const print = options.print ?? console.log;
  const env = options.env ?? process.env;
  const allowlist = options.allowlist ?? EMPTY_ALLOWLIST;
  try {
    const { values } = parseArgs({ args: options.args ?? process.argv.slice(2), options: { schema: { type: 'string' } } });
    const { MIGRATION_DATABASE_URL: catalogUrl, DATABASE_URL: runtimeUrl } = env;
    if (Boolean(catalogUrl) !== Boolean(runtimeUrl)) {
      // Falling back to a scratch database here would report a clean bill of health for the wrong thing.
      throw new Error(
        'Set both MIGRATION_DATABASE_URL (catalog, as the owner) and DATABASE_URL (the runtime role), or neither to audit a fresh migrated database.',
      );
    }
    const target = catalogUrl && runtimeUrl ? configuredTarget(catalogUrl, runtimeUrl) : await freshlyMigratedTarget(options.migrationsDir);
    try {
      // Known defects are audited like everything else, then shown apart: accepted, never hidden.
      const findings = await auditIsolation({ ...target, schema: values.schema, allowlist: withoutKnownDefects(allowlist) });
      const report = classify(findings, allowlist);
      print(formatReport(report, { target: target.description, runtimeRole: target.runtimeRole }));
      return report.failures.length > 0 ? 1 : 0;
    } finally {
      await target.dispose();
    }
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Connection strings may appear in driver messages; never print a password.
    console.error(`audit:isolation could not run: ${message.replace(/postgres(?:ql)?:\/\/\S+/g, (url) => redact(url))}`);
    return 2;
  }
}
