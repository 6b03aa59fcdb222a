import type { Metadata } from 'next';
import { connection } from 'next/server';
import type { ReactNode } from 'react';

import './globals.css';

export const metadata: Metadata = {
  title: { default: 'Bulkhead — multi-tenancy that does not leak', template: '%s · Bulkhead' },
  description: 'A reference SaaS application: Next.js, Prisma and PostgreSQL row-level security, with tenant isolation proven by tests.',
};

export default async function RootLayout({ children }: { children: ReactNode }) {
  // Every page is rendered per request, never prerendered at build time: Next.js puts the nonce of
  // the request's Content-Security-Policy (proxy.ts) on its scripts only while rendering, and a
  // prerendered page's scripts would carry none and be refused (docs/security-headers.md).
  await connection();
  return (
    <html lang="en">
      <body className="min-h-dvh font-sans">{children}</body>
    </html>
  );
}
