import type { ReportRange } from './report';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A report's buckets: days, ISO weeks (from Monday) or months of the tenant's calendar. */
export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/**
 * A YYYY-MM-DD that names a day of the calendar. Date.parse accepts 2026-02-30 (as 2 March) and
 * year 0000, both of which PostgreSQL refuses.
 */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value) || value < '0001-01-01') return false;
  const at = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(value);
}

/** The report range from a URL's query, defaulting to the last twelve months by month. */
export function rangeFromSearch(search: Record<string, string | undefined>, today = new Date()): ReportRange {
  const granularity = GRANULARITIES.find((g) => g === search.granularity) ?? 'month';
  const to = search.to && DAY.test(search.to) ? search.to : today.toISOString().slice(0, 10);
  const defaultFrom = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  const from = search.from && DAY.test(search.from) ? search.from : defaultFrom;
  return { from, to, granularity };
}
