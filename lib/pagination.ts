import { z } from 'zod';

// Keyset ("cursor") pagination: the page after the row with id X, by a stable order that ends
// with the id. Cheap at any depth, unlike OFFSET, and stable while rows are added.

export const PAGE_SIZE = 25;

/** The longest search text a list takes, on its page and in the API. */
export const MAX_SEARCH = 120;

// The two query fields every list has; each list's query schema (lib/orders/schema.ts, the API's
// catalogue query) adds its own filters around them.

/** Where a list continues: the nextCursor of the page before. */
export const cursorQuery = z
  .uuid('cursor must be the nextCursor of a previous page.')
  .optional()
  .meta({ description: 'The nextCursor of the previous page; omit for the first page.' });

/** A list's search text; `description` says what it matches. */
export const searchQuery = (description: string) =>
  z.string().trim().max(MAX_SEARCH, `search must be at most ${MAX_SEARCH} characters.`).optional().meta({ description });

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Takes one row more than the page to learn whether a next page exists. */
export function toPage<T extends { id: string }>(rows: T[], size = PAGE_SIZE): Page<T> {
  const items = rows.slice(0, size);
  return { items, nextCursor: rows.length > size ? items.at(-1)?.id : undefined };
}
