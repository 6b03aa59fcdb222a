import type { Metadata } from 'next';
import Link from 'next/link';

import { EmptyState } from '@/components/ui/empty-state';
import { ListPage } from '@/components/ui/list-page';
import { ListSearch } from '@/components/ui/list-search';
import { NextPageLink } from '@/components/ui/next-page-link';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { formatMoney } from '@/lib/money';
import { field, type QueryValues } from '@/lib/page-query';
import { MAX_SEARCH } from '@/lib/pagination';
import { listProducts } from '@/lib/products/service';
import { tenantSettings } from '@/lib/settings/service';

import { openListPage, type ListPageProps } from '../list-page';

export const metadata: Metadata = { title: 'Products' };

const QUERY = { q: field.text(MAX_SEARCH), cursor: field.cursor(), archived: field.flag('1') };
type Search = QueryValues<typeof QUERY>;

export default async function ProductsPage(props: ListPageProps) {
  const { slug, access, search, problems } = await openListPage(props, QUERY, 'products.view');
  return (
    <ListPage
      title="Products"
      description="What you sell, at list price."
      create={can(access.role, 'products.create') ? { href: `/t/${slug}/products/new`, label: 'New product' } : undefined}
      filters={
        <ListSearch
          query={search.q}
          archived={search.archived ? '1' : undefined}
          placeholder="Search name or SKU"
          label="Search products"
        />
      }
      problems={problems}
      query={search}
      loading={{ label: 'Loading products…', columns: 3 }}
    >
      <ProductList slug={slug} search={search} />
    </ListPage>
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
