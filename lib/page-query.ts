import { isCalendarDay } from './calendar';

// The query string of a page (its filters, its page cursor) is whatever the address bar says: a
// month 13, a repeated parameter (which Next.js hands over as an array), a NUL byte, ten thousand
// characters. parsePageQuery reads the fields a page declares, keeps the valid ones, and lists the
// others as problems that the page shows (components/ui/query-problems.tsx) instead of passing
// them on — nothing invalid reaches the database, and nothing here throws.

/** What Next.js passes as a page's `searchParams`. */
export type SearchParams = Record<string, string | string[] | undefined>;

export interface QueryProblem {
  /** The parameter's name. */
  param: string;
  /** Why it was ignored, for people: "not a calendar date (use YYYY-MM-DD)". */
  reason: string;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; reason: string };
export type QueryField<T> = (raw: string) => Outcome<T>;

const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
const fail = (reason: string): Outcome<never> => ({ ok: false, reason });
// C0 controls (NUL included, which PostgreSQL text cannot hold), DEL and C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The kinds of query field. */
export const field = {
  /** Free text (a search), trimmed. */
  text:
    (max = 120): QueryField<string> =>
    (raw) =>
      CONTROL.test(raw) ? fail('contains control characters') : raw.length > max ? fail(`longer than ${max} characters`) : ok(raw.trim()),
  /** One of a fixed set of values. */
  oneOf:
    <T extends string>(values: readonly T[]): QueryField<T> =>
    (raw) =>
      (values as readonly string[]).includes(raw) ? ok(raw as T) : fail(`not one of ${values.join(', ')}`),
  /** A day of the calendar, YYYY-MM-DD (2026-13-01 and 2026-02-30 are not). */
  day: (): QueryField<string> => (raw) => (isCalendarDay(raw) ? ok(raw) : fail('not a calendar date (use YYYY-MM-DD)')),
  /** The id a "next page" link carries. */
  cursor: (): QueryField<string> => (raw) => (UUID.test(raw) ? ok(raw.toLowerCase()) : fail('not a page of this list')),
  /** A checkbox: present with its value, or absent. */
  flag:
    (value = '1'): QueryField<boolean> =>
    (raw) =>
      raw === value ? ok(true) : fail(`use ${value} or leave it out`),
};

export type QueryValues<S extends Record<string, QueryField<unknown>>> = { [K in keyof S]?: S[K] extends QueryField<infer T> ? T : never };

/**
 * The declared fields of `search`, each valid or absent, and a problem for each one given but
 * invalid. Empty values are absent (an empty form field), undeclared parameters are ignored.
 */
export function parsePageQuery<S extends Record<string, QueryField<unknown>>>(
  search: SearchParams | undefined,
  fields: S,
): { values: QueryValues<S>; problems: QueryProblem[] } {
  const values: Record<string, unknown> = {};
  const problems: QueryProblem[] = [];
  for (const [param, parse] of Object.entries(fields)) {
    const raw = search && Object.hasOwn(search, param) ? search[param] : undefined;
    if (raw === undefined || raw === '') continue;
    if (typeof raw !== 'string') {
      problems.push({ param, reason: 'given more than once' });
      continue;
    }
    const outcome = parse(raw);
    if (outcome.ok) values[param] = outcome.value;
    else problems.push({ param, reason: outcome.reason });
  }
  return { values: values as QueryValues<S>, problems };
}
