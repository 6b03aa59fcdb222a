import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { opsUrlFile } from '../e2e/support/ops';
import { migrate } from '../lib/db/migrate';
import { runtimeEnv } from './db/runtime-env';
import { dropDatabase, dropRoles, provisionDatabase } from '../lib/db/provision';
import { seedDemo } from '../prisma/seed/demo';
import { acquireServer } from './db/server';

// The server Playwright tests run against: a fresh database on a throw-away PostgreSQL (or on
// BOOTSTRAP_DATABASE_URL), migrated, then `next start` on the production build in .next as the
// restricted runtime role. Playwright stops it with SIGTERM; we drop what we created.
//
// The ops role's URL of this throw-away database goes to a file only the tests read
// (.e2e/ops-<port>.url, mode 0600, removed with the database), never into the app's environment:
// the busy-workspace case (e2e/leaks/busy.spec.ts) holds a row lock from outside the app.

const port = process.env.PORT ?? '3100';
const log = (line: string) => console.log(`[e2e-server] ${line}`);

async function main() {
  const server = await acquireServer();
  const rolePrefix = `bulkhead_e${randomBytes(3).toString('hex')}`;
  const database = `${rolePrefix}_db`;
  const handoff = opsUrlFile(port);
  const cleanup = async () => {
    rmSync(handoff, { force: true });
    await dropDatabase(server.bootstrapUrl, database).catch(() => {});
    await dropRoles(server.bootstrapUrl, rolePrefix).catch(() => {});
    await server.release();
  };

  let urls;
  try {
    const db = await provisionDatabase({ bootstrapUrl: server.bootstrapUrl, database, rolePrefix });
    await migrate({ connectionString: db.urls.migration });
    await seedDemo(db.urls.ops);
    mkdirSync(path.dirname(handoff), { recursive: true });
    writeFileSync(handoff, db.urls.ops, { mode: 0o600 });
    urls = db.urls;
  } catch (error) {
    await cleanup();
    throw error;
  }
  log(`database ${database} ready; starting next on port ${port}`);

  // The control build's leaky page (e2e/control) needs a connection that bypasses RLS; only the
  // control server (scripts/control-server.ts) asks for it, and only its copied page reads it.
  const control = process.env.BULKHEAD_LEAK_CONTROL === '1' ? { CONTROL_LEAK_DATABASE_URL: urls.ops } : {};
  const next = spawn(process.execPath, ['node_modules/next/dist/bin/next', 'start', '-p', port, '-H', '127.0.0.1'], {
    stdio: 'inherit',
    env: { ...runtimeEnv(urls.app), ...control, NODE_ENV: 'production', BULKHEAD_DEV_OUTBOX: '1', APP_URL: `http://127.0.0.1:${port}`, AUTH_SECRET: randomBytes(33).toString('base64') },
  });

  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    if (next.exitCode === null) {
      next.kill('SIGTERM');
      await new Promise((resolve) => next.once('exit', resolve));
    }
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
