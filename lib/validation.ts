import { z } from 'zod';
import { parseMoney } from './money';

// Reusable fields with messages a person can act on (STYLE.md: zod in layers — fields here,
// per-operation schemas beside each action).

export const id = (what: string) => z.uuid(`Choose a valid ${what}.`);

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
      return minor;
    });

export const positiveMoney = (label = 'Amount') => money(label).refine((minor) => minor > 0, `${label} must be more than zero.`);

export const quantity = z.coerce.number({ message: 'Quantity must be a whole number.' }).int('Quantity must be a whole number.').min(1, 'Quantity must be at least 1.').max(10_000, 'Quantity must be at most 10,000.');

export const version = z.coerce.number().int().min(1);

/** Optional text: missing, empty or blank is stored as NULL. */
export const optionalText = (max: number, label: string) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .optional()
    .transform((value) => (value ? value : null));

export const requiredText = (max: number, label: string) =>
  z.string().trim().min(1, `Enter ${label.toLowerCase()}.`).max(max, `${label} must be at most ${max} characters.`);

export const email = z.string().trim().toLowerCase().email('Enter a valid email address.').max(320);
