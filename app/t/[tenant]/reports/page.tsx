import type { Metadata } from 'next';
import { Suspense, type ReactNode } from 'react';

import { RevenueChart } from '@/components/reports/revenue-chart';
import { Alert } from '@/components/ui/alert';
import { Button, buttonVariants } from '@/components/ui/button';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { Input } from '@/components/ui/input';
import { Label } from '@/components/ui/label';
import { PageHeader } from '@/components/ui/page-header';
import { QueryProblems } from '@/components/ui/query-problems';
import { Select } from '@/components/ui/select';
import { Skeleton, SkeletonChart, SkeletonLine, SkeletonStatCards, SkeletonTable } from '@/components/ui/skeleton';
import { StatusBadge } from '@/components/ui/status-badge';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { GRANULARITIES, rangeFromSearch, type Granularity } from '@/lib/billing/range';
import { revenueReport, validateRange, type ReportRange } from '@/lib/billing/report';
import { AppError } from '@/lib/errors';
import { formatMoney } from '@/lib/money';
import { field, parsePageQuery, type QueryProblem, type QueryValues, type SearchParams } from '@/lib/page-query';
import { tenantSettings } from '@/lib/settings/service';

export const metadata: Metadata = { title: 'Revenue report' };

// Read through parsePageQuery: a malformed value is ignored (and said so), the default used instead.
const QUERY = { from: field.day(), to: field.day(), granularity: field.oneOf(GRANULARITIES) };
type Search = QueryValues<typeof QUERY>;

export default async function ReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<SearchParams>;
}) {
  const { tenant: slug } = await params;
  const { values, problems } = parsePageQuery(await searchParams, QUERY);
  // The header reads the workspace's settings before anything streams: if the workspace is busy
  // then, the notice stands in for the whole page.
  return orUnavailable(reportPage(slug, values, problems), 'page');
}

async function reportPage(slug: string, search: Search, problems: QueryProblem[]) {
  // Decided before anything streams: another tenant's slug must be a real 404, a missing permission
  // a real 403. The header states the tenant's currency and time zone, so they are read here too:
  // one row, while the slow part, the report itself, streams in below.
  const { access, settings } = await tenantPage(slug, 'reports.view', async (access) => ({
    access,
    settings: await tenantSettings(),
  }));
  const range = rangeFromSearch(search);
  try {
    validateRange(range);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return (
      <div>
        <PageHeader title="Revenue report" />
        <RangeForm range={range} />
        <QueryProblems problems={problems} />
        <Alert variant="destructive" className="mt-6 p-4" role="alert">
          {Object.values(error.fieldErrors ?? {})
            .flat()
            .join(' ') || error.detail}
        </Alert>
      </div>
    );
  }
  const query = new URLSearchParams({ from: range.from, to: range.to, granularity: range.granularity });
  return (
    <div className="space-y-6">
      <PageHeader
        title="Revenue report"
        description={`Payments received minus refunds, by ${range.granularity}, in ${settings.timezone} time. Amounts in ${settings.currency}.`}
        actions={
          can(access.role, 'reports.export') ? (
            <>
              <a className={buttonVariants({ variant: 'outline' })} href={`/t/${slug}/reports/revenue.csv?${query}`}>
                Download CSV
              </a>
              <a className={buttonVariants({ variant: 'outline' })} href={`/t/${slug}/reports/revenue.csv?${query}&table=customers`}>
                Customers CSV
              </a>
            </>
          ) : null
        }
      />
      <RangeForm range={range} />
      <QueryProblems problems={problems} />
      <Suspense key={JSON.stringify(search)} fallback={<ReportSkeleton />}>
        <Report slug={slug} range={range} />
      </Suspense>
    </div>
  );
}

