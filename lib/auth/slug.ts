import { z } from 'zod';

// A tenant's URL name: /t/<slug>. Public (sign-up may say "taken"); what the 404 rule protects is
// the data behind it.

export const RESERVED_SLUGS = new Set([
  'admin',
  'api',
  'app',
  'auth',
  'billing',
  'dashboard',
  'dev',
  'docs',
  'help',
  'login',
  'logout',
  'new',
  'root',
  'settings',
  'sign-in',
  'sign-out',
  'sign-up',
  'signin',
  'signup',
  'static',
  'status',
  'support',
  'system',
  't',
  'tenants',
  'www',
]);

export function slugify(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/g, '');
}

export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2, 'Use at least 2 characters.')
  .max(48, 'Use at most 48 characters.')
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, 'Use lower-case letters, digits and dashes, starting and ending with a letter or digit.')
  .refine((slug) => !RESERVED_SLUGS.has(slug), 'This address is reserved. Choose another.');
