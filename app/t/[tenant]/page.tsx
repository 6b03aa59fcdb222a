import type { Metadata } from 'next';
import { forbidden } from 'next/navigation';
import { Suspense } from 'react';

import { OrdersTable } from '@/components/orders/orders-table';
import { Card } from '@/components/ui/card';
import { EmptyState } from '@/components/ui/empty-state';
import { PageHeader } from '@/components/ui/page-header';
import { Skeleton, SkeletonLine, SkeletonStatCards, SkeletonTable } from '@/components/ui/skeleton';
import { Stat } from '@/components/ui/stat';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantAccess, tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { lastSixMonths } from '@/lib/billing/dashboard';
import { formatMoney } from '@/lib/money';
import { listOrders } from '@/lib/orders/service';
import { tenantSettings } from '@/lib/settings/service';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  // Decided before anything streams: another tenant's slug must be a real 404, a missing permission a real 403.
  const access = await tenantAccess(slug);
  if (!can(access.role, 'dashboard.view')) forbidden();
  // The header streams with the figures: it names the month the query bucketed them in (in the
  // tenant's time zone), so only its shape is known up front.
  return (
    <Suspense
      fallback={
        <Skeleton label="Loading dashboard…" className="space-y-8">
          <div>
            <SkeletonLine className="h-8 w-56" />
            <SkeletonLine className="mt-2 w-96 max-w-full" />
          </div>
          <SkeletonStatCards count={can(access.role, 'revenue.view') ? 4 : 2} className="sm:grid-cols-2 xl:grid-cols-4" />
          <section>
            <SkeletonLine className="h-5 w-36" />
            <Card className="mt-3 py-0">
              <SkeletonTable rows={8} cols={4} head={false} />
            </Card>
          </section>
        </Skeleton>
      }
    >
      <Dashboard slug={slug} />
    </Suspense>
  );
}

/** Opens its own tenant context: none flows from the page into a streamed child. */
async function Dashboard({ slug }: { slug: string }) {
  return orUnavailable(
    tenantPage(slug, 'dashboard.view', async (access) => {
      const [tenant, figures, recent] = await Promise.all([tenantSettings(), lastSixMonths(), listOrders({ sort: 'placed_desc' })]);
      const money = (minor: number) => formatMoney(minor, figures.currency);
      const months = figures.months;
      const now = months.at(-1)!;
      // Month to date against last month up to the same day and time (all of it at most), not all of last month.
      const before = figures.sameDaysLastMonth;
      const versus = 'the same days last month';
      const aov = (m: Omit<(typeof months)[number], 'month'>) => (m.orders ? Math.round(m.ordersTotal / m.orders) : 0);
      const showRevenue = can(access.role, 'revenue.view');
      return (
        <div className="space-y-8">
          <PageHeader
            title={tenant.name}
            description={`This month (${now.month}) at a glance. Everything here belongs to ${tenant.name} and nobody else.`}
          />
          <dl className="grid gap-4 sm:grid-cols-2 xl:grid-cols-4">
            {showRevenue ? (
              <Stat
                label="Revenue this month"
                value={money(now.gross - now.refunds)}
                series={months.map((m) => m.gross - m.refunds)}
                current={now.gross - now.refunds}
                previous={before.gross - before.refunds}
                versus={versus}
              />
            ) : null}
            <Stat
              label="Orders this month"
              value={now.orders.toLocaleString('en-US')}
              series={months.map((m) => m.orders)}
              current={now.orders}
              previous={before.orders}
              versus={versus}
            />
            <Stat
              label="Average order value"
              value={money(aov(now))}
              series={months.map(aov)}
              current={aov(now)}
              previous={aov(before)}
              versus={versus}
            />
            {showRevenue ? (
              <Stat
                label="Refunds this month"
                value={money(now.refunds)}
                series={months.map((m) => m.refunds)}
                current={now.refunds}
                previous={before.refunds}
                versus={versus}
              />
            ) : null}
          </dl>
          <section>
            <h2 className="font-semibold text-foreground">Recent orders</h2>
            <Card className="mt-3 py-0">
              {recent.items.length === 0 ? (
                <EmptyState title="No orders yet." />
              ) : (
                <OrdersTable slug={slug} orders={recent.items.slice(0, 8)} variant="compact" customer="name" />
              )}
            </Card>
          </section>
        </div>
      );
    }),
    'page',
  );
}
