import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { Suspense } from 'react';

import { EmptyState } from '@/components/ui/empty-state';
import { LinkButton } from '@/components/ui/link-button';
import { ListSearch } from '@/components/ui/list-search';
import { NextPageLink } from '@/components/ui/next-page-link';
import { PageHeader } from '@/components/ui/page-header';
import { QueryProblems } from '@/components/ui/query-problems';
import { Skeleton, SkeletonTable } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantAccess, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { formatMoney } from '@/lib/money';
import { field, parsePageQuery, type QueryValues, type SearchParams } from '@/lib/page-query';
import { listProducts } from '@/lib/products/service';
import { tenantSettings } from '@/lib/settings/service';

export const metadata: Metadata = { title: 'Products' };

// Read through parsePageQuery: a malformed value is ignored (and said so), never passed on.
const QUERY = { q: field.text(120), cursor: field.cursor(), archived: field.flag('1') };
type Search = QueryValues<typeof QUERY>;

export default async function ProductsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { values: search, problems } = parsePageQuery(await searchParams, QUERY);
  // Decided before anything streams: another tenant's slug must be a real 404, a missing permission a real 403.
  const access = await tenantAccess(slug);
  if (!can(access.role, 'products.view')) forbidden();
  const base = `/t/${slug}/products`;
  return (
    <div>
      <PageHeader
        title="Products"
        description="What you sell, at list price."
        actions={can(access.role, 'products.create') ? <LinkButton href={`${base}/new`}>New product</LinkButton> : null}
      />
      <ListSearch query={search.q} archived={search.archived ? '1' : undefined} placeholder="Search name or SKU" label="Search products" />
      <QueryProblems problems={problems} />
      <Suspense
        key={JSON.stringify(search)}
        fallback={
          <Skeleton label="Loading products…" className="mt-6">
            <SkeletonTable rows={12} cols={3} />
          </Skeleton>
        }
      >
        <ProductList slug={slug} search={search} />
      </Suspense>
    </div>
  );
}

/** Streams in after the header and search; opens its own tenant context (none flows into it). */
async function ProductList({ slug, search: { q, cursor, archived } }: { slug: string; search: Search }) {
  return orUnavailable(
    tenantPage(slug, 'products.view', async () => {
      const [page, tenant] = await Promise.all([listProducts({ search: q, cursor, archived: Boolean(archived) }), tenantSettings()]);
      const base = `/t/${slug}/products`;
      return (
        <>
          <div className="mt-6 overflow-x-auto">
            {page.items.length === 0 ? (
              <EmptyState title={q ? 'No product matches your search.' : 'No products yet.'} />
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Name</TableHead>
                    <TableHead>SKU</TableHead>
                    <TableHead className="text-right">Price</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {page.items.map((p) => (
                    <TableRow key={p.id} className="hover:bg-muted">
                      <TableCell>
                        <Link href={`${base}/${p.id}`} className="font-medium text-foreground hover:underline">
                          {p.name}
                        </Link>{' '}
                        {p.archivedAt ? <StatusBadge status="archived" /> : null}
                      </TableCell>
                      <TableCell className="font-mono text-xs">{p.sku}</TableCell>
                      <TableCell className="text-right tabular-nums">{formatMoney(p.unitPrice, tenant.currency)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </div>
          <NextPageLink basePath={base} params={{ q, archived: archived ? '1' : undefined }} cursor={page.nextCursor} />
        </>
      );
    }),
  );
}
