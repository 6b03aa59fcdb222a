import { describe, expect, it } from 'vitest';

import { formatMoney, parseMoney, toDecimalString } from './money';

describe('money', () => {
  it.each([
    ['12', 1200],
    ['12.5', 1250],
    ['12.05', 1205],
    ['1,234.56', 123456],
    ['0', 0],
  ])('parses %j as %i minor units', (input, minor) => expect(parseMoney(input)).toBe(minor));

  it.each(['', '-1', '1.234', 'abc', '1e3', '12.', '.5'])('refuses %j', (input) => expect(parseMoney(input)).toBeUndefined());

  it('formats and round-trips', () => {
    expect(formatMoney(123456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(700, 'EUR')).toBe('€7.00');
    expect(parseMoney(toDecimalString(98765))).toBe(98765);
  });
});
