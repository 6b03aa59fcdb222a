// Calendar days as the forms, the API and the reports exchange them: YYYY-MM-DD.

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A YYYY-MM-DD that names a day of the calendar. Date.parse accepts 2026-02-30 (as 2 March) and
 * year 0000, both of which PostgreSQL refuses.
 */
export function isCalendarDay(value: string): boolean {
  if (!DAY.test(value) || value < '0001-01-01') return false;
  const at = new Date(`${value}T00:00:00.000Z`);
  return !Number.isNaN(at.getTime()) && at.toISOString().startsWith(value);
}
