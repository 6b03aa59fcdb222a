import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

// Where the CPU went during a timed window: this Node process, the PostgreSQL cluster (the
// postmaster and all its children), and how busy the whole machine was. On a 2-core machine the
// client and the server compete for the same cores, and these numbers show which side a variant's
// extra cost lands on. Linux only (/proc); elsewhere, or for a remote server, the PostgreSQL
// figures are simply absent.

export interface CpuSnapshot {
  nodeMicros: number;
  /** CPU ticks per PostgreSQL process of our cluster, by pid. */
  postgresTicks: Map<number, number> | undefined;
  /**
   * CPU ticks of the postmaster's children that have exited and been reaped (its cutime + cstime):
   * short-lived processes — parallel query workers, a backend that came and went — that no
   * snapshot ever saw alive.
   */
  postgresReapedTicks: number | undefined;
  machine: { busyTicks: number; totalTicks: number } | undefined;
}

export interface CpuUsage {
  nodeMs: number;
  postgresMs: number | undefined;
  /** CPU time of the whole machine: busy (anything but idle and iowait) and available (all cores). */
  machine: { busyMs: number; totalMs: number } | undefined;
}

const TICKS_PER_SECOND = readClockTicks();

function readClockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
}

interface ProcessStat {
  ppid: number;
  ticks: number;
  /** Of its children that have exited and been waited for. */
  childTicks: number;
}

function readProcessStat(pid: number): ProcessStat | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may contain spaces and parentheses; the fixed fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), childTicks: Number(fields[13]) + Number(fields[14]) };
  } catch {
    return undefined; // the process ended between listing and reading
  }
}

/**
 * The postmaster of the cluster a backend belongs to, or undefined when that backend is not a
 * local PostgreSQL process (a remote BOOTSTRAP_DATABASE_URL server).
 */
export function findPostmaster(backendPid: number): number | undefined {
  try {
    if (!readFileSync(`/proc/${backendPid}/comm`, 'utf8').startsWith('postgres')) return undefined;
  } catch {
    return undefined;
  }
  return readProcessStat(backendPid)?.ppid;
}

function readPostgresTicks(postmaster: number): Map<number, number> {
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const stat = readProcessStat(pid);
    if (stat && (pid === postmaster || stat.ppid === postmaster)) ticks.set(pid, stat.ticks);
  }
  return ticks;
}

function readMachineTicks(): CpuSnapshot['machine'] {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]!;
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const total = values.reduce((sum, value) => sum + value, 0);
    const idle = (values[3] ?? 0) + (values[4] ?? 0);
    return { busyTicks: total - idle, totalTicks: total };
  } catch {
    return undefined;
  }
}

export function snapshotCpu(postmaster: number | undefined): CpuSnapshot {
  const usage = process.cpuUsage();
  return {
    nodeMicros: usage.user + usage.system,
    postgresTicks: postmaster === undefined ? undefined : readPostgresTicks(postmaster),
    postgresReapedTicks: postmaster === undefined ? undefined : readProcessStat(postmaster)?.childTicks,
    machine: readMachineTicks(),
  };
}

export function cpuBetween(start: CpuSnapshot, end: CpuSnapshot): CpuUsage {
  let postgresMs: number | undefined;
  if (start.postgresTicks && end.postgresTicks) {
    // Per pid, so a process that started inside the window counts from zero. One that ended is
    // counted through the postmaster's reaped-children total (all of its life), less what the
    // start snapshot had already seen of it.
    let ticks = 0;
    for (const [pid, endTicks] of end.postgresTicks) ticks += endTicks - (start.postgresTicks.get(pid) ?? 0);
    if (start.postgresReapedTicks !== undefined && end.postgresReapedTicks !== undefined) {
      ticks += end.postgresReapedTicks - start.postgresReapedTicks;
      for (const [pid, startTicks] of start.postgresTicks) if (!end.postgresTicks.has(pid)) ticks -= startTicks;
    }
    postgresMs = (ticks * 1000) / TICKS_PER_SECOND;
  }
  const machine =
    start.machine && end.machine && end.machine.totalTicks > start.machine.totalTicks
      ? {
          busyMs: ((end.machine.busyTicks - start.machine.busyTicks) * 1000) / TICKS_PER_SECOND,
          totalMs: ((end.machine.totalTicks - start.machine.totalTicks) * 1000) / TICKS_PER_SECOND,
        }
      : undefined;
  return { nodeMs: (end.nodeMicros - start.nodeMicros) / 1000, postgresMs, machine };
}
