// One money type: integer minor units (cents) in the tenant's single currency. Parsing and
// formatting live here and nowhere else.

/**
 * The largest amount anywhere — a price, a refund — in minor units: 1,000,000.00. Prices and
 * amounts are PostgreSQL integers (at most 2,147,483,647), and an order line multiplies the price
 * by up to 10,000; this bound keeps every single amount far inside the column, and it is the one
 * definition the forms (lib/validation.ts) and the API (lib/api/schemas.ts) share.
 */
export const MAX_MONEY_MINOR = 100_000_000;

/** Formats minor units as the tenant's currency, e.g. 123456 USD → "$1,234.56". */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(minor / 100);
}

/** "1,234.5" / "1234.50" → 123450 minor units; undefined for anything that is not an amount. */
export function parseMoney(input: string): number | undefined {
  const cleaned = input.trim().replace(/,/g, '');
  if (!/^\d{1,9}(\.\d{1,2})?$/.test(cleaned)) return undefined;
  const [whole, fraction = ''] = cleaned.split('.');
  return Number(whole) * 100 + Number(fraction.padEnd(2, '0'));
}

/** Minor units as a plain decimal string for form fields: 123450 → "1234.50". */
export function toDecimalString(minor: number): string {
  return (minor / 100).toFixed(2);
}
