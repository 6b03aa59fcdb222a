import { describe, expect, it } from 'vitest';

import { slugify, slugSchema } from './slug';

describe('tenant slugs', () => {
  it.each([
    ['Acme Corp', 'acme-corp'],
    ['  Ünïcödé — Shop!! ', 'unicode-shop'],
    ['---', ''],
  ])('slugify(%j) is %j', (name, slug) => expect(slugify(name)).toBe(slug));

  it.each(['acme', 'a1', 'acme-corp', 'x'.repeat(48)])('accepts %s', (slug) => expect(slugSchema.safeParse(slug).success).toBe(true));

  it.each([
    ['a', 'at least 2'],
    ['-acme', 'starting and ending'],
    ['acme-', 'starting and ending'],
    ['ac me', 'lower-case letters'],
    ['admin', 'reserved'],
    ['sign-in', 'reserved'],
    ['x'.repeat(49), 'at most 48'],
  ])('refuses %j with a message that says why', (slug, message) => {
    const result = slugSchema.safeParse(slug);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.message).join(' ')).toContain(message);
  });
});
