import type { Metadata } from 'next';

import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { NextPageLink } from '@/components/ui/next-page-link';
import { PageHeader } from '@/components/ui/page-header';
import { QueryProblems } from '@/components/ui/query-problems';
import { Select } from '@/components/ui/select';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { orUnavailable } from '@/components/ui/unavailable';
import { listAuditEvents } from '@/lib/audit-log/service';
import { tenantPage } from '@/lib/auth/entry';
import { field, parsePageQuery, type SearchParams } from '@/lib/page-query';

export const metadata: Metadata = { title: 'Audit log' };

const AREAS = ['order', 'customer', 'product', 'member', 'tenant', 'api_key', 'billing'] as const;
// Read through parsePageQuery: a malformed value is ignored (and said so), never passed on.
const QUERY = { area: field.oneOf(AREAS), actor: field.text(100), cursor: field.cursor() };

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const {
    values: { area, actor, cursor },
    problems,
  } = parsePageQuery(await searchParams, QUERY);
  return orUnavailable(
    tenantPage(slug, 'audit.view', async () => {
      const page = await listAuditEvents({ action: area ? `${area}.` : undefined, actor, cursor });
      return (
        <div>
          <PageHeader title="Audit log" description="Who did what in this workspace, and when. Entries cannot be changed or deleted." />
          <form className="mt-6 flex flex-wrap items-end gap-3" role="search" aria-label="Filter the audit log">
            <Label className="text-xs font-normal text-muted-foreground">
              Area
              <Select name="area" defaultValue={area ?? ''} className="mt-1 w-auto">
                <option value="">All</option>
                {AREAS.map((a) => (
                  <option key={a} value={a}>
                    {a}
                  </option>
                ))}
              </Select>
            </Label>
            <Label className="text-xs font-normal text-muted-foreground">
              Actor
              <Input name="actor" defaultValue={actor} placeholder="email" className="mt-1 w-auto" />
            </Label>
            <Button variant="outline">Filter</Button>
          </form>
          <QueryProblems problems={problems} />
          <div className="mt-6">
            {page.items.length === 0 ? (
              <EmptyState title="No entries match." />
            ) : (
              <Table>
                <TableHeader>
                  <TableRow>
                    <TableHead>When (UTC)</TableHead>
                    <TableHead>Who</TableHead>
                    <TableHead>What</TableHead>
                    <TableHead>Details</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {page.items.map((e) => (
                    <TableRow key={e.id}>
                      <TableCell className="whitespace-nowrap">{e.createdAt.toISOString().slice(0, 19).replace('T', ' ')}</TableCell>
                      <TableCell>{e.actorLabel ?? e.actorType}</TableCell>
                      <TableCell className="font-mono text-xs">{e.action}</TableCell>
                      <TableCell className="max-w-md truncate font-mono text-xs text-muted-foreground" title={JSON.stringify(e.metadata)}>
                        {JSON.stringify(e.metadata)}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </div>
          <NextPageLink basePath={`/t/${slug}/audit`} params={{ area, actor }} cursor={page.nextCursor} />
        </div>
      );
    }),
    'page',
  );
}
