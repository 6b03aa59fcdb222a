import { addAnswerCounts, emptyAnswerCounts, type AnswerCounts } from './checks';
import type { CpuSplit } from './cpu';
import type { FloodResult } from './flood-protocol';
import { summarizeLatencies, type LatencySummary } from './latency';
import type { TenantTrafficWindow } from './tenant-traffic';

// From timed windows to the figures the report states: per phase, A's latency over all its
// rounds' responses merged; B's rate and refusal share over the same seconds; where the CPU went;
// and, from the difference between the phases, what one refused request of B costs.

export type PhaseKind = 'quiet' | 'flood';

/** B's side of one flood window: counted between two marks that bracket A's window. */
export interface FloodWindow {
  requests: number;
  seconds: number;
  statuses: Record<string, number>;
  clientCpuMs: number;
  /** The whole flood, lead-in included: latencies and checked answers. */
  result: FloodResult;
}

export interface MeasuredWindow {
  round: number;
  phase: PhaseKind;
  traffic: TenantTrafficWindow;
  flood: FloodWindow | undefined;
  cpu: CpuSplit;
  /** Wall time between the CPU snapshots. */
  cpuSeconds: number;
  /** Transactions committed or rolled back in the database during the window (pg_stat_database). */
  transactions: number | undefined;
}

export interface FloodSummary {
  requests: number;
  requestsPerSecond: number;
  rateLimited: number;
  rateLimitedShare: number;
  served: number;
  otherStatuses: Record<string, number>;
  rateLimitedLatency: LatencySummary;
  servedLatency: LatencySummary;
  errors: number;
  timeouts: number;
}

export interface PhaseSummary {
  windows: number;
  seconds: number;
  latency: { all: LatencySummary; list: LatencySummary; detail: LatencySummary };
  responses: number;
  requestsPerSecond: number;
  /** A's responses that were not 200, by status. */
  refusals: Record<string, number>;
  errors: number;
  timeouts: number;
  /** Average cores over the phase's windows, weighted by their length. */
  cores: {
    next: number;
    postgres: number | undefined;
    quietClient: number;
    floodClient: number;
    machine: number | undefined;
    other: number | undefined;
  };
  /** The most any single window saw used by processes outside the benchmark. */
  worstOtherCores: number | undefined;
  nextCpuMs: number;
  postgresCpuMs: number | undefined;
  transactions: number | undefined;
  flood: FloodSummary | undefined;
}

/** What one request costs the shared server and database, on average. */
export interface RequestCost {
  nextCpuMs: number;
  postgresCpuMs: number | undefined;
  transactions: number | undefined;
  latency: LatencySummary;
}

const sumOf = (values: number[]) => values.reduce((sum, value) => sum + value, 0);
const sumDefined = (values: (number | undefined)[]) =>
  values.some((value) => value === undefined) ? undefined : sumOf(values as number[]);

function mergeStatuses(into: Record<string, number>, from: Record<string, number>, except?: string): void {
  for (const [status, count] of Object.entries(from)) if (status !== except) into[status] = (into[status] ?? 0) + count;
}

export function summarizePhase(windows: MeasuredWindow[]): PhaseSummary {
  const seconds = sumOf(windows.map((w) => w.traffic.elapsedMs)) / 1000;
  const cpuSeconds = sumOf(windows.map((w) => w.cpuSeconds));
  const weighted = (pick: (cpu: CpuSplit) => number | undefined) => {
    const parts = windows.map((w) => {
      const value = pick(w.cpu);
      return value === undefined ? undefined : value * w.cpuSeconds;
    });
    const total = sumDefined(parts);
    return total === undefined ? undefined : total / cpuSeconds;
  };
  const refusals: Record<string, number> = {};
  for (const w of windows) mergeStatuses(refusals, w.traffic.statuses, '200');
  const responses = sumOf(windows.map((w) => w.traffic.responses));
  const others = windows.map((w) => w.cpu.other);
  return {
    windows: windows.length,
    seconds,
    latency: {
      all: summarizeLatencies(windows.flatMap((w) => [...w.traffic.latenciesMs.list, ...w.traffic.latenciesMs.detail])),
      list: summarizeLatencies(windows.flatMap((w) => w.traffic.latenciesMs.list)),
      detail: summarizeLatencies(windows.flatMap((w) => w.traffic.latenciesMs.detail)),
    },
    responses,
    requestsPerSecond: responses / seconds,
    refusals,
    errors: sumOf(windows.map((w) => w.traffic.errors)),
    timeouts: sumOf(windows.map((w) => w.traffic.timeouts)),
    cores: {
      next: weighted((cpu) => cpu.next)!,
      postgres: weighted((cpu) => cpu.postgres),
      quietClient: weighted((cpu) => cpu.quietClient)!,
      floodClient: weighted((cpu) => cpu.floodClient)!,
      machine: weighted((cpu) => cpu.machine),
      other: weighted((cpu) => cpu.other),
    },
    worstOtherCores: others.some((value) => value === undefined) ? undefined : Math.max(...(others as number[])),
    nextCpuMs: sumOf(windows.map((w) => w.cpu.nextMs)),
    postgresCpuMs: sumDefined(windows.map((w) => w.cpu.postgresMs)),
    transactions: sumDefined(windows.map((w) => w.transactions)),
    flood: summarizeFlood(windows),
  };
}

