import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { dropDatabase, dropRoles, migrate, provisionDatabase } from '@bulkhead/tenancy/admin';
import { acquireServer } from '@bulkhead/tenancy/server';

import { appUrlFile, mailFile, ownerUrlFile } from '../e2e/support/handoff';
import { startOAuthStub } from '../e2e/support/oauth-stub';
import { opsUrlFile } from '../e2e/support/ops';
import { seedDemo } from '../prisma/seed/demo';
import { runtimeEnv } from './db/runtime-env';

// The server Playwright tests run against: a fresh database on a throw-away PostgreSQL (or on
// BOOTSTRAP_DATABASE_URL), migrated, then the production build in .next as the restricted runtime
// role, served through the front server (scripts/serve.ts) as `npm start` serves it. Playwright stops
// it with SIGTERM; we drop what we created.
//
// What tests need and HTTP must never carry goes to files only the tests read (mode 0600, removed
// with the database), never into the app's environment: the ops role's URL (.e2e/ops-<port>.url;
// e2e/leaks/busy.spec.ts holds a row lock from outside the app), the runtime role's URL
// (.e2e/app-<port>.url; e2e/security/client-address.spec.ts starts a second server on it), the
// owner role's URL (.e2e/owner-<port>.url; e2e/leaks/moving.spec.ts freezes a workspace's writes
// with a move's capture triggers, which only the tables' owner may create), and the mail the app
// sends (.e2e/mail-<port>.ndjson, MAIL_FILE: there is no dev outbox in production).
//
// TRUST_PROXY_HOPS=1: the tests play the one trusted proxy, so a request can come "from" any
// address they choose (e2e/support/addresses.ts). BULKHEAD_DEMO=1: a demo deployment, where the
// demo API keys work in production (the leak suite calls the API with them).

const port = process.env.PORT ?? '3100';
const log = (line: string) => console.log(`[e2e-server] ${line}`);

async function main() {
  // Two servers: the control plane with the shared and schema tenants, in eu-west, and a second one
  // for the dedicated database of the demo's `database` tenant, in eu-central — the seed registers
  // it there as target `second` (docs/tiers.md, docs/residency.md).
  const [server, second] = await Promise.all([acquireServer(), acquireServer('BOOTSTRAP_DEDICATED_DATABASE_URL')]);
  const rolePrefix = `bulkhead_e${randomBytes(3).toString('hex')}`;
  const database = `${rolePrefix}_db`;
  const dedicatedDatabase = `${rolePrefix}_t_hooli`;
  const handoff = opsUrlFile(port);
  const appHandoff = appUrlFile(port);
  const ownerHandoff = ownerUrlFile(port);
  const mail = mailFile(port);
  const cleanup = async () => {
    for (const file of [handoff, appHandoff, ownerHandoff, mail]) rmSync(file, { force: true });
    await dropDatabase(server.bootstrapUrl, database).catch(() => {});
    await dropDatabase(second.bootstrapUrl, dedicatedDatabase).catch(() => {});
    await dropRoles(server.bootstrapUrl, rolePrefix).catch(() => {});
    if (second.bootstrapUrl !== server.bootstrapUrl) await dropRoles(second.bootstrapUrl, rolePrefix).catch(() => {});
    await server.release();
    await second.release();
  };

  let urls;
  try {
    const db = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database, rolePrefix });
    await migrate({ connectionString: db.urls.migration });
    await seedDemo(db.urls.ops, log, {
      migrationUrl: db.urls.migration,
      target: { name: 'second', bootstrapUrl: second.bootstrapUrl },
      controlDatabase: database.replace(/_db$/, ''),
      rolePrefix,
    });
    mkdirSync(path.dirname(handoff), { recursive: true });
    writeFileSync(handoff, db.urls.ops, { mode: 0o600 });
    writeFileSync(appHandoff, db.urls.app, { mode: 0o600 });
    writeFileSync(ownerHandoff, db.urls.migration, { mode: 0o600 });
    rmSync(mail, { force: true }); // mail of an earlier run is not this run's
    urls = db.urls;
  } catch (error) {
    await cleanup();
    throw error;
  }
  log(`database ${database} ready; starting the app on port ${port}`);

  // The control build's leaky page (e2e/control) needs a connection that bypasses RLS; only the
  // control server (scripts/control-server.ts) asks for it, and only its copied page reads it.
  const control = process.env.BULKHEAD_LEAK_CONTROL === '1' ? { CONTROL_LEAK_DATABASE_URL: urls.ops } : {};
  const appEnv: NodeJS.ProcessEnv = {
    ...runtimeEnv(urls.app),
    ...control,
    NODE_ENV: 'production',
    APP_URL: `http://127.0.0.1:${port}`,
    AUTH_SECRET: randomBytes(33).toString('base64'),
    // The second server by host and port only: the app signs in with its own runtime role.
    TENANT_DATABASE_TARGETS: `second=${serverOnly(second.bootstrapUrl)}`,
  };
  delete appEnv.BULKHEAD_DEV_OUTBOX; // refused in production (lib/startup-checks.ts)
  // "Continue with GitHub" against a local stub provider (there is no internet here): the app sees
  // it as a GitHub Enterprise Server. Its consent page lets each test choose the identity.
  const github = await startOAuthStub(Number(port) + 1000);
  const oauthEnv = {
    AUTH_GITHUB_ID: 'e2e-stub-client',
    AUTH_GITHUB_SECRET: randomBytes(16).toString('hex'),
    AUTH_GITHUB_ENTERPRISE_URL: github.url,
  };
  const next = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts', '-p', port, '-H', '127.0.0.1'], {
    stdio: 'inherit',
    env: { ...appEnv, ...oauthEnv, TRUST_PROXY_HOPS: '1', BULKHEAD_DEMO: '1', MAIL_FILE: mail },
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (next.exitCode === null) {
      next.kill('SIGTERM');
      await new Promise((resolve) => next.once('exit', resolve));
    }
    await github.close();
    await cleanup();
    process.exit(code);
  };
  process.on('SIGTERM', () => void stop(0));
  process.on('SIGINT', () => void stop(0));
  next.on('exit', (code) => void stop(code ?? 1));
}

main().catch((error: unknown) => {
  console.error(`[e2e-server] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/** A server URL without credentials or database: what TENANT_DATABASE_TARGETS holds. */
function serverOnly(url: string): string {
  const server = new URL(url);
  server.username = '';
  server.password = '';
  server.pathname = '/';
  return server.toString();
}
