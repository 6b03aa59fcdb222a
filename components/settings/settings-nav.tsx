import Link from 'next/link';
import { can } from '@/lib/auth/permissions';
import type { MembershipRole } from '@/lib/tenancy/context';
import { cn } from '@/lib/cn';

const TABS = [
  { path: '', label: 'General', permission: 'settings.view' },
  { path: '/billing', label: 'Plan & usage', permission: 'billing.view' },
  { path: '/api-keys', label: 'API keys', permission: 'api_keys.manage' },
] as const;

/** The settings section's tabs, each shown only to roles that may open it. */
export function SettingsNav({ slug, role, current }: { slug: string; role: MembershipRole; current: '' | '/billing' | '/api-keys' }) {
  return (
    <nav aria-label="Settings" className="mb-8 flex gap-1 border-b border-slate-200">
      {TABS.filter((tab) => can(role, tab.permission)).map((tab) => (
        <Link
          key={tab.path}
          href={`/t/${slug}/settings${tab.path}`}
          aria-current={tab.path === current ? 'page' : undefined}
          className={cn(
            '-mb-px border-b-2 px-3 py-2 text-sm font-medium',
            tab.path === current ? 'border-brand-600 text-slate-900' : 'border-transparent text-slate-600 hover:text-slate-900',
          )}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
