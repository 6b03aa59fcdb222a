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
import { listCustomers } from '@/lib/customers/service';
import { field, type QueryValues } from '@/lib/page-query';
import { MAX_SEARCH } from '@/lib/pagination';

import { openListPage, type ListPageProps } from '../list-page';

export const metadata: Metadata = { title: 'Customers' };

const QUERY = { q: field.text(MAX_SEARCH), cursor: field.cursor(), archived: field.flag('1') };
type Search = QueryValues<typeof QUERY>;

export default async function CustomersPage(props: ListPageProps) {
  const { slug, access, search, problems } = await openListPage(props, QUERY, 'customers.view');
  return (
    <ListPage
      title="Customers"
      description="The people and companies you sell to."
      create={can(access.role, 'customers.create') ? { href: `/t/${slug}/customers/new`, label: 'New customer' } : undefined}
      filters={
        <ListSearch
          query={search.q}
          archived={search.archived ? '1' : undefined}
          placeholder="Search name, email or company"
          label="Search customers"
        />
      }
      problems={problems}
      query={search}
      loading={{ label: 'Loading customers…', columns: 4 }}
    >
      <CustomerList slug={slug} search={search} />
    </ListPage>
  );
}

/** Streams in after the header and search; opens its own tenant context (none flows into it). */
async function CustomerList({ slug, search: { q, cursor, archived } }: { slug: string; search: Search }) {
  return orUnavailable(
    tenantPage(slug, 'customers.view', async (access) => {
      const page = await listCustomers({ search: q, cursor, archived: Boolean(archived) });
      const base = `/t/${slug}/customers`;
      return (
        <>
          <div className="mt-6 overflow-x-auto">
            {page.items.length === 0 ? (
              <EmptyState title={q ? 'No customer matches your search.' : 'No customers yet.'}>
                {can(access.role, 'customers.create') ? 'Add your first customer to start taking orders.' : null}
              </EmptyState>
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>Name</TableHead>
                    <TableHead>Email</TableHead>
                    <TableHead>Company</TableHead>
                    <TableHead className="text-right">Orders</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {page.items.map((c) => (
                    <TableRow key={c.id} className="hover:bg-muted">
                      <TableCell>
                        <Link href={`${base}/${c.id}`} className="font-medium text-foreground hover:underline">
                          {c.name}
                        </Link>{' '}
                        {c.archivedAt ? <StatusBadge status="archived" /> : null}
                      </TableCell>
                      <TableCell>{c.email}</TableCell>
                      <TableCell>{c.company}</TableCell>
                      <TableCell className="text-right tabular-nums">{c._count.orders}</TableCell>
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
