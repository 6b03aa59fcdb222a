import type { AnswerCounts, OwnershipData } from './checks';

// What the benchmark and its flood process say to each other over the IPC channel.

export interface FloodSettings {
  baseUrl: string;
  /** The flooding tenant's keys, used in turn, request by request. */
  apiKeys: string[];
  connections: number;
  ownership: OwnershipData;
}

/** Cumulative counts since the flood started: two marks bracket a window. */
export interface FloodMark {
  atMs: number;
  responses: number;
  statuses: Record<string, number>;
  /** CPU this process used since the flood started (user + system). */
  cpuMs: number;
}

export interface FloodResult {
  elapsedMs: number;
  responses: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  answers: AnswerCounts;
  /** Time to each 429, and to each 200 (the few the plan lets through), as the flood client saw them. */
  rateLimitedMs: number[];
  servedMs: number[];
  firstUnexpected?: string;
}

export type ToFlood = { type: 'configure'; settings: FloodSettings } | { type: 'start' } | { type: 'mark' } | { type: 'stop' };

export type FromFlood =
  | { type: 'ready' }
  | { type: 'configured' }
  | { type: 'started' }
  | { type: 'mark'; mark: FloodMark }
  | { type: 'result'; result: FloodResult }
  | { type: 'failed'; message: string };
