import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { Suspense } from 'react';
import { EmptyState, LinkButton, NextPageLink, PageHeader, StatusBadge, tableClasses as t } from '@/components/ui/page';
import { Skeleton, SkeletonTable } from '@/components/ui/skeleton';
import { orUnavailable } from '@/components/ui/unavailable';
import type { OrderStatus } from '@/lib/db/generated/client';
import { tenantAccess, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { formatMoney } from '@/lib/money';
import { listOrders, type OrderFilters, type OrderSort } from '@/lib/orders/service';

export const metadata: Metadata = { title: 'Orders' };

const STATUSES: OrderStatus[] = ['pending', 'paid', 'partially_refunded', 'refunded', 'cancelled', 'draft'];
const SORTS: Record<OrderSort, string> = { placed_desc: 'Newest first', placed_asc: 'Oldest first', total_desc: 'Largest total', total_asc: 'Smallest total' };
const DAY = /^\d{4}-\d{2}-\d{2}$/;

type Search = { q?: string; status?: string; from?: string; to?: string; sort?: string; cursor?: string };

/** Filters come from the URL: anything malformed is ignored rather than passed on. */
function filtersFrom(search: Search): OrderFilters & { sort: OrderSort } {
  return {
    status: STATUSES.includes(search.status as OrderStatus) ? (search.status as OrderStatus) : undefined,
    sort: search.sort && search.sort in SORTS ? (search.sort as OrderSort) : 'placed_desc',
    from: search.from && DAY.test(search.from) ? new Date(`${search.from}T00:00:00Z`) : undefined,
    to: search.to && DAY.test(search.to) ? new Date(Date.parse(`${search.to}T00:00:00Z`) + 86_400_000) : undefined,
    cursor: search.cursor && /^[0-9a-f-]{36}$/.test(search.cursor) ? search.cursor : undefined,
    search: search.q,
  };
}

export default async function OrdersPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { tenant: slug } = await params;
  const search = await searchParams;
  // Decided before anything streams: another tenant's slug must be a real 404, a missing permission a real 403.
  const access = await tenantAccess(slug);
  if (!can(access.role, 'orders.view')) forbidden();
  const filters = filtersFrom(search);
  const base = `/t/${slug}/orders`;
  return (
    <div>
      <PageHeader title="Orders" description="Every order of this workspace." actions={can(access.role, 'orders.create') ? <LinkButton href={`${base}/new`}>New order</LinkButton> : null} />
      <form className="mt-6 flex flex-wrap items-end gap-3" role="search" aria-label="Filter orders">
        <label className="text-xs text-slate-500">
          Search
          <input name="q" defaultValue={search.q} placeholder="#1042, customer name or email" className="mt-1 block w-64 rounded-lg border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset" />
        </label>
        <label className="text-xs text-slate-500">
          Status
          <select name="status" defaultValue={filters.status ?? ''} className="mt-1 block rounded-lg border-0 py-2 pl-3 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset">
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        <label className="text-xs text-slate-500">
          From
          <input type="date" name="from" defaultValue={search.from} className="mt-1 block rounded-lg border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset" />
        </label>
        <label className="text-xs text-slate-500">
          To
          <input type="date" name="to" defaultValue={search.to} className="mt-1 block rounded-lg border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset" />
        </label>
        <label className="text-xs text-slate-500">
          Sort
          <select name="sort" defaultValue={filters.sort} className="mt-1 block rounded-lg border-0 py-2 pl-3 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset">
            {Object.entries(SORTS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button className="rounded-lg bg-white px-3 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50">Apply</button>
      </form>
      <Suspense
        key={JSON.stringify(search)}
        fallback={
          <Skeleton label="Loading orders…" className="mt-6">
            <SkeletonTable rows={12} cols={5} />
          </Skeleton>
        }
      >
        <OrderList slug={slug} filters={filters} search={search} />
      </Suspense>
    </div>
  );
}

/** Streams in after the header and filters; opens its own tenant context (none flows into it). */
async function OrderList({ slug, filters, search }: { slug: string; filters: OrderFilters & { sort: OrderSort }; search: Search }) {
  return orUnavailable(tenantPage(slug, 'orders.view', async () => {
    const page = await listOrders(filters);
    const base = `/t/${slug}/orders`;
    return (
      <>
        <div className="mt-6 overflow-x-auto">
          {page.items.length === 0 ? (
            <EmptyState title="No orders match.">Change the filters, or create an order.</EmptyState>
          ) : (
            <table className={t.table}>
              <thead className={t.head}>
                <tr>
                  <th className={t.th}>Order</th>
                  <th className={t.th}>Placed</th>
                  <th className={t.th}>Customer</th>
                  <th className={t.th}>Status</th>
                  <th className={`${t.th} text-right`}>Total</th>
                </tr>
              </thead>
              <tbody className={t.body}>
                {page.items.map((o) => (
                  <tr key={o.id} className="hover:bg-slate-50">
                    <td className={t.td}>
                      <Link href={`${base}/${o.id}`} className="font-medium text-slate-900 hover:text-brand-700">
                        #{o.number}
                      </Link>
                    </td>
                    <td className={t.td}>{o.placedAt.toISOString().slice(0, 10)}</td>
                    <td className={t.td}>
                      {o.customer.name} <span className="text-xs text-slate-500">{o.customer.email}</span>
                    </td>
                    <td className={t.td}>
                      <StatusBadge status={o.status} />
                    </td>
                    <td className={t.num}>{formatMoney(o.total, o.currency)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <NextPageLink basePath={base} params={{ q: search.q, status: filters.status, from: search.from, to: search.to, sort: filters.sort }} cursor={page.nextCursor} />
      </>
    );
  }));
}
