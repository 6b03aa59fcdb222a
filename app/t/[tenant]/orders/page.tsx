import type { Metadata } from 'next';

import { OrdersTable } from '@/components/orders/orders-table';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { ListPage } from '@/components/ui/list-page';
import { NextPageLink } from '@/components/ui/next-page-link';
import { Select } from '@/components/ui/select';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { DEFAULT_ORDER_SORT, ORDER_SORTS, type OrderFilters, type OrderSort } from '@/lib/orders/schema';
import { listOrders } from '@/lib/orders/service';
import { ORDER_STATUSES, orderStatusLabel } from '@/lib/orders/status';
import { field, type QueryValues } from '@/lib/page-query';
import { MAX_SEARCH } from '@/lib/pagination';

import { openListPage, type ListPageProps } from '../list-page';

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

export default async function OrdersPage(props: ListPageProps) {
  const { slug, access, search, problems } = await openListPage(props, QUERY, 'orders.view');
  const filters = filtersFrom(search);
  return (
    <ListPage
      title="Orders"
      description="Every order of this workspace."
      create={can(access.role, 'orders.create') ? { href: `/t/${slug}/orders/new`, label: 'New order' } : undefined}
      filters={<OrderFilterForm search={search} filters={filters} />}
      problems={problems}
      query={search}
      loading={{ label: 'Loading orders…', columns: 5 }}
    >
      <OrderList slug={slug} filters={filters} search={search} />
    </ListPage>
  );
}

/** The filters as a form of GET parameters, showing the ones in force. */
function OrderFilterForm({ search, filters }: { search: Search; filters: OrderFilters & { sort: OrderSort } }) {
  return (
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
              <OrdersTable slug={slug} orders={page.items} variant="list" placed customer="name and email" />
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
