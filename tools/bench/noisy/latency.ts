import { percentile } from '../measure';

// Latencies are kept raw (one number per response) rather than in autocannon's histogram: rounds
// of the same phase are merged before percentiles are taken, and autocannon's coordinated-omission
// correction for rate-capped runs would add synthetic samples (its expected interval is
// ceil(1 / rate) ms, i.e. 1 ms, far below any real response time here).

export interface LatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
  maxMs: number;
}

export function summarizeLatencies(values: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  const total = values.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50Ms: percentile(sorted, 0.5),
    p99Ms: percentile(sorted, 0.99),
    meanMs: sorted.length === 0 ? Number.NaN : total / sorted.length,
    maxMs: sorted.length === 0 ? Number.NaN : sorted[sorted.length - 1]!,
  };
}
