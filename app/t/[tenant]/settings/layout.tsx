import type { ReactNode } from 'react';

import { TabLink, Tabs } from '@/components/ui/tabs';
import { tenantAccess } from '@/lib/auth/entry';
import { can, type Permission } from '@/lib/auth/permissions';

const TABS: { path: string; label: string; permission: Permission }[] = [
  { path: '', label: 'General', permission: 'settings.view' },
  { path: '/billing', label: 'Plan & usage', permission: 'billing.view' },
  { path: '/api-keys', label: 'API keys', permission: 'api_keys.manage' },
];

// The settings section's frame, rendered once for all its pages: the tabs, each shown only to
// roles that may open it (the page itself still checks its own permission). tenantAccess is the
// same cached lookup the workspace layout made, so this costs no query; it reads no tenant rows.
export default async function SettingsLayout({ children, params }: { children: ReactNode; params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const access = await tenantAccess(slug);
  const tabs = TABS.filter((tab) => can(access.role, tab.permission));
  return (
    <div className="max-w-4xl">
      {tabs.length > 0 ? (
        <Tabs aria-label="Settings" className="mb-8">
          {tabs.map((tab) => (
            <TabLink key={tab.path} href={`/t/${slug}/settings${tab.path}`}>
              {tab.label}
            </TabLink>
          ))}
        </Tabs>
      ) : null}
      {children}
    </div>
  );
}
