import { z } from 'zod';

import { isCalendarDay } from './calendar';
import { MAX_MONEY_MINOR, parseMoney } from './money';

// Reusable fields with messages a person can act on. Validation is layered: the fields live here,
// each domain's schema is built from them (lib/customers/schema.ts, …), and the forms
// (lib/commerce/schemas.ts) and the API (lib/api/schemas.ts) build on the domain's.

/** A record a person chose in a form (a picker, a hidden field). */
export const id = (what: string) => z.uuid(`Choose a valid ${what}.`);
/** A record a program names (the API). */
export const uuidOf = (what: string) => z.uuid(`Give the id of a ${what} (a UUID).`);

export const money = (label = 'Amount') =>
  z
    .string()
    .trim()
    .transform((value, ctx) => {
      const minor = parseMoney(value);
      if (minor === undefined) {
        ctx.addIssue({ code: 'custom', message: `${label} must be a number like 12.50.` });
        return z.NEVER;
      }
      if (minor > MAX_MONEY_MINOR) {
        ctx.addIssue({
          code: 'custom',
          message: `${label} must be at most ${(MAX_MONEY_MINOR / 100).toLocaleString('en-US', { minimumFractionDigits: 2 })}.`,
        });
        return z.NEVER;
      }
      return minor;
    });

export const positiveMoney = (label = 'Amount') => money(label).refine((minor) => minor > 0, `${label} must be more than zero.`);

/** Money as the API takes it: a JSON integer of minor units (cents), with the same bound as money(). */
export const minorUnits = (label: string) =>
  z
    .number({ message: `${label} must be a number of minor units (cents), e.g. 1250 for 12.50.` })
    .int(`${label} must be a whole number of minor units (cents).`)
    .min(0, `${label} must not be negative.`)
    .max(MAX_MONEY_MINOR, `${label} must be at most ${MAX_MONEY_MINOR}.`);

// Bounds shared by the forms (which post text, hence z.coerce) and the API (JSON numbers): each
// `…Of` takes the base number schema and adds the one definition of the bounds.

export const MAX_QUANTITY = 10_000;
export const quantityOf = (base: z.ZodNumber) =>
  base
    .int('Quantity must be a whole number.')
    .min(1, 'Quantity must be at least 1.')
    .max(MAX_QUANTITY, `Quantity must be at most ${MAX_QUANTITY.toLocaleString('en-US')}.`);
export const quantity = quantityOf(z.coerce.number({ message: 'Quantity must be a whole number.' }));

/** Optimistic-concurrency versions are PostgreSQL integers: a larger number is a stale version, not a database error. */
export const MAX_VERSION = 2_147_483_647;
export const versionOf = (base: z.ZodNumber, message = 'Give the version you read (optimistic concurrency).') =>
  base.int(message).min(1, message).max(MAX_VERSION, message);
/** The hidden version field of an edit form: only a damaged or hand-made form gets it wrong. */
const STALE_FORM = 'This form is out of date. Reload the page and make your change again.';
export const version = versionOf(z.coerce.number({ message: STALE_FORM }), STALE_FORM);

/** Optional text: missing, null, empty or blank is stored as NULL (a form posts "", the API may send null). */
export const optionalText = (max: number, label: string) =>
  z
    .string({ message: `${label} must be a string.` })
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .nullish()
    .transform((value) => (value ? value : null));

export const requiredText = (max: number, label: string) =>
  z.string().trim().min(1, `Enter ${label.toLowerCase()}.`).max(max, `${label} must be at most ${max} characters.`);

export const email = z.string().trim().toLowerCase().email('Enter a valid email address.').max(320);

/** A day of the calendar, YYYY-MM-DD (2026-02-30 is not one). */
export const calendarDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'Use a date like 2026-01-31.')
  .refine(isCalendarDay, 'Not a calendar date.');
