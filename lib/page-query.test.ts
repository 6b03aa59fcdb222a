import { describe, expect, it } from 'vitest';

import { field, parsePageQuery, type SearchParams } from './page-query';

// Issue 12, finding 10: ?from=2026-13-01 on the orders page reached the database as an Invalid
// Date and answered 500. Every list page reads its query through parsePageQuery.

const ORDERS = {
  q: field.text(120),
  status: field.oneOf(['pending', 'paid'] as const),
  from: field.day(),
  to: field.day(),
  cursor: field.cursor(),
  archived: field.flag(),
};

describe('parsePageQuery', () => {
  it('keeps valid values', () => {
    const { values, problems } = parsePageQuery(
      { q: ' ada ', status: 'paid', from: '2026-01-31', to: '2026-02-28', cursor: '0190A1B2-0000-7000-8000-000000000001', archived: '1' },
      ORDERS,
    );
    expect(problems).toEqual([]);
    expect(values).toEqual({
      q: 'ada',
      status: 'paid',
      from: '2026-01-31',
      to: '2026-02-28',
      cursor: '0190a1b2-0000-7000-8000-000000000001',
      archived: true,
    });
  });

  it.each<[string, SearchParams, string]>([
    ['month 13', { from: '2026-13-01' }, 'from'],
    ['30 February', { to: '2026-02-30' }, 'to'],
    ['garbage', { to: 'garbage' }, 'to'],
    ['year 0', { from: '0000-01-01' }, 'from'],
    ['a six-digit year', { from: '202026-01-01' }, 'from'],
    ['a repeated status', { status: ['pending', 'paid'] }, 'status'],
    ['a repeated search', { q: ['a', 'b'] }, 'q'],
    ['an unknown status', { status: 'shipped' }, 'status'],
    ['a NUL byte', { q: 'a\u0000b' }, 'q'],
    ['a huge search', { q: 'x'.repeat(10_000) }, 'q'],
    ['36 dashes as a cursor', { cursor: '-'.repeat(36) }, 'cursor'],
    ['a number as a cursor', { cursor: '99999999999999999999' }, 'cursor'],
    ['archived=yes', { archived: 'yes' }, 'archived'],
  ])('ignores %s, and says so', (_name, search, param) => {
    const { values, problems } = parsePageQuery(search, ORDERS);
    expect(values).toEqual({});
    expect(problems).toEqual([{ param, reason: expect.any(String) }]);
  });

  it('ignores undeclared parameters and empty values without a problem', () => {
    expect(parsePageQuery({ page: '-1', utm_source: 'x', from: '', constructor: 'x' }, ORDERS)).toEqual({ values: {}, problems: [] });
    expect(parsePageQuery(undefined, ORDERS)).toEqual({ values: {}, problems: [] });
  });
});
