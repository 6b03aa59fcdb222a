import type { Metadata } from 'next';
import Link from 'next/link';
import { forbidden } from 'next/navigation';
import { Suspense } from 'react';

import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { LinkButton } from '@/components/ui/link-button';
import { NextPageLink } from '@/components/ui/next-page-link';
import { PageHeader } from '@/components/ui/page-header';
import { QueryProblems } from '@/components/ui/query-problems';
import { Select } from '@/components/ui/select';
import { Skeleton, SkeletonTable } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantAccess, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { formatMoney } from '@/lib/money';
import { DEFAULT_ORDER_SORT, ORDER_SORTS, type OrderFilters, type OrderSort } from '@/lib/orders/schema';
import { listOrders } from '@/lib/orders/service';
import { ORDER_STATUSES, orderStatusLabel } from '@/lib/orders/status';
import { field, parsePageQuery, type QueryValues, type SearchParams } from '@/lib/page-query';
import { MAX_SEARCH } from '@/lib/pagination';

export const metadata: Metadata = { title: 'Orders' };

// Drafts last: orders start as pending (lib/orders/service.ts), so a draft is the rare one.
const STATUSES = [...ORDER_STATUSES.filter((s) => s !== 'draft'), 'draft' as const];
const SORTS: Record<OrderSort, string> = {
  placed_desc: 'Newest first',
  placed_asc: 'Oldest first',
  total_desc: 'Largest total',
  total_asc: 'Smallest total',
};
// The service's filters (lib/orders/schema.ts), read from the address through parsePageQuery.
const QUERY = {
  q: field.text(MAX_SEARCH),
  status: field.oneOf(STATUSES),
  from: field.day(),
  to: field.day(),
  sort: field.oneOf(ORDER_SORTS),
  cursor: field.cursor(),
};
type Search = QueryValues<typeof QUERY>;

/** A filter's caption above its control. */
const filterLabel = 'text-xs font-normal text-muted-foreground';

/**
 * The valid part of the address's query as the service's filters (anything malformed was ignored,
 * and said so, never passed on): `q` is the search, and the sort is spelt out for the next-page link.
 */
function filtersFrom({ q, ...search }: Search): OrderFilters & { sort: OrderSort } {
  return { ...search, search: q, sort: search.sort ?? DEFAULT_ORDER_SORT };
}

export default async function OrdersPage({
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
  if (!can(access.role, 'orders.view')) forbidden();
  const filters = filtersFrom(search);
  const base = `/t/${slug}/orders`;
  return (
    <div>
      <PageHeader
        title="Orders"
        description="Every order of this workspace."
        actions={can(access.role, 'orders.create') ? <LinkButton href={`${base}/new`}>New order</LinkButton> : null}
      />
      <form className="mt-6 flex flex-wrap items-end gap-3" role="search" aria-label="Filter orders">
        <Label className={filterLabel}>
          Search
          <Input name="q" defaultValue={search.q} placeholder="#1042, customer name or email" className="mt-1 w-64" />
        </Label>
        <Label className={filterLabel}>
          Status
          <Select name="status" defaultValue={filters.status ?? ''} className="mt-1 w-auto">
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {orderStatusLabel(s)}
              </option>
            ))}
          </Select>
        </Label>
        <Label className={filterLabel}>
          From
          <Input type="date" name="from" defaultValue={search.from} className="mt-1 w-auto" />
        </Label>
        <Label className={filterLabel}>
          To
          <Input type="date" name="to" defaultValue={search.to} className="mt-1 w-auto" />
        </Label>
        <Label className={filterLabel}>
          Sort
          <Select name="sort" defaultValue={filters.sort} className="mt-1 w-auto">
            {Object.entries(SORTS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </Select>
        </Label>
        <Button variant="outline">Apply</Button>
      </form>
      <QueryProblems problems={problems} />
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
  return orUnavailable(
    tenantPage(slug, 'orders.view', async () => {
      const page = await listOrders(filters);
      const base = `/t/${slug}/orders`;
      return (
        <>
          <div className="mt-6">
            {page.items.length === 0 ? (
              <EmptyState title="No orders match.">Change the filters, or create an order.</EmptyState>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Order</TableHead>
                    <TableHead>Placed</TableHead>
                    <TableHead>Customer</TableHead>
                    <TableHead>Status</TableHead>
                    <TableHead className="text-right">Total</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {page.items.map((o) => (
                    <TableRow key={o.id}>
                      <TableCell>
                        <Link href={`${base}/${o.id}`} className="font-medium text-foreground hover:underline">
                          #{o.number}
                        </Link>
                      </TableCell>
                      <TableCell>{o.placedAt.toISOString().slice(0, 10)}</TableCell>
                      <TableCell>
                        {o.customer.name} <span className="text-xs text-muted-foreground">{o.customer.email}</span>
                      </TableCell>
                      <TableCell>
                        <StatusBadge status={o.status} />
                      </TableCell>
                      <TableCell className="text-right tabular-nums">{formatMoney(o.total, o.currency)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </div>
          <NextPageLink
            basePath={base}
            params={{ q: search.q, status: filters.status, from: search.from, to: search.to, sort: filters.sort }}
            cursor={page.nextCursor}
          />
        </>
      );
    }),
  );
}
