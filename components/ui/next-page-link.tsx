import { LinkButton } from './link-button';

/** "Next page" for keyset pagination: keeps the current filters, swaps the cursor. */
export function NextPageLink({
  basePath,
  params,
  cursor,
}: {
  basePath: string;
  params: Record<string, string | undefined>;
  cursor?: string;
}) {
  if (!cursor) return null;
  const query = new URLSearchParams(Object.entries({ ...params, cursor }).filter((e): e is [string, string] => Boolean(e[1])));
  return (
    <div className="mt-4 flex justify-end">
      <LinkButton href={`${basePath}?${query}`} variant="outline">
        Next page →
      </LinkButton>
    </div>
  );
}