/** Streams in after the header and range form; opens its own tenant context (none flows into it). */
async function Report({ slug, range }: { slug: string; range: ReportRange }) {
  return orUnavailable(
    tenantPage(slug, 'reports.view', async () => {
      const report = await revenueReport(range);
      const money = (minor: number) => formatMoney(minor, report.currency);
      return (
        <>
          <dl className="grid gap-4 sm:grid-cols-3">
            {[
              ['Gross', report.totals.gross],
              ['Refunds', report.totals.refunds],
              ['Net revenue', report.totals.net],
            ].map(([label, value]) => (
              <Card key={label} className="gap-1 px-5">
                <dt className="text-sm text-muted-foreground">{label}</dt>
                <dd className="text-2xl font-semibold tabular-nums" data-testid={`total-${String(label).toLowerCase().replace(' ', '-')}`}>
                  {money(value as number)}
                </dd>
              </Card>
            ))}
          </dl>
          <Card>
            <CardHeader>
              <CardTitle>By period</CardTitle>
            </CardHeader>
            <CardContent>
              {report.totals.payments + report.totals.refundCount === 0 ? (
                <EmptyState title="No payments or refunds in this range." />
              ) : (
                <RevenueChart data={report.buckets} currency={report.currency} />
              )}
              <div className="mt-4 max-h-96 overflow-auto" tabIndex={0} role="region" aria-label="Revenue by period, scrollable">
                <Table overflow="visible" aria-label="Revenue by period">
                  <TableHeader>
                    <TableRow>
                      <TableHead>{range.granularity} starting</TableHead>
                      <TableHead className="text-right">Gross</TableHead>
                      <TableHead className="text-right">Refunds</TableHead>
                      <TableHead className="text-right">Net</TableHead>
                      <TableHead className="text-right">Payments</TableHead>
                    </TableRow>
                  </TableHeader>
                  <TableBody>
                    {report.buckets.map((b) => (
                      <TableRow key={b.period}>
                        <TableCell>{b.period}</TableCell>
                        <TableCell className="text-right tabular-nums">{money(b.gross)}</TableCell>
                        <TableCell className="text-right tabular-nums">{money(b.refunds)}</TableCell>
                        <TableCell className="text-right tabular-nums">{money(b.net)}</TableCell>
                        <TableCell className="text-right tabular-nums">{b.payments}</TableCell>
                      </TableRow>
                    ))}
                  </TableBody>
                </Table>
              </div>
            </CardContent>
          </Card>
          <div className="grid gap-6 lg:grid-cols-3">
            <BreakdownCard
              title="Orders placed, by status"
              rows={report.byStatus.map((s) => ({
                key: s.status,
                label: <StatusBadge status={s.status} />,
                count: s.orders,
                amount: money(s.total),
              }))}
            />
            <BreakdownCard
              title="Top products (gross)"
              rows={report.byProduct.map((p) => ({ key: p.productId, label: p.name, count: p.quantity, amount: money(p.gross) }))}
            />
            <BreakdownCard
              title="Top customers (net)"
              rows={report.topCustomers.map((c) => ({ key: c.customerId, label: c.name, count: c.orders, amount: money(c.net) }))}
            />
          </div>
        </>
      );
    }),
  );
}

/** One of the report's breakdowns: a row per status, product or customer, with a count and an amount. */
function BreakdownCard({ title, rows }: { title: string; rows: { key: string; label: ReactNode; count: number; amount: string }[] }) {
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
      </CardHeader>
      <CardContent>
        <Table overflow="visible">
          <TableBody>
            {rows.map((row) => (
              <TableRow key={row.key}>
                <TableCell>{row.label}</TableCell>
                <TableCell className="text-right tabular-nums">{row.count}</TableCell>
                <TableCell className="text-right tabular-nums">{row.amount}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

function ReportSkeleton() {
  return (
    <Skeleton label="Loading the report…" className="space-y-6">
      <SkeletonStatCards count={3} className="sm:grid-cols-3" />
      <Card className="px-5">
        <SkeletonLine className="h-5 w-28" />
        <SkeletonChart />
        <SkeletonTable rows={6} cols={5} />
      </Card>
      <div className="grid gap-6 lg:grid-cols-3">
        {[0, 1, 2].map((card) => (
          <Card key={card} className="px-5">
            <SkeletonLine className="h-5 w-40" />
            <SkeletonTable rows={5} cols={3} head={false} />
          </Card>
        ))}
      </div>
    </Skeleton>
  );
}

const GRANULARITY_LABELS: Record<Granularity, string> = { day: 'Day', week: 'Week', month: 'Month' };

function RangeForm({ range }: { range: ReportRange }) {
  return (
    <form className="flex flex-wrap items-end gap-3" aria-label="Report range">
      <Label className="text-xs font-normal text-muted-foreground">
        From
        <Input type="date" name="from" defaultValue={range.from} className="mt-1 w-auto" />
      </Label>
      <Label className="text-xs font-normal text-muted-foreground">
        To
        <Input type="date" name="to" defaultValue={range.to} className="mt-1 w-auto" />
      </Label>
      <Label className="text-xs font-normal text-muted-foreground">
        Group by
        <Select name="granularity" defaultValue={range.granularity} className="mt-1 w-auto">
          {GRANULARITIES.map((granularity) => (
            <option key={granularity} value={granularity}>
              {GRANULARITY_LABELS[granularity]}
            </option>
          ))}
        </Select>
      </Label>
      <Button variant="outline">Show</Button>
    </form>
  );
}
