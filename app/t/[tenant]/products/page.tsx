import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { Suspense } from 'react';
import { EmptyState, LinkButton, NextPageLink, PageHeader, StatusBadge, tableClasses as t } from '@/components/ui/page';
import { ListSearch } from '@/components/ui/list-search';
import { Skeleton, SkeletonTable } from '@/components/ui/skeleton';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantAccess, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { formatMoney } from '@/lib/money';
import { listProducts } from '@/lib/products/service';
import { tenantDb } from '@/lib/tenancy';

export const metadata: Metadata = { title: 'Products' };

type Search = { q?: string; cursor?: string; archived?: string };

export default async function ProductsPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { tenant: slug } = await params;
  const search = await searchParams;
  // Decided before anything streams: another tenant's slug must be a real 404, a missing permission a real 403.
  const access = await tenantAccess(slug);
  if (!can(access.role, 'products.view')) forbidden();
  const base = `/t/${slug}/products`;
  return (
    <div>
      <PageHeader title="Products" description="What you sell, at list price." actions={can(access.role, 'products.create') ? <LinkButton href={`${base}/new`}>New product</LinkButton> : null} />
      <ListSearch query={search.q} archived={search.archived} placeholder="Search name or SKU" label="Search products" />
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
  return orUnavailable(tenantPage(slug, 'products.view', async () => {
    const [page, tenant] = await Promise.all([
      listProducts({ search: q, cursor: cursor && /^[0-9a-f-]{36}$/.test(cursor) ? cursor : undefined, archived: archived === '1' }),
      tenantDb().tenant.findFirstOrThrow({ select: { currency: true } }),
    ]);
    const base = `/t/${slug}/products`;
    return (
      <>
        <div className="mt-6 overflow-x-auto">
          {page.items.length === 0 ? (
            <EmptyState title={q ? 'No product matches your search.' : 'No products yet.'} />
          ) : (
            <table className={t.table}>
              <thead className={t.head}>
                <tr>
                  <th className={t.th}>Name</th>
                  <th className={t.th}>SKU</th>
                  <th className={`${t.th} text-right`}>Price</th>
                </tr>
              </thead>
              <tbody className={t.body}>
                {page.items.map((p) => (
                  <tr key={p.id} className="hover:bg-slate-50">
                    <td className={t.td}>
                      <Link href={`${base}/${p.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                        {p.name}
                      </Link>{' '}
                      {p.archivedAt ? <StatusBadge status="archived" /> : null}
                    </td>
                    <td className={`${t.td} font-mono text-xs`}>{p.sku}</td>
                    <td className={t.num}>{formatMoney(p.unitPrice, tenant.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <NextPageLink basePath={base} params={{ q, archived }} cursor={page.nextCursor} />
      </>
    );
  }));
}
