import type { Metadata } from 'next';
import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { SettingsNav } from '@/components/settings/settings-nav';
import { Card, tableClasses as t } from '@/components/ui/page';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { PLAN_NAMES, PLANS, planProvider, planUsage, type PlanLimits } from '@/lib/billing/plans';
import { cn } from '@/lib/cn';
import { changePlanAction } from './actions';

export const metadata: Metadata = { title: 'Plan & usage' };

const amount = (value: number | null) => (value === null ? 'Unlimited' : value.toLocaleString('en-US'));

const ROWS: [string, (p: PlanLimits) => string][] = [
  ['Orders a month', (p) => amount(p.ordersPerMonth)],
  ['Members and invitations', (p) => amount(p.members)],
  ['API keys', (p) => amount(p.apiKeys)],
  ['Requests a minute, workspace', (p) => amount(p.tenantRequestsPerMinute)],
  ['Requests a minute, per API key', (p) => amount(p.keyRequestsPerMinute)],
];

export default async function BillingPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  return orUnavailable(tenantPage(slug, 'billing.view', async (access) => {
    const { plan, usage } = await planUsage();
    const mayChange = can(access.role, 'billing.update');
    return (
      <div className="max-w-4xl">
        <SettingsNav slug={slug} role={access.role} current="/billing" />
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">Plan & usage</h1>
        <p className="mt-1 text-sm text-slate-600">
          This workspace is on the <span className="font-medium" data-testid="current-plan">{PLANS[plan].label}</span> plan. Plan changes go through the “{planProvider().name}” billing
          provider: they apply at once and are recorded in the audit log.
        </p>

        <Card title="Usage" className="mt-8">
          <ul className="space-y-4">
            {usage.map((line) => {
              const share = line.limit ? Math.min(1, line.used / line.limit) : 0;
              return (
                <li key={line.kind} data-testid="usage-line">
                  <div className="flex justify-between text-sm">
                    <span className="text-slate-700">{line.label}</span>
                    <span className="text-slate-900 tabular-nums">
                      {line.used.toLocaleString('en-US')} / {amount(line.limit)}
                    </span>
                  </div>
                  {line.limit !== null ? (
                    <div className="mt-1.5 h-2 rounded-full bg-slate-100" role="meter" aria-label={line.label} aria-valuemin={0} aria-valuemax={line.limit} aria-valuenow={line.used}>
                      <div className={cn('h-2 rounded-full', share >= 1 ? 'bg-rose-500' : share >= 0.8 ? 'bg-amber-500' : 'bg-brand-600')} style={{ width: `${Math.max(2, share * 100)}%` }} />
                    </div>
                  ) : null}
                </li>
              );
            })}
          </ul>
        </Card>

        <section className="mt-8 overflow-x-auto">
          <table className={t.table}>
            <thead className={t.head}>
              <tr>
                <th className={t.th}>Plan</th>
                {PLAN_NAMES.map((name) => (
                  <th key={name} className={cn(t.th, 'text-right', name === plan && 'text-brand-700')}>
                    {PLANS[name].label}
                    {name === plan ? ' (current)' : ''}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className={t.body}>
              <tr>
                <td className={t.td}>Price</td>
                {PLAN_NAMES.map((name) => (
                  <td key={name} className={t.num}>
                    {PLANS[name].priceLabel}
                  </td>
                ))}
              </tr>
              {ROWS.map(([label, value]) => (
                <tr key={label}>
                  <td className={t.td}>{label}</td>
                  {PLAN_NAMES.map((name) => (
                    <td key={name} className={t.num}>
                      {value(PLANS[name])}
                    </td>
                  ))}
                </tr>
              ))}
              {mayChange ? (
                <tr>
                  <td className={t.td} />
                  {PLAN_NAMES.map((name) => (
                    <td key={name} className={`${t.td} text-right`}>
                      {name === plan ? null : (
                        <ConfirmButtonForm
                          action={changePlanAction.bind(null, slug)}
                          fields={{ plan: name }}
                          label={`Switch to ${PLANS[name].label}`}
                          confirm={`Move this workspace to the ${PLANS[name].label} plan (${PLANS[name].priceLabel})? Its limits change at once.`}
                          variant="secondary"
                        />
                      )}
                    </td>
                  ))}
                </tr>
              ) : null}
            </tbody>
          </table>
          {mayChange ? null : <p className="mt-4 text-sm text-slate-600">Only an owner can change the plan.</p>}
        </section>
      </div>
    );
  }), 'page');
}
