import { describe, expect, it } from 'vitest';

import { customerCreate, customerUpdate, orderRefund, productCreate, productUpdate } from '../api/schemas';
import { MAX_MONEY_MINOR, toDecimalString } from '../money';
import { MAX_VERSION, version } from '../validation';
import { customerInput, productInput, refundInput } from './schemas';

// Issue 12, finding 10: the form price allowed amounts that overflow products.unit_price (a
// PostgreSQL integer) and the form version had no upper bound — both reached the database and
// came back as a 500. One definition of each bound, used by the forms and by the API.

const INT4_MAX = 2_147_483_647;
const product = { sku: 'SKU-1', name: 'Widget' };
const formPrice = (unitPrice: string) => productInput.safeParse({ ...product, unitPrice });
const apiPrice = (unitPrice: number) => productCreate.safeParse({ ...product, unitPrice });

describe('money bounds', () => {
  it('fit the unit_price column (PostgreSQL integer)', () => {
    expect(MAX_MONEY_MINOR).toBeGreaterThan(0);
    expect(MAX_MONEY_MINOR).toBeLessThanOrEqual(INT4_MAX);
  });

  it.each(['21474836.48', '999999999.99', '100000000', '1,000,000.01'])(
    'the product form refuses %s with a message on the field',
    (value) => {
      const result = formPrice(value);
      expect(result.success).toBe(false);
      expect(result.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
        ['unitPrice', expect.stringMatching(/^Price must be at most /)],
      ]);
    },
  );

  it('the refund form refuses an amount over the bound', () => {
    const result = refundInput.safeParse({ id: '0190a1b2-0000-7000-8000-000000000001', amount: toDecimalString(MAX_MONEY_MINOR + 1) });
    expect(result.success).toBe(false);
  });

  it.each([0, 1, 1250, MAX_MONEY_MINOR - 1, MAX_MONEY_MINOR, MAX_MONEY_MINOR + 1, INT4_MAX, INT4_MAX + 1])(
    'form and API agree on %i minor units',
    (minor) => {
      const form = formPrice(toDecimalString(minor)).success;
      const api = apiPrice(minor).success;
      expect(form).toBe(api);
      expect(form).toBe(minor <= MAX_MONEY_MINOR);
      expect(orderRefund.safeParse({ amount: minor }).success).toBe(minor >= 1 && minor <= MAX_MONEY_MINOR);
    },
  );
});

describe('version bounds', () => {
  it('are those of a PostgreSQL integer', () => expect(MAX_VERSION).toBe(INT4_MAX));

  it.each([
    ['1', true],
    [String(INT4_MAX), true],
    [String(INT4_MAX + 1), false],
    ['99999999999999999999', false],
    ['0', false],
    ['-1', false],
    ['1.5', false],
    ['1e3', true],
    ['Infinity', false],
    ['NaN', false],
    ['', false],
  ])('the form version %j is accepted: %s', (raw, ok) => {
    expect(version.safeParse(raw).success).toBe(ok);
    // The API takes a JSON number; the same bounds decide.
    const n = Number(raw);
    if (raw !== '' && Number.isFinite(n)) {
      expect(productUpdate.safeParse({ version: n }).success).toBe(ok);
      expect(customerUpdate.safeParse({ version: n }).success).toBe(ok);
    }
  });
});

describe('text limits and the SKU rule', () => {
  // Issue 13: the forms and the API each spelt out these; both now build on the domain's schema.
  const customer = { name: 'Ann', email: 'ann@example.test' };
  const text = (field: string, length: number, ok: boolean) => ({ field, value: 'x'.repeat(length), label: `${length} characters`, ok });

  it.each([
    text('name', 120, true),
    text('name', 121, false),
    text('phone', 40, true),
    text('phone', 41, false),
    text('company', 121, false),
    text('notes', 2000, true),
    text('notes', 2001, false),
  ])('customer $field of $label: form and API agree (valid: $ok)', ({ field, value, ok }) => {
    expect(customerInput.safeParse({ ...customer, [field]: value }).success).toBe(ok);
    expect(customerCreate.safeParse({ ...customer, [field]: value }).success).toBe(ok);
  });

  it.each([
    { field: 'sku', value: 'A.b_c-9', label: 'A.b_c-9', ok: true },
    { field: 'sku', value: 'has space', label: 'has space', ok: false },
    { field: 'sku', value: 'ünï', label: 'ünï', ok: false },
    text('sku', 64, true),
    text('sku', 65, false),
    text('name', 121, false),
    text('description', 2000, true),
    text('description', 2001, false),
  ])('product $field of $label: form and API agree, with the same message (valid: $ok)', ({ field, value, ok }) => {
    const form = productInput.safeParse({ ...product, unitPrice: '12.50', [field]: value });
    const api = productCreate.safeParse({ ...product, unitPrice: 1250, [field]: value });
    expect(form.success).toBe(ok);
    expect(api.success).toBe(ok);
    expect(form.error?.issues.map((i) => i.message)).toEqual(api.error?.issues.map((i) => i.message));
  });
});
