import type { Metadata } from 'next';

import { ConfirmButtonForm } from '@/components/forms/confirm-button-form';
import { Card, CardContent, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from '@/components/ui/table';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { PLAN_NAMES, planProvider, PLANS, planUsage, type PlanLimits } from '@/lib/billing/plans';
import { cn } from '@/lib/cn';

import { changePlanAction } from './actions';

export const metadata: Metadata = { title: 'Plan & usage' };

const TIER_LABELS: Record<PlanLimits['tiers'][number], string> = { shared: 'shared', schema: 'own schema', database: 'own database' };

const amount = (value: number | null) => (value === null ? 'Unlimited' : value.toLocaleString('en-US'));

const ROWS: [string, (p: PlanLimits) => string][] = [
  ['Orders a month', (p) => amount(p.ordersPerMonth)],
  ['Members and invitations', (p) => amount(p.members)],
  ['API keys', (p) => amount(p.apiKeys)],
  ['Requests a minute, workspace', (p) => amount(p.tenantRequestsPerMinute)],
  ['Requests a minute, per API key', (p) => amount(p.keyRequestsPerMinute)],
  ['Where the data may live', (p) => p.tiers.map((tier) => TIER_LABELS[tier]).join(', ')],
];

export default async function BillingPage({ params }: { params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  return orUnavailable(
    tenantPage(slug, 'billing.view', async (access) => {
      const { plan, usage } = await planUsage();
      const mayChange = can(access.role, 'billing.update');
      return (
        <div>
          <PageHeader
            title="Plan & usage"
            description={
              <>
                This workspace is on the{' '}
                <span className="font-medium" data-testid="current-plan">
                  {PLANS[plan].label}
                </span>{' '}
                plan. Plan changes go through the “{planProvider().name}” billing provider: they apply at once and are recorded in the audit
                log.
              </>
            }
          />

          <Card className="mt-8">
            <CardHeader>
              <CardTitle>Usage</CardTitle>
            </CardHeader>
            <CardContent>
              <ul className="space-y-4">
                {usage.map((line) => {
                  const share = line.limit ? Math.min(1, line.used / line.limit) : 0;
                  return (
                    <li key={line.kind} data-testid="usage-line">
                      <div className="flex justify-between text-sm">
                        <span>{line.label}</span>
                        <span className="tabular-nums">
                          {line.used.toLocaleString('en-US')} / {amount(line.limit)}
                        </span>
                      </div>
                      {line.limit !== null ? (
                        <div
                          className="mt-1.5 h-2 rounded-full bg-secondary"
                          role="meter"
                          aria-label={line.label}
                          aria-valuemin={0}
                          aria-valuemax={line.limit}
                          aria-valuenow={line.used}
                        >
                          <div
                            className={cn('h-2 rounded-full', share >= 1 ? 'bg-destructive' : share >= 0.8 ? 'bg-chart-2' : 'bg-primary')}
                            style={{ width: `${Math.max(2, share * 100)}%` }}
                          />
                        </div>
                      ) : null}
                    </li>
                  );
                })}
              </ul>
            </CardContent>
          </Card>

          <section className="mt-8">
            <Table>
              <TableHeader>
                <TableRow>
                  <TableHead>Plan</TableHead>
                  {PLAN_NAMES.map((name) => (
                    <TableHead key={name} className={cn('text-right', name === plan && 'text-primary')}>
                      {PLANS[name].label}
                      {name === plan ? ' (current)' : ''}
                    </TableHead>
                  ))}
                </TableRow>
              </TableHeader>
              <TableBody>
                <TableRow>
                  <TableCell>Price</TableCell>
                  {PLAN_NAMES.map((name) => (
                    <TableCell key={name} className="text-right tabular-nums">
                      {PLANS[name].priceLabel}
                    </TableCell>
                  ))}
                </TableRow>
                {ROWS.map(([label, value]) => (
                  <TableRow key={label}>
                    <TableCell>{label}</TableCell>
                    {PLAN_NAMES.map((name) => (
                      <TableCell key={name} className="text-right tabular-nums">
                        {value(PLANS[name])}
                      </TableCell>
                    ))}
                  </TableRow>
                ))}
                {mayChange ? (
                  <TableRow>
                    <TableCell />
                    {PLAN_NAMES.map((name) => (
                      <TableCell key={name} className="text-right">
                        {name === plan ? null : !PLANS[name].tiers.includes(access.placement.tier) ? (
                          <span className="text-xs text-muted-foreground" data-testid={`plan-${name}-unavailable`}>
                            Not for this workspace&rsquo;s {access.placement.tier === 'database' ? 'own database' : 'own schema'}
                          </span>
                        ) : (
                          <ConfirmButtonForm
                            action={changePlanAction.bind(null, slug)}
                            fields={{ plan: name }}
                            label={`Switch to ${PLANS[name].label}`}
                            confirm={`Move this workspace to the ${PLANS[name].label} plan (${PLANS[name].priceLabel})? Its limits change at once.`}
                            variant="outline"
                          />
                        )}
                      </TableCell>
                    ))}
                  </TableRow>
                ) : null}
              </TableBody>
            </Table>
            {mayChange ? null : <p className="mt-4 text-sm text-muted-foreground">Only an owner can change the plan.</p>}
          </section>
        </div>
      );
    }),
    'page',
  );
}
