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
import { listCustomers } from '@/lib/customers/service';

export const metadata: Metadata = { title: 'Customers' };

type Search = { q?: string; cursor?: string; archived?: string };

export default async function CustomersPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { tenant: slug } = await params;
  const search = await searchParams;
  // Decided before anything streams: another tenant's slug must be a real 404, a missing permission a real 403.
  const access = await tenantAccess(slug);
  if (!can(access.role, 'customers.view')) forbidden();
  const base = `/t/${slug}/customers`;
  return (
    <div>
      <PageHeader title="Customers" description="The people and companies you sell to." actions={can(access.role, 'customers.create') ? <LinkButton href={`${base}/new`}>New customer</LinkButton> : null} />
      <ListSearch query={search.q} archived={search.archived} placeholder="Search name, email or company" label="Search customers" />
      <Suspense
        key={JSON.stringify(search)}
        fallback={
          <Skeleton label="Loading customers…" className="mt-6">
            <SkeletonTable rows={12} cols={4} />
          </Skeleton>
        }
      >
        <CustomerList slug={slug} search={search} />
      </Suspense>
    </div>
  );
}

/** Streams in after the header and search; opens its own tenant context (none flows into it). */
async function CustomerList({ slug, search: { q, cursor, archived } }: { slug: string; search: Search }) {
  return orUnavailable(tenantPage(slug, 'customers.view', async (access) => {
    const page = await listCustomers({ search: q, cursor: cursor && /^[0-9a-f-]{36}$/.test(cursor) ? cursor : undefined, archived: archived === '1' });
    const base = `/t/${slug}/customers`;
    return (
      <>
        <div className="mt-6 overflow-x-auto">
          {page.items.length === 0 ? (
            <EmptyState title={q ? 'No customer matches your search.' : 'No customers yet.'}>{can(access.role, 'customers.create') ? 'Add your first customer to start taking orders.' : null}</EmptyState>
          ) : (
            <table className={t.table}>
              <thead className={t.head}>
                <tr>
                  <th className={t.th}>Name</th>
                  <th className={t.th}>Email</th>
                  <th className={t.th}>Company</th>
                  <th className={`${t.th} text-right`}>Orders</th>
                </tr>
              </thead>
              <tbody className={t.body}>
                {page.items.map((c) => (
                  <tr key={c.id} className="hover:bg-slate-50">
                    <td className={t.td}>
                      <Link href={`${base}/${c.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                        {c.name}
                      </Link>{' '}
                      {c.archivedAt ? <StatusBadge status="archived" /> : null}
                    </td>
                    <td className={t.td}>{c.email}</td>
                    <td className={t.td}>{c.company}</td>
                    <td className={t.num}>{c._count.orders}</td>
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
