import { spawn } from 'node:child_process';

import { migrate } from '@bulkhead/tenancy/admin';

import { authSecret } from '../lib/auth/secret';
import { DEV_DEDICATED_TARGET } from '../lib/demo';
import { openLocalDatabase, type LocalDatabase } from './db/local';
import { runtimeEnv } from './db/runtime-env';

// `npm run dev`: a database, migrations, then Next.js in development mode as the restricted runtime
// role, behind the front server that decides the client's address (scripts/serve.ts). With
// DATABASE_URL set we use that server as it is (and migrate it when MIGRATION_DATABASE_URL is set
// too). Ctrl-C stops Next and then PostgreSQL; nothing is left running.

const log = (line: string) => console.log(`[bulkhead] ${line}`);

async function main() {
  let local: LocalDatabase | undefined;
  let appUrl = process.env.DATABASE_URL;
  if (appUrl) {
    if (process.env.MIGRATION_DATABASE_URL) {
      const { applied } = await migrate({ connectionString: process.env.MIGRATION_DATABASE_URL, log });
      log(applied.length ? `Applied ${applied.length} migration(s).` : 'Database schema is up to date.');
    } else {
      log('DATABASE_URL is set and MIGRATION_DATABASE_URL is not: skipping migrations.');
    }
  } else {
    local = await openLocalDatabase(log);
    appUrl = local.urls.app;
  }

  // The app gets the runtime role only: never the owner's, the ops role's or the superuser's URL.
  // Arguments after `npm run dev --` go to the front server: -p <port>, -H <hostname>.
  const next = spawn(process.execPath, ['--import', 'tsx', 'scripts/serve.ts', '--dev', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...runtimeEnv(appUrl), ...devTargets(local), AUTH_SECRET: process.env.AUTH_SECRET ?? authSecret() },
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (local?.cluster) {
      log('Stopping PostgreSQL…');
      await local.cluster.stop();
    }
    process.exit(code);
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (next.exitCode === null) next.kill(signal);
    });
  }
  next.on('exit', (code, signal) => void stop(code ?? (signal ? 0 : 1)));
}

/**
 * Hooli's database target under `npm run dev` (lib/demo.ts): the dev PostgreSQL itself under a
 * second name, by host and port only, added to whatever TENANT_DATABASE_TARGETS already names.
 */
function devTargets(local: LocalDatabase | undefined): Record<string, string> {
  const given = process.env.TENANT_DATABASE_TARGETS ?? '';
  if (!local || given.split(',').some((entry) => entry.trim().startsWith(`${DEV_DEDICATED_TARGET}=`))) return {};
  const server = new URL(local.urls.app);
  const entry = `${DEV_DEDICATED_TARGET}=postgres://${server.host}/`;
  return { TENANT_DATABASE_TARGETS: given ? `${given},${entry}` : entry };
}

main().catch((error: unknown) => {
  console.error(`[bulkhead] ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
