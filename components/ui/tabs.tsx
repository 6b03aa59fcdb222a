'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';
import type { ComponentProps } from 'react';

import { cn } from '@/lib/cn';

// Tabs that are links: each tab is a page of its own (a real URL, the back button works, no
// JavaScript needed to switch), so this is a <nav> of links, not an ARIA tablist. The tab of the
// page being shown gets aria-current="page", read from the address.

export function Tabs({ className, ...props }: ComponentProps<'nav'>) {
  return <nav data-slot="tabs" className={cn('flex gap-1 border-b', className)} {...props} />;
}

export function TabLink({ href, className, ...props }: ComponentProps<typeof Link> & { href: string }) {
  const current = usePathname() === href;
  return (
    <Link
      data-slot="tab-link"
      href={href}
      aria-current={current ? 'page' : undefined}
      className={cn(
        '-mb-px border-b-2 px-3 py-2 text-sm font-medium transition-colors focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-ring',
        current ? 'border-primary text-foreground' : 'border-transparent text-muted-foreground hover:text-foreground',
        className,
      )}
      {...props}
    />
  );
}
