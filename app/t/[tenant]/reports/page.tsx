import type { Metadata } from 'next';
import { Suspense } from 'react';
import { RevenueChart } from '@/components/reports/revenue-chart';
import { Card, EmptyState, PageHeader, StatusBadge, tableClasses as t } from '@/components/ui/page';
import { Skeleton, SkeletonChart, SkeletonLine, SkeletonStatCards, SkeletonTable } from '@/components/ui/skeleton';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { rangeFromSearch } from '@/lib/billing/range';
import { revenueReport, validateRange, type ReportRange } from '@/lib/billing/report';
import { AppError } from '@/lib/errors';
import { formatMoney } from '@/lib/money';
import { tenantDb } from '@/lib/tenancy';

export const metadata: Metadata = { title: 'Revenue report' };

type Search = { from?: string; to?: string; granularity?: string };

export default async function ReportPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<Search> }) {
  const { tenant: slug } = await params;
  // The header reads the workspace's settings before anything streams: if the workspace is busy
  // then, the notice stands in for the whole page.
  return orUnavailable(reportPage(slug, await searchParams), 'page');
}

async function reportPage(slug: string, search: Search) {
  // Decided before anything streams: another tenant's slug must be a real 404, a missing permission
  // a real 403. The header states the tenant's currency and time zone, so they are read here too:
  // one row, while the slow part, the report itself, streams in below.
  const { access, settings } = await tenantPage(slug, 'reports.view', async (access) => ({
    access,
    settings: await tenantDb().tenant.findFirstOrThrow({ select: { currency: true, timezone: true } }),
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
        <p className="mt-6 rounded-lg bg-red-50 p-4 text-sm text-red-700" role="alert">
          {Object.values(error.fieldErrors ?? {}).flat().join(' ') || error.detail}
        </p>
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
              <a className="rounded-lg bg-white px-3 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50" href={`/t/${slug}/reports/revenue.csv?${query}`}>
                Download CSV
              </a>
              <a className="rounded-lg bg-white px-3 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50" href={`/t/${slug}/reports/revenue.csv?${query}&table=customers`}>
                Customers CSV
              </a>
            </>
          ) : null
        }
      />
      <RangeForm range={range} />
      <Suspense key={JSON.stringify(search)} fallback={<ReportSkeleton />}>
        <Report slug={slug} range={range} />
      </Suspense>
    </div>
  );
}

/** Streams in after the header and range form; opens its own tenant context (none flows into it). */
async function Report({ slug, range }: { slug: string; range: ReportRange }) {
  return orUnavailable(tenantPage(slug, 'reports.view', async () => {
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
            <div key={label} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
              <dt className="text-sm text-slate-500">{label}</dt>
              <dd className="mt-1 text-2xl font-semibold text-slate-900 tabular-nums" data-testid={`total-${String(label).toLowerCase().replace(' ', '-')}`}>
                {money(value as number)}
              </dd>
            </div>
          ))}
        </dl>
        <Card title="By period">
          {report.totals.payments + report.totals.refundCount === 0 ? (
            <EmptyState title="No payments or refunds in this range." />
          ) : (
            <RevenueChart data={report.buckets} currency={report.currency} />
          )}
          <div className="mt-4 max-h-96 overflow-auto" tabIndex={0} role="region" aria-label="Revenue by period, scrollable">
            <table className={t.table} aria-label="Revenue by period">
              <thead className={t.head}>
                <tr>
                  <th className={t.th}>{range.granularity} starting</th>
                  <th className={`${t.th} text-right`}>Gross</th>
                  <th className={`${t.th} text-right`}>Refunds</th>
                  <th className={`${t.th} text-right`}>Net</th>
                  <th className={`${t.th} text-right`}>Payments</th>
                </tr>
              </thead>
              <tbody className={t.body}>
                {report.buckets.map((b) => (
                  <tr key={b.period}>
                    <td className={t.td}>{b.period}</td>
                    <td className={t.num}>{money(b.gross)}</td>
                    <td className={t.num}>{money(b.refunds)}</td>
                    <td className={t.num}>{money(b.net)}</td>
                    <td className={t.num}>{b.payments}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
        <div className="grid gap-6 lg:grid-cols-3">
          <Card title="Orders placed, by status">
            <table className={t.table}>
              <tbody className={t.body}>
                {report.byStatus.map((s) => (
                  <tr key={s.status}>
                    <td className={t.td}><StatusBadge status={s.status} /></td>
                    <td className={t.num}>{s.orders}</td>
                    <td className={t.num}>{money(s.total)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <Card title="Top products (gross)">
            <table className={t.table}>
              <tbody className={t.body}>
                {report.byProduct.map((p) => (
                  <tr key={p.productId}>
                    <td className={t.td}>{p.name}</td>
                    <td className={t.num}>{p.quantity}</td>
                    <td className={t.num}>{money(p.gross)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
          <Card title="Top customers (net)">
            <table className={t.table}>
              <tbody className={t.body}>
                {report.topCustomers.map((c) => (
                  <tr key={c.customerId}>
                    <td className={t.td}>{c.name}</td>
                    <td className={t.num}>{c.orders}</td>
                    <td className={t.num}>{money(c.net)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Card>
        </div>
      </>
    );
  }));
}

function ReportSkeleton() {
  return (
    <Skeleton label="Loading the report…" className="space-y-6">
      <SkeletonStatCards count={3} className="sm:grid-cols-3" />
      <div className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
        <SkeletonLine className="mb-4 h-5 w-28" />
        <SkeletonChart />
        <SkeletonTable rows={6} cols={5} className="mt-4" />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        {[0, 1, 2].map((card) => (
          <div key={card} className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
            <SkeletonLine className="mb-4 h-5 w-40" />
            <SkeletonTable rows={5} cols={3} head={false} />
          </div>
        ))}
      </div>
    </Skeleton>
  );
}

function RangeForm({ range }: { range: { from: string; to: string; granularity: string } }) {
  return (
    <form className="flex flex-wrap items-end gap-3" aria-label="Report range">
      <label className="text-xs text-slate-500">
        From
        <input type="date" name="from" defaultValue={range.from} className="mt-1 block rounded-lg border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset" />
      </label>
      <label className="text-xs text-slate-500">
        To
        <input type="date" name="to" defaultValue={range.to} className="mt-1 block rounded-lg border-0 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset" />
      </label>
      <label className="text-xs text-slate-500">
        Group by
        <select name="granularity" defaultValue={range.granularity} className="mt-1 block rounded-lg border-0 py-2 pl-3 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset">
          <option value="day">Day</option>
          <option value="week">Week</option>
          <option value="month">Month</option>
        </select>
      </label>
      <button className="rounded-lg bg-white px-3 py-2 text-sm font-medium ring-1 ring-slate-300 hover:bg-slate-50">Show</button>
    </form>
  );
}