function summarizeFlood(windows: MeasuredWindow[]): FloodSummary | undefined {
  const floods = windows.flatMap((w) => (w.flood ? [w.flood] : []));
  if (floods.length === 0) return undefined;
  const statuses: Record<string, number> = {};
  for (const flood of floods) mergeStatuses(statuses, flood.statuses);
  const requests = sumOf(floods.map((f) => f.requests));
  const rateLimited = statuses['429'] ?? 0;
  const served = statuses['200'] ?? 0;
  const otherStatuses = Object.fromEntries(Object.entries(statuses).filter(([status]) => status !== '429' && status !== '200'));
  return {
    requests,
    requestsPerSecond: requests / sumOf(floods.map((f) => f.seconds)),
    rateLimited,
    rateLimitedShare: requests === 0 ? 0 : rateLimited / requests,
    served,
    otherStatuses,
    rateLimitedLatency: summarizeLatencies(floods.flatMap((f) => f.result.rateLimitedMs)),
    servedLatency: summarizeLatencies(floods.flatMap((f) => f.result.servedMs)),
    errors: sumOf(floods.map((f) => f.result.errors)),
    timeouts: sumOf(floods.map((f) => f.result.timeouts)),
  };
}

/**
 * Per-request costs. A's come straight from the quiet phase. B's are what the flood phase used
 * beyond A's share (A's quiet cost per request times A's requests under the flood), divided by
 * B's requests: nearly all of them refusals.
 */
export function requestCosts(
  quiet: PhaseSummary,
  flood: PhaseSummary,
): { quietRequest: RequestCost; floodRequest: RequestCost | undefined } {
  const per = (total: number | undefined, count: number) => (total === undefined || count === 0 ? undefined : total / count);
  const quietRequest: RequestCost = {
    nextCpuMs: quiet.nextCpuMs / quiet.responses,
    postgresCpuMs: per(quiet.postgresCpuMs, quiet.responses),
    transactions: per(quiet.transactions, quiet.responses),
    latency: quiet.latency.all,
  };
  const b = flood.flood;
  if (!b || b.requests === 0) return { quietRequest, floodRequest: undefined };
  const beyondA = (total: number | undefined, perA: number | undefined) =>
    total === undefined || perA === undefined ? undefined : Math.max(0, total - perA * flood.responses) / b.requests;
  return {
    quietRequest,
    floodRequest: {
      nextCpuMs: beyondA(flood.nextCpuMs, quietRequest.nextCpuMs)!,
      postgresCpuMs: beyondA(flood.postgresCpuMs, quietRequest.postgresCpuMs),
      transactions: beyondA(flood.transactions, quietRequest.transactions),
      latency: b.rateLimitedLatency,
    },
  };
}

/** Every checked answer of the run, warm-up included: a wrong one never disappears with its window. */
export interface Correctness {
  quiet: AnswerCounts;
  noisy: AnswerCounts;
  /** 429s tenant A received: B's flood spending A's budget would show here. */
  quietRateLimited: number;
}

export function emptyCorrectness(): Correctness {
  return { quiet: emptyAnswerCounts(), noisy: emptyAnswerCounts(), quietRateLimited: 0 };
}

export function recordAnswers(into: Correctness, traffic: TenantTrafficWindow | undefined, flood: FloodResult | undefined): void {
  if (traffic) {
    addAnswerCounts(into.quiet, traffic.answers);
    into.quietRateLimited += traffic.statuses['429'] ?? 0;
  }
  if (flood) addAnswerCounts(into.noisy, flood.answers);
}

export const isolationHeld = (c: Correctness) =>
  c.quiet.foreign + c.quiet.wrong + c.noisy.foreign + c.noisy.wrong + c.quietRateLimited === 0;
