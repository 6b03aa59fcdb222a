import type { Metadata } from 'next';
import { SettingsNav } from '@/components/settings/settings-nav';
import { orUnavailable } from '@/components/ui/unavailable';
import { tenantPage } from '@/lib/auth/entry';
import { can } from '@/lib/auth/permissions';
import { tenantSettings } from '@/lib/settings/service';
import { updateSettingsAction } from './actions';
import { SettingsForm } from './settings-form';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage({ params, searchParams }: { params: Promise<{ tenant: string }>; searchParams: Promise<{ saved?: string }> }) {
  const { tenant: slug } = await params;
  const { saved } = await searchParams;
  return orUnavailable(tenantPage(slug, 'settings.view', async (access) => {
    const settings = await tenantSettings();
    const zones = Intl.supportedValuesOf('timeZone');
    return (
      <div className="max-w-xl">
        <SettingsNav slug={slug} role={access.role} current="" />
        <h1 className="text-2xl font-bold tracking-tight text-slate-900">Settings</h1>
        <p className="mt-1 text-sm text-slate-600">
          Plan <span className="font-medium capitalize">{settings.plan}</span> · region {settings.region} · amounts in {settings.currency}
        </p>
        {saved ? (
          <p className="mt-4 text-sm text-emerald-700" role="status">
            Settings saved. This workspace now lives at /t/{settings.slug}.
          </p>
        ) : null}
        <div className="mt-8 rounded-xl bg-white p-6 shadow-sm ring-1 ring-slate-200">
          {can(access.role, 'settings.update') ? (
            <SettingsForm action={updateSettingsAction.bind(null, slug)} initial={settings} timeZones={zones.includes(settings.timezone) ? zones : [settings.timezone, ...zones]} />
          ) : (
            <p className="text-sm text-slate-600">Only owners and admins can change these settings.</p>
          )}
        </div>
      </div>
    );
  }), 'page');
}
