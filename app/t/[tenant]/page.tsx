import type { Metadata } from 'next';
import { tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { tenantDb } from '@/lib/tenancy';

export const metadata: Metadata = { title: 'Dashboard' };

export default async function DashboardPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  return tenantPage(slug, 'dashboard.view', async (access) => {
    const db = tenantDb();
    const [tenant, customers, orders, revenue] = await Promise.all([
      db.tenant.findFirstOrThrow(),
      db.customer.count({ where: { archivedAt: null } }),
      db.order.count(),
      can(access.role, 'revenue.view') ? db.payment.aggregate({ _sum: { amount: true } }) : Promise.resolve(undefined),
    ]);
    const money = new Intl.NumberFormat('en-US', { style: 'currency', currency: tenant.currency });
    return (
      <div>
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">{tenant.name}</h1>
        <p className="mt-1 text-sm text-slate-600">Everything here belongs to {tenant.name} and nobody else.</p>
        <dl className="mt-8 grid gap-4 sm:grid-cols-3">
          <Stat label="Customers" value={customers.toLocaleString('en-US')} />
          <Stat label="Orders" value={orders.toLocaleString('en-US')} />
          {revenue ? <Stat label="Revenue received" value={money.format((revenue._sum.amount ?? 0) / 100)} /> : null}
        </dl>
      </div>
    );
  });
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="rounded-xl bg-white p-5 shadow-sm ring-1 ring-slate-200">
      <dt className="text-sm text-slate-500">{label}</dt>
      <dd className="mt-1 text-2xl font-semibold text-slate-900">{value}</dd>
    </div>
  );
}
