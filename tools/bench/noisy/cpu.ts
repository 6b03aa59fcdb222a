import { cpuBetween, snapshotCpu, type CpuSnapshot } from '../cpu';

// Who used the two cores during a window. Everything in this benchmark shares them: the Next.js
// server, PostgreSQL, A's client (this process) and B's flood client. The figures say where the
// flood's cost landed and whether something outside the benchmark was busy too.
//
// ../cpu counts a process and its direct children (it was written for a postmaster and its
// backends); that covers `next start` and the server process it may fork, and the flood process.

export interface CpuSplitSnapshot {
  self: CpuSnapshot;
  next: CpuSnapshot;
  flood: CpuSnapshot;
}

/** Cores used on average over the window (1 = one core busy all the time). */
export interface CpuSplit {
  next: number;
  postgres: number | undefined;
  quietClient: number;
  floodClient: number;
  /** The whole machine's busy cores, and what is left after the four above: someone else. */
  machine: number | undefined;
  other: number | undefined;
  /** CPU-milliseconds, for per-request figures. */
  nextMs: number;
  postgresMs: number | undefined;
}

export interface ProcessIds {
  postmaster: number | undefined;
  next: number;
  flood: number;
}

export function snapshotSplit(pids: ProcessIds): CpuSplitSnapshot {
  return { self: snapshotCpu(pids.postmaster), next: snapshotCpu(pids.next), flood: snapshotCpu(pids.flood) };
}

export function cpuSplitBetween(start: CpuSplitSnapshot, end: CpuSplitSnapshot, elapsedMs: number): CpuSplit {
  const self = cpuBetween(start.self, end.self);
  const nextMs = cpuBetween(start.next, end.next).postgresMs ?? 0;
  const floodMs = cpuBetween(start.flood, end.flood).postgresMs ?? 0;
  const machineMs = self.machine?.busyMs;
  const known = nextMs + (self.postgresMs ?? 0) + self.nodeMs + floodMs;
  return {
    next: nextMs / elapsedMs,
    postgres: self.postgresMs === undefined ? undefined : self.postgresMs / elapsedMs,
    quietClient: self.nodeMs / elapsedMs,
    floodClient: floodMs / elapsedMs,
    machine: machineMs === undefined ? undefined : machineMs / elapsedMs,
    other: machineMs === undefined || self.postgresMs === undefined ? undefined : Math.max(0, machineMs - known) / elapsedMs,
    nextMs,
    postgresMs: self.postgresMs,
  };
}
