import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

import { runtimeEnv } from '../../../scripts/db/runtime-env';

// The server under test: `next start` on the production build in .next, as the restricted
// runtime role, with the same environment scripts/e2e-server.ts gives the browser tests.

const NEXT_BIN = 'node_modules/next/dist/bin/next';
/** Server log lines echoed before the rest are only counted (a flood must not flood the log). */
const ECHOED_LINES = 40;

/** What the production build is made of: a file here newer than .next/BUILD_ID makes the build stale. */
const BUILD_INPUTS = ['app', 'components', 'lib', 'proxy.ts', 'next.config.ts', 'package-lock.json', 'prisma/schema.prisma'];

function newestChange(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestChange(path.join(entry, name))), stat.mtimeMs);
}

/** Builds the app when .next holds no production build, or one older than the sources; says whether it had to. */
export async function ensureProductionBuild(log: (line: string) => void): Promise<boolean> {
  const built = existsSync('.next/BUILD_ID') ? statSync('.next/BUILD_ID').mtimeMs : undefined;
  const changed = Math.max(...BUILD_INPUTS.map(newestChange));
  if (built !== undefined && built >= changed) return false;
  log(
    built === undefined
      ? 'No production build in .next (no .next/BUILD_ID): running `next build` first (about 1–3 minutes here)…'
      : 'The production build in .next is older than the sources: running `next build` first (about 1–3 minutes here)…',
  );
  const started = performance.now();
  const build = spawn(process.execPath, [NEXT_BIN, 'build'], { stdio: 'inherit', env: { NEXT_TELEMETRY_DISABLED: '1', ...process.env } });
  const code = await new Promise<number | null>((resolve) => build.once('exit', resolve));
  if (code !== 0) throw new Error(`next build failed (exit code ${code}).`);
  log(`Built in ${((performance.now() - started) / 1000).toFixed(0)} s.`);
  return true;
}

export interface RunningNext {
  pid: number;
  baseUrl: string;
  /** Log lines that were not echoed (past the first ECHOED_LINES). */
  silencedLines(): number;
  stop(): Promise<void>;
}

export async function startNext(options: { appDatabaseUrl: string; port: number; log: (line: string) => void }): Promise<RunningNext> {
  const { appDatabaseUrl, port, log } = options;
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...runtimeEnv(appDatabaseUrl),
      NODE_ENV: 'production',
      BULKHEAD_DEMO: '1',
      APP_URL: baseUrl,
      AUTH_SECRET: randomBytes(33).toString('base64'),
    },
  });
  let lines = 0;
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      if (++lines <= ECHOED_LINES) log(`[next] ${line}`);
    });
  }
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running: RunningNext = {
    pid: child.pid!,
    baseUrl,
    silencedLines: () => Math.max(0, lines - ECHOED_LINES),
    stop: () => stopChild(child, exited),
  };
  try {
    await waitUntilHealthy(baseUrl, child);
  } catch (error) {
    await running.stop();
    throw error;
  }
  return running;
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls /api/health (which also checks the database connection) until it answers 200. */
async function waitUntilHealthy(baseUrl: string, child: ChildProcess): Promise<void> {
  const deadline = performance.now() + 90_000;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`next start exited with code ${child.exitCode} before it was healthy.`);
    try {
      const response = await fetch(`${baseUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('next start was not healthy within 90 s.');
}
