import type { ReactNode } from 'react';

import { AppShell, type NavItem } from '@/components/shell/app-shell';
import { userTenants } from '@/lib/account/workspaces';
import { tenantAccess } from '@/lib/auth/entry';
import { can, type Permission } from '@/lib/auth/permissions';

const NAV: { path: string; label: string; permission: Permission }[] = [
  { path: '', label: 'Dashboard', permission: 'dashboard.view' },
  { path: '/orders', label: 'Orders', permission: 'orders.view' },
  { path: '/customers', label: 'Customers', permission: 'customers.view' },
  { path: '/products', label: 'Products', permission: 'products.view' },
  { path: '/reports', label: 'Revenue report', permission: 'reports.view' },
  { path: '/audit', label: 'Audit log', permission: 'audit.view' },
  { path: '/members', label: 'Members', permission: 'members.view' },
  { path: '/settings', label: 'Settings', permission: 'settings.view' },
];

// No loading.tsx in this segment, on purpose: it would wrap every page in Suspense, the shell would
// stream with status 200, and a page's notFound() for another tenant's record id would arrive as a
// 404 page under a 200 status (e2e/leaks/pages.spec.ts checks the status).
//
// The shell only: who you are, which workspace, where you can go. It reads no tenant rows — each
// page opens its own tenant context (AsyncLocalStorage does not flow from a layout into pages).
export default async function TenantLayout({ children, params }: { children: ReactNode; params: Promise<{ tenant: string }> }) {
  const { tenant: slug } = await params;
  const access = await tenantAccess(slug);
  const tenants = await userTenants(access.user.id);
  const current = tenants.find((t) => t.slug === slug)!;
  const nav: NavItem[] = NAV.filter((item) => can(access.role, item.permission)).map((item) => ({
    href: `/t/${slug}${item.path}`,
    label: item.label,
  }));
  return (
    <AppShell
      tenant={{ slug, name: current.name, role: access.role }}
      tenants={tenants.map(({ slug: s, name, role }) => ({ slug: s, name, role }))}
      user={access.user}
      nav={nav}
    >
      {children}
    </AppShell>
  );
}
