import { z } from 'zod';

// The app's lists. Keyset ("cursor") pagination: the page after the row with id X, by a stable
// order that ends with the id. Cheap at any depth, unlike OFFSET, and stable while rows are added.

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

/**
 * The findMany arguments of one page: after the row `cursor` names (its composite key, from the
 * tenant client's $key), one row more than the page, for toPage() to learn whether another follows.
 */
export function pageAfter<Key>(db: { $key(id: string): Key }, cursor: string | undefined) {
  return { take: PAGE_SIZE + 1, ...(cursor ? { cursor: db.$key(cursor), skip: 1 } : {}) };
}

// Customers and products are the catalogue: listed by name, searched in a few text columns,
// archived rather than deleted (their orders keep them). Both lists take the same query, the one
// the API's catalogueListQuery parses (lib/api/schemas.ts).

export interface CatalogueQuery {
  /** Looked for, case-insensitively, in the list's search fields. */
  search?: string;
  cursor?: string;
  /** The archived records instead of the active ones. */
  archived?: boolean;
}

/** The findMany arguments of a catalogue page: active (or archived) rows, matching the search, by name. */
export function cataloguePage<Field extends string, Key>(db: { $key(id: string): Key }, query: CatalogueQuery, searchFields: Field[]) {
  const search = query.search?.trim();
  return {
    where: {
      archivedAt: query.archived ? { not: null } : null,
      ...(search ? { OR: searchFields.map((field) => contains(field, search)) } : {}),
    },
    orderBy: [{ name: 'asc' as const }, { id: 'asc' as const }],
    ...pageAfter(db, query.cursor),
  };
}

/** `field` contains `text`, ignoring case: one branch of a search's OR. */
function contains<Field extends string>(field: Field, text: string) {
  return { [field]: { contains: text, mode: 'insensitive' } } as { [F in Field]?: { contains: string; mode: 'insensitive' } };
}
