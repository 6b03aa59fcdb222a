// Keyset ("cursor") pagination: the page after the row with id X, by a stable order that ends
// with the id. Cheap at any depth, unlike OFFSET, and stable while rows are added.

export const PAGE_SIZE = 25;

export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** Takes one row more than the page to learn whether a next page exists. */
export function toPage<T extends { id: string }>(rows: T[], size = PAGE_SIZE): Page<T> {
  const items = rows.slice(0, size);
  return { items, nextCursor: rows.length > size ? items.at(-1)?.id : undefined };
}
