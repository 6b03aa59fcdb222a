import Link from 'next/link';
import type { ReactNode } from 'react';

import { Logo } from '@/components/marketing/logo';

import { SignOutButton } from './sign-out-button';
import { TenantSwitcher } from './tenant-switcher';

export interface NavItem {
  href: string;
  label: string;
}

export function AppShell({
  tenant,
  tenants,
  user,
  nav,
  children,
}: {
  tenant: { slug: string; name: string; role: string };
  tenants: { slug: string; name: string; role: string }[];
  user: { email: string; name: string | null };
  nav: NavItem[];
  children: ReactNode;
}) {
  return (
    <div className="flex min-h-dvh">
      <aside className="hidden w-64 shrink-0 flex-col border-r border-border bg-muted px-4 py-5 md:flex">
        <Link href={`/t/${tenant.slug}`} className="flex items-center gap-2 px-2 font-semibold text-foreground">
          <Logo className="size-7" /> Bulkhead
        </Link>
        <div className="mt-6">
          <TenantSwitcher current={tenant} tenants={tenants} />
        </div>
        <nav className="mt-6 flex flex-1 flex-col gap-1" aria-label="Workspace">
          {nav.map((item) => (
            <Link
              key={item.href}
              href={item.href}
              className="rounded-lg px-3 py-2 text-sm font-medium text-foreground hover:bg-card hover:text-foreground"
            >
              {item.label}
            </Link>
          ))}
        </nav>
        <div className="border-t border-border px-2 pt-4 text-sm">
          <p className="truncate font-medium text-foreground" title={user.email}>
            {user.name ?? user.email}
          </p>
          <p className="truncate text-xs text-muted-foreground">{user.email}</p>
          <div className="mt-3 flex items-center gap-4">
            <Link href="/account" className="text-sm font-medium text-muted-foreground hover:text-foreground">
              Account
            </Link>
            <SignOutButton />
          </div>
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <header className="border-b border-border px-4 py-3 md:hidden">
          <div className="flex items-center justify-between gap-3">
            <TenantSwitcher current={tenant} tenants={tenants} />
            <SignOutButton />
          </div>
          <details className="mt-2">
            <summary className="cursor-pointer text-sm font-medium text-foreground">Menu</summary>
            <nav className="mt-2 grid grid-cols-2 gap-1" aria-label="Workspace (mobile)">
              {nav.map((item) => (
                <Link key={item.href} href={item.href} className="rounded-lg px-3 py-2 text-sm text-foreground hover:bg-accent">
                  {item.label}
                </Link>
              ))}
              <Link href="/account" className="rounded-lg px-3 py-2 text-sm text-foreground hover:bg-accent">
                Account
              </Link>
            </nav>
          </details>
        </header>
        <main className="flex-1 px-6 py-8 lg:px-10">{children}</main>
      </div>
    </div>
  );
}
