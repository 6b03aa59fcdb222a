import type { Metadata } from 'next';

import { Card, CardContent, CardDescription, CardHeader, CardTitle } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage, type Placement } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { dataResidency, isPinnedHere } from '@/lib/settings/residency';
import { tenantSettings, twoFactorRule } from '@/lib/settings/service';
import { timeZoneChoices } from '@/lib/settings/time-zones';

import { updateSettingsAction, updateTwoFactorRuleAction } from './actions';
import { SettingsForm } from './settings-form';
import { TwoFactorRuleForm } from './two-factor-rule-form';

export const metadata: Metadata = { title: 'Settings' };

/** Where the workspace's data lives, as its members read it (docs/tiers.md). */
const PLACEMENT_LABELS: Record<Placement['tier'], string> = {
  shared: 'the shared tables',
  schema: 'a schema of its own',
  database: 'a database of its own',
};

export default async function SettingsPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenant: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const { tenant: slug } = await params;
  const { saved } = await searchParams;
  return orUnavailable(
    tenantPage(slug, 'settings.view', async (access) => {
      // Only zones PostgreSQL and Intl both know (lib/settings/time-zones.ts).
      const [settings, zones, requireTwoFactor, residency] = await Promise.all([
        tenantSettings(),
        timeZoneChoices(),
        twoFactorRule(),
        dataResidency(),
      ]);
      return (
        <div className="max-w-xl">
          <PageHeader
            title="Settings"
            description={
              <>
                Plan <span className="font-medium capitalize">{settings.plan}</span> ·{' '}
                <span data-testid="placement">
                  data in {PLACEMENT_LABELS[access.placement.tier]}, region {residency.region}
                </span>{' '}
                · amounts in {settings.currency}
              </>
            }
          />
          {saved ? (
            <p className="mt-4 text-sm text-success" role="status">
              Settings saved. This workspace now lives at /t/{settings.slug}.
            </p>
          ) : null}
          <Card className="mt-8">
            <CardContent>
              {can(access.role, 'settings.update') ? (
                <SettingsForm
                  action={updateSettingsAction.bind(null, slug)}
                  initial={settings}
                  timeZones={zones.includes(settings.timezone) ? zones : [settings.timezone, ...zones]}
                />
              ) : (
                <p className="text-sm text-muted-foreground">Only owners and admins can change these settings.</p>
              )}
            </CardContent>
          </Card>
          <Card as="section" className="mt-6" aria-labelledby="residency-heading">
            <CardHeader>
              <CardTitle id="residency-heading">Data residency</CardTitle>
              <CardDescription data-testid="residency">
                {isPinnedHere(residency)
                  ? `Pinned to ${residency.region}: this workspace's data stays in ${residency.region}. Moving it to another region takes an operator's approval, recorded in the audit log.`
                  : `Pinned to ${residency.pinnedTo}, but the data is in ${residency.region}: it was placed there before regions became a rule. An operator has to move it.`}
              </CardDescription>
            </CardHeader>
          </Card>
          <Card as="section" className="mt-6" aria-labelledby="two-factor-rule-heading">
            <CardHeader>
              <CardTitle id="two-factor-rule-heading">Two-factor sign-in</CardTitle>
              <CardDescription data-testid="two-factor-rule">
                {requireTwoFactor
                  ? 'Members must use two-factor sign-in: anyone without it is sent to turn it on before entering this workspace.'
                  : 'Members may sign in with a password or GitHub alone.'}
              </CardDescription>
            </CardHeader>
            {can(access.role, 'settings.update') ? (
              <CardContent>
                <TwoFactorRuleForm action={updateTwoFactorRuleAction.bind(null, slug)} required={requireTwoFactor} />
              </CardContent>
            ) : null}
          </Card>
        </div>
      );
    }),
    'page',
  );
}
