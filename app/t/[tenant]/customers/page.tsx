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
import { listCustomers } from '@/lib/customers/service';
import { field, parsePageQuery, type QueryValues, type SearchParams } from '@/lib/page-query';

export const metadata: Metadata = { title: 'Customers' };

// Read through parsePageQuery: a malformed value is ignored (and said so), never passed on.
const QUERY = { q: field.text(120), cursor: field.cursor(), archived: field.flag('1') };
type Search = QueryValues<typeof QUERY>;

export default async function CustomersPage({
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
  if (!can(access.role, 'customers.view')) forbidden();
  const base = `/t/${slug}/customers`;
  return (
    <div>
      <PageHeader
        title="Customers"
        description="The people and companies you sell to."
        actions={can(access.role, 'customers.create') ? <LinkButton href={`${base}/new`}>New customer</LinkButton> : null}
      />
      <ListSearch
        query={search.q}
        archived={search.archived ? '1' : undefined}
        placeholder="Search name, email or company"
        label="Search customers"
      />
      <QueryProblems problems={problems} />
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
