import type { ReportRange } from './report';

/** Shaped like a day; whether it is one is the report's check (isCalendarDay), with its message. */
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A report's buckets: days, ISO weeks (from Monday) or months of the tenant's calendar. */
export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** The report range from a URL's query, defaulting to the last twelve months by month. */
export function rangeFromSearch(search: Record<string, string | undefined>, today = new Date()): ReportRange {
  const granularity = GRANULARITIES.find((g) => g === search.granularity) ?? 'month';
  const to = search.to && DAY.test(search.to) ? search.to : today.toISOString().slice(0, 10);
  const defaultFrom = new Date(Date.UTC(today.getUTCFullYear() - 1, today.getUTCMonth() + 1, 1)).toISOString().slice(0, 10);
  const from = search.from && DAY.test(search.from) ? search.from : defaultFrom;
  return { from, to, granularity };
}
